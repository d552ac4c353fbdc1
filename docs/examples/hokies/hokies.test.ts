import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hokies, hokiesConflicting } from '@backprop/data';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { netPressure } from './pressure.js';
import { formatReport } from './report.js';
import { type HokiesResult, runHokies } from './run.js';
import { ENCODINGS, leastSquaresLoss } from './scalings.js';

describe('hokies (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-hokies-'));
  let r: HokiesResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("computes the lesson's up and down pressure tables by autograd", async () => {
    r = await runHokies(parseExampleArgs(['--quick', '--out', out], 'hokies')!);
    expect(r.pressure).toEqual([
      [-1, 0, -1],
      [0, 1, 1],
      [0, 0, -1],
      [1, 1, 1],
      [0, 1, 1],
      [-1, 0, -1],
    ]);
    expect(netPressure(r.pressure)).toEqual([-1, 3, 0]);
    expect(r.conflicting.pressure).toEqual([
      [1, 0, 1],
      [0, 1, 1],
      [0, 0, -1],
      [-1, -1, -1],
    ]);
    expect(netPressure(r.conflicting.pressure)).toEqual([0, 0, 0]);
  });

  it('learns the correlation: image 2 takes the largest weight', () => {
    const [w1, w2, w3] = r.weights as [number, number, number];
    expect(w2).toBeCloseTo(1, 2);
    expect(Math.abs(w1)).toBeLessThan(0.05);
    expect(Math.abs(w3)).toBeLessThan(0.05);
    expect(r.correlation.correct).toBe(6);
  });

  it('fails the conflicting table with one layer and learns it with a hidden layer', () => {
    const { oneLayer, hidden, floor } = r.conflicting;
    expect(floor).toBeCloseTo(0.25, 6);
    expect(oneLayer.correct).toBeLessThanOrEqual(3);
    expect(oneLayer.loss).toBeGreaterThanOrEqual(floor - 1e-6);
    expect(hidden.correct).toBe(4);
    expect(hidden.loss).toBeLessThan(0.01);
  });

  it('compares the scalings: 0/1 fits, 0/0.5/1 cannot, 0/5/10 diverges until lr shrinks 100×', () => {
    const [binary, half, ten, tenSmall] = r.scalings;
    expect(r.scalings.map((s) => [s.encoding.name, s.lr])).toEqual([
      ['0/1', 0.1],
      ['0/0.5/1', 0.1],
      ['0/5/10', 0.1],
      ['0/5/10', 0.001],
    ]);
    expect(binary!.loss).toBeLessThan(1e-6);
    expect(half!.floor).toBeCloseTo(1 / 18, 6); // least squares on the table with "BOTH" = 0.5
    expect(half!.loss).toBeGreaterThan(half!.floor);
    expect(half!.loss).toBeLessThan(0.1);
    expect(ten!.diverged).toBe(true);
    expect(tenSmall!.diverged).toBe(false);
    // Same fit, ten times smaller weights: the scale of the inputs moves into the weights.
    expect(tenSmall!.loss).toBeCloseTo(half!.loss, 4);
    for (const [j, w] of tenSmall!.weights.entries()) expect(10 * w).toBeCloseTo(half!.weights[j]!, 3);
  });

  it('solves least squares exactly on small tables', () => {
    expect(leastSquaresLoss(hokies())).toBeCloseTo(0, 10);
    expect(leastSquaresLoss(hokiesConflicting())).toBeCloseTo(0.25, 10);
    expect(leastSquaresLoss(ENCODINGS[2]!.data())).toBeCloseTo(1 / 18, 8);
  });

  it('prints the tables and writes the curves as valid SVG', () => {
    const report = formatReport(r);
    expect(report).toContain('| net -1 | net +3 | net 0 | |');
    expect(report).toContain('| 0/5/10 | 0.1 | diverged (NaN) |');
    const svg = readFileSync(join(out, 'hokies.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('hidden layer of 16 ReLUs');
  });
});
