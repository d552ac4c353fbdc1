import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { maxMarginByScan, separablePoints } from './points.js';
import { formatReport, runSvm, type SvmResult } from './run.js';

describe('svm (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-svm-'));
  let r: SvmResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('builds seeded separable points whose maximum margin is 2 · half', () => {
    const a = separablePoints(25, 4);
    expect(a.x.shape).toEqual([25, 2]);
    expect(new Set(a.y.data())).toEqual(new Set([-1, 1]));
    expect(Array.from(separablePoints(25, 4).x.data())).toEqual(Array.from(a.x.data()));
    expect(a.maxMargin).toBe(1);
    // Checked without any SVM: the widest gap between the classes over all directions.
    expect(maxMarginByScan(a.x, a.y)).toBeCloseTo(1, 4);
  });

  it('classifies every point and finds the maximum margin: 2/‖w‖ ≈ 1', async () => {
    r = await runSvm(parseExampleArgs(['--quick', '--out', out], 'svm')!);
    expect(r.correct).toBe(r.points);
    expect(r.scannedMargin).toBeCloseTo(r.maxMargin, 4);
    expect(Math.abs(r.margin - r.maxMargin)).toBeLessThan(0.01);
    expect(Math.abs(r.geometricMargin - r.maxMargin)).toBeLessThan(0.01);
    // The constructed line: w ∝ (cos 30°, sin 30°) with ‖w‖ = 2/margin = 2, and b = −offset·‖w‖.
    expect(r.w[0]).toBeCloseTo(Math.sqrt(3), 1);
    expect(r.w[1]).toBeCloseTo(1, 1);
    expect(r.b).toBeCloseTo(-0.4, 2);
    expect(r.supportVectors).toBe(3);
  });

  it('lowers the objective: its last value is the weight-decay term alone', () => {
    expect(r.objective.at(-1)!).toBeLessThan(r.objective[0]!);
    expect(r.objective.at(-1)!).toBeCloseTo((1e-3 / 2) * 4, 3); // hinge 0, (λ/2)‖w‖² with ‖w‖ = 2
  });

  it('prints the margins and draws the line and both margins as valid SVG', () => {
    expect(formatReport(r)).toContain(`${r.points} of ${r.points} points on the right side`);
    const svg = readFileSync(join(out, 'svm.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/<line [^>]*stroke-dasharray/g)).toHaveLength(2);
    expect(svg).toContain('<title>w·x + b = 0</title>');
  });
});
