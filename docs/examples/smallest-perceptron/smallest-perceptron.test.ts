import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import {
  formatReport,
  leastSquaresWeight,
  runSmallestPerceptron,
  type SmallestPerceptronResult,
} from './run.js';

describe('smallest-perceptron (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-smallest-perceptron-'));
  let r: SmallestPerceptronResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('targets Σxy / Σx² = 117.8 / 117.25 ≈ 1.0047', () => {
    expect(leastSquaresWeight([10, 2, 3.5, 1], [10.1, 1.9, 3.4, 1.1])).toBeCloseTo(117.8 / 117.25, 12);
    expect((117.8 / 117.25).toFixed(4)).toBe('1.0047');
  });

  it("brings w to 1.0047 by the lesson's update, online with a shrinking η and full batch", async () => {
    r = await runSmallestPerceptron(parseExampleArgs(['--quick', '--out', out], 'smallest-perceptron')!);
    const [fixed, stepped, batch] = r.runs.map((run) => run.w.at(-1)!) as [number, number, number];
    expect(r.target).toBeCloseTo(1.00469, 5);
    expect(batch).toBeCloseTo(r.target, 5);
    expect(Math.abs(stepped - r.target)).toBeLessThan(5e-5);
    expect(stepped.toFixed(4)).toBe('1.0047');
    // A fixed η leaves online training short of the target by an amount of order η.
    expect(r.target - fixed).toBeGreaterThan(1e-4);
    expect(r.target - fixed).toBeLessThan(1e-3);
  });

  it("computes the lesson's gradient −(y − ŷ)·x by autograd", () => {
    for (const run of r.runs) expect(run.gradientGap).toBeLessThan(1e-4);
  });

  it('shows why η is needed: with η = 1 w jumps 101, −299.2, 3378 and never settles', () => {
    expect(r.noRate[0]).toBeCloseTo(101, 3);
    expect(r.noRate[1]).toBeCloseTo(-299.2, 2);
    expect(r.noRate[2]).toBeCloseTo(3378, 0);
    expect(r.noRate[3]).toBeCloseTo(1.1, 3); // float32: 3378 − 3376.9 keeps ~4 digits
    expect(Math.max(...r.noRate.map(Math.abs))).toBeGreaterThan(100);
  });

  it('prints the table and writes the w-by-epoch picture as valid SVG', () => {
    const report = formatReport(r);
    expect(report).toContain('| 3.5 | 3.4 |');
    expect(report).toContain('w = Σxy / Σx² = 1.004691');
    const svg = readFileSync(join(out, 'weight.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('full batch, η = 0.005');
  });
});
