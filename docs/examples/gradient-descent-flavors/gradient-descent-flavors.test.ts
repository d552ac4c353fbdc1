import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { type FlavorsResult, formatReport, noisyLine, runFlavors } from './run.js';

const spread = (values: number[]) => Math.max(...values) - Math.min(...values);

describe('gradient-descent-flavors (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-flavors-'));
  let r: FlavorsResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('makes the noisy line from a seed', () => {
    const a = noisyLine(8, 3);
    expect(a.x.shape).toEqual([8, 2]);
    expect(a.y.shape).toEqual([8, 1]);
    expect(Array.from(noisyLine(8, 3).y.data())).toEqual(Array.from(a.y.data()));
  });

  it('per epoch: stochastic < mini-batch < full batch after one pass', async () => {
    r = await runFlavors(parseExampleArgs(['--quick', '--out', out], 'gradient-descent-flavors')!);
    const [full, mini, sgd] = r.runs;
    expect(r.runs.map((run) => run.perUpdate.length - 1)).toEqual([15, 15 * 8, 15 * 128]);
    expect(sgd!.perEpoch[1]).toBeLessThan(mini!.perEpoch[1]!);
    expect(mini!.perEpoch[1]).toBeLessThan(full!.perEpoch[1]!);
    // All started from the same weights.
    expect(new Set(r.runs.map((run) => run.perUpdate[0])).size).toBe(1);
  });

  it('per update: full batch descends every step, one example at a time does not', () => {
    const [full, , sgd] = r.runs;
    const rises = (v: number[]) => v.slice(1).filter((x, i) => x > v[i]!).length;
    expect(rises(full!.perUpdate)).toBe(0);
    expect(rises(sgd!.perUpdate.slice(0, 129))).toBeGreaterThan(5);
  });

  it('at the end stochastic descent bounces around the fit, mini-batches settle', () => {
    const [, mini, sgd] = r.runs;
    const last = (v: number[]) => v.slice(-8);
    expect(spread(last(sgd!.perEpoch))).toBeGreaterThan(5 * spread(last(mini!.perEpoch)));
    // Mini-batch descent finds the line: w = [2, −3], b = 0.5.
    const [w1, w2, b] = mini!.weights as [number, number, number];
    expect(w1).toBeCloseTo(2, 1);
    expect(w2).toBeCloseTo(-3, 1);
    expect(b).toBeCloseTo(0.5, 1);
    expect(mini!.perEpoch.at(-1)).toBeLessThan(0.12);
  });

  it('prints a row per flavor and draws the three views as valid SVG', () => {
    const report = formatReport(r);
    expect(report).toMatch(/\| stochastic \(1 example\) \| 128 \|/);
    const svg = readFileSync(join(out, 'flavors.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/<svg\b/g)).toHaveLength(4);
    expect(svg).toContain('mini-batch of 16');
  });
});
