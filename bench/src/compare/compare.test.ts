// The comparison's pure logic: statistics, formatting, argument parsing, the same-result check and
// the targets. Nothing here is timed; no engine runs.
import { describe, expect, it } from 'vitest';
import { parseCompareArgs, UsageError } from './cli.js';
import { Collector } from './collect.js';
import type { EngineName, WorkerOutput } from './engine.js';
import { medianTable, ratioTable } from './report.js';
import type { RoundOutcome } from './spawn.js';
import { agrees, markdownTable, median, ratioText, round, summarize, toJson } from './stats.js';
import { checkTargets } from './targets.js';
import { lossCheck, matmulCheck } from './timing.js';

function round1(engine: EngineName, steps: number, losses = [2.3100519, 2.3056202]): RoundOutcome {
  const output: WorkerOutput = {
    engine,
    workload: 'mlp',
    setup: `${engine} setup`,
    result: {
      measurements: [{ metric: 'mlp step', unit: 'steps/s', value: steps, calls: 10 }],
      check: lossCheck(losses[0]!, losses[1]!),
    },
  };
  return { output, wallSec: 1 };
}

describe('stats', () => {
  it('takes medians of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarizes rounds with their range', () => {
    expect(summarize([10, 12, 11])).toEqual({ median: 11, min: 10, max: 12, spreadPct: (2 / 11) * 100 });
  });

  it('formats ratios and leaves missing sides as a dash', () => {
    expect(ratioText(40, 4)).toBe('10.0x');
    expect(ratioText(1, 3)).toBe('0.333x');
    expect(ratioText(40, undefined)).toBe('-');
    expect(ratioText(undefined, 4)).toBe('-');
  });

  it('accepts float32 reordering noise and rejects real differences', () => {
    expect(agrees(2.3100507, 2.3100519)).toBe(true);
    expect(agrees(2.31, 2.32)).toBe(false);
    expect(agrees(-34.309296, -34.309303, 1e-4)).toBe(true);
    expect(agrees(1e-7, 0)).toBe(true);
  });

  it('rounds to significant digits', () => {
    expect(round(14.845611513554097)).toBe(14.85);
    expect(round(0.0024223756)).toBe(0.002422);
    expect(round(0)).toBe(0);
  });

  it('lays out a markdown table with numeric columns right-aligned', () => {
    expect(markdownTable(['a', 'b'], [['x', '1.0']])).toBe('| a   |   b |\n| --- | --: |\n| x   | 1.0 |');
  });

  it('writes numeric arrays on one line and keeps the JSON valid', () => {
    const text = toJson({ v: [1.5, -2, 3e-7], o: [{ k: 'x' }] });
    expect(text).toContain('"v": [1.5, -2, 3e-7]');
    expect(JSON.parse(text)).toEqual({ v: [1.5, -2, 3e-7], o: [{ k: 'x' }] });
  });
});

describe('parseCompareArgs', () => {
  it('runs everything for three rounds by default', () => {
    const o = parseCompareArgs([]);
    expect(o.rounds).toBe(3);
    expect(o.workloads).toEqual(['mlp', 'cnn', 'matmul', 'scalar']);
    expect(o.complete).toBe(true);
  });

  it('filters engines and workloads, keeping table order', () => {
    const o = parseCompareArgs(['--quick', '--engines', 'jax-js,backprop', 'scalar', 'mlp']);
    expect(o.engines).toEqual(['backprop', 'jax-js']);
    expect(o.workloads).toEqual(['mlp', 'scalar']);
    expect(o.rounds).toBe(1);
    expect(o.complete).toBe(false);
  });

  it('names what it does not know', () => {
    expect(() => parseCompareArgs(['gemm'])).toThrow(UsageError);
    expect(() => parseCompareArgs(['--engines', 'torch'])).toThrow(/unknown engine torch/);
    expect(() => parseCompareArgs(['--rounds', '0'])).toThrow(/positive integer/);
  });
});

describe('Collector', () => {
  it('keeps agreeing rounds and discards one whose losses differ', () => {
    const c = new Collector();
    c.add('backprop', 'mlp', round1('backprop', 100));
    c.add('jax-js', 'mlp', round1('jax-js', 50, [2.3100507, 2.3056188]));
    const line = c.add('tfjs-wasm', 'mlp', round1('tfjs-wasm', 40, [2.31, 2.4]));
    expect(line).toMatch(/MISMATCH/);
    expect(c.mismatches).toHaveLength(1);
    expect(c.cells.map((x) => [x.engine, x.values])).toEqual([
      ['backprop', [100]],
      ['jax-js', [50]],
    ]);
    expect(c.agreement.get('mlp')).toMatchObject({ reference: 'backprop', passed: 2, failed: 1 });
  });

  it('shows a failed workload as a lettered footnote', () => {
    const c = new Collector();
    c.add('backprop', 'mlp', round1('backprop', 100));
    c.add('tfjs-wasm', 'mlp', {
      output: { engine: 'tfjs-wasm', workload: 'mlp', setup: '', error: 'no kernel' },
      wallSec: 1,
    });
    const table = medianTable(c, ['backprop', 'tfjs-wasm']);
    expect(table).toContain('fails (a)');
    expect(table).toContain('- (a) tfjs-wasm on mlp: no kernel');
  });

  it('gives ratios and target verdicts from the medians', () => {
    const c = new Collector();
    for (const v of [100, 120, 110]) c.add('backprop', 'mlp', round1('backprop', v));
    for (const v of [20, 22]) c.add('tfjs-wasm', 'mlp', round1('tfjs-wasm', v));
    expect(ratioTable(c, ['tfjs-wasm'])).toContain('5.24x');
    const [absolute, vsWasm, vsJax] = checkTargets(c);
    expect(absolute).toMatchObject({ met: false, ratio: 110 / 400 });
    expect(vsWasm).toMatchObject({ met: false, ratio: 110 / (21 * 9) });
    expect(vsJax?.met).toBeNull();
  });

  it('uses the check tolerance of the reference', () => {
    const c = new Collector();
    const mm = (engine: EngineName, y: number): RoundOutcome => ({
      output: {
        engine,
        workload: 'matmul',
        setup: '',
        result: { measurements: [], check: matmulCheck(y, -34.309303, 8.7358961) },
      },
      wallSec: 1,
    });
    c.add('backprop', 'matmul', mm('backprop', 7.4597363));
    c.add('jax-js', 'matmul', mm('jax-js', 7.4597454));
    c.add('tfjs-cpu', 'matmul', mm('tfjs-cpu', 7.47));
    expect(c.agreement.get('matmul')).toMatchObject({ passed: 2, failed: 1 });
  });
});
