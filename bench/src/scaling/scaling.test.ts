// The scaling script's parts that need no timing: its points and problems, the allocation counter,
// the profile summary, the tables and the SVG writer.
import { describe, expect, it } from 'vitest';
import { MLP, mlpProblem } from '../compare/spec.js';
import { allocationPerStep } from './alloc.js';
import type { ScalingResult } from './engines.js';
import { describePoint, parsePoint, pointArg, problemAt, scalingPoints } from './points.js';
import { type CpuProfile, groupOf, summarizeProfile } from './profile.js';
import { bytesText, scalingPanels, scalingTables } from './report.js';
import { svgPlot } from './svg.js';
import { exportNames, sourceNames, watNames } from './wasm-names.js';

describe('points', () => {
  it('sweeps batch 1 to 1024 for both models and width 64 to 4096 for the MLP', () => {
    const points = scalingPoints();
    expect(points.filter((p) => p.sweep === 'mlp-batch').map((p) => p.batch)).toEqual([1, 8, 64, 256, 1024]);
    expect(points.filter((p) => p.sweep === 'cnn-batch').map((p) => p.batch)).toEqual([1, 8, 64, 256, 1024]);
    expect(points.filter((p) => p.sweep === 'mlp-width').map((p) => p.width)).toEqual([64, 256, 1024, 4096]);
    expect(describePoint({ sweep: 'mlp-width', batch: 64, width: 1024 })).toBe(
      'MLP 784-1024-1024-10, batch 64',
    );
  });

  it('round-trips a point through its argument and rejects anything else', () => {
    for (const p of scalingPoints()) expect(parsePoint(pointArg(p))).toEqual(p);
    expect(() => parsePoint('mlp-batch:0')).toThrow(/bad point mlp-batch:0/);
    expect(() => parsePoint('mlp-width:64')).toThrow(/bad point/);
    expect(() => parsePoint('rnn-batch:8')).toThrow(/bad point/);
  });

  it("trains the side-by-side MLP's numbers at its own size", () => {
    const base = mlpProblem();
    const same = problemAt({ sweep: 'mlp-batch', batch: MLP.batch });
    expect('layers' in same && same.layers[0]!.w).toEqual(base.layers[0]!.w);
    expect(same.y).toEqual(base.y);
    const wide = problemAt({ sweep: 'mlp-width', batch: 8, width: 32 });
    expect('layers' in wide && wide.layers.map((l) => [l.inF, l.outF])).toEqual([
      [784, 32],
      [32, 32],
      [32, 10],
    ]);
    expect(wide.x).toHaveLength(8 * 784);
    expect(() => mlpProblem([784], 8)).toThrow(/an input and an output width/);
    expect(() => mlpProblem([784, 10], 0)).toThrow(/batch must be positive integers, got 0/);
  });
});

describe('allocationPerStep', () => {
  it('counts the typed arrays and objects a step allocates', async () => {
    let keep: unknown;
    const a = await allocationPerStep(() => {
      keep = [new Float32Array(100_000), Array.from({ length: 1000 }, (_, i) => ({ i }))];
    });
    expect(a.arrayBufferMethod).toBe('quiet steps');
    expect(a.arrayBufferBytes).toBe(400_000);
    // 1,000 small objects and the array holding them: at least 12 bytes each.
    expect(a.heapBytes).toBeGreaterThan(12_000);
    expect(a.heapBytes).toBeLessThan(200_000);
    expect(keep).toBeDefined();
  });
});

describe('summarizeProfile', () => {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });
  const profile: CpuProfile = {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('sgdStep', 'file:///x/packages/core/dist/index.js', 1078) },
      { id: 3, callFrame: frame('tile', 'wasm://wasm/abcd') },
      { id: 4, callFrame: frame('(garbage collector)') },
    ],
    samples: [2, 3, 3, 4, 2, 1],
    timeDeltas: [0, 100, 300, 200, 200, 300],
  };

  it('sums self time per function and per group, a sample lasting until the next', () => {
    const s = summarizeProfile(profile);
    expect(s.totalMs).toBeCloseTo(1.1);
    expect(s.groups.map((g) => [g.name, g.ms])).toEqual([
      ['WebAssembly', 0.5],
      ['@backprop/core JS', 0.4],
      ['garbage collection', 0.2],
    ]);
    expect(s.top[0]!.name).toBe('tile (wasm)');
    expect(s.top[1]!.name).toBe('sgdStep (index.js:1079)');
    expect(s.top[1]!.pct).toBeCloseTo((0.4 / 1.1) * 100);
  });

  it('groups frames by where their code lives', () => {
    expect(groupOf(frame('(idle)'))).toBe('idle');
    expect(groupOf(frame('step', 'file:///r/packages/optim/dist/index.js'))).toBe('@backprop/optim JS');
    expect(groupOf(frame('emit', 'node:events'))).toBe('Node internals');
    expect(groupOf(frame('set'))).toBe('V8 builtins');
  });
});

describe('wasm names', () => {
  const wat = `(module
  (import "env" "log" (func $log (param i32)))
  (func $tile (param i32))
  (func (export "gemm") (param i32) (call $tile (local.get 0)))
  (func $pack (export "pack")))`;

  it('reads function exports from a binary, imported functions counted first', async () => {
    const wabt = await (await import('wabt')).default();
    const module = wabt.parseWat('t.wat', wat);
    const bytes = new Uint8Array(module.toBinary({}).buffer);
    module.destroy();
    expect(exportNames(bytes)).toEqual(
      new Map([
        [2, 'gemm'],
        [3, 'pack'],
      ]),
    );
    expect(() => exportNames(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a WebAssembly binary/);
  });

  it('names every function from the text, and finds the text by its exports', () => {
    const names = watNames(wat);
    expect(names).toEqual(
      new Map([
        [0, 'log'],
        [1, 'tile'],
        [2, 'gemm'],
        [3, 'pack'],
      ]),
    );
    expect(sourceNames(['gemm'], ['(module (func (export "other")))', wat])?.get(1)).toBe('tile');
    expect(sourceNames(['missing'], [wat])).toBeUndefined();
  });
});

describe('report', () => {
  const result = (engine: ScalingResult['engine'], batch: number, stepsPerSec: number): ScalingResult => ({
    engine,
    point: { sweep: 'mlp-batch', batch },
    setup: '',
    stepsPerSec,
  });
  const results: ScalingResult[] = [
    {
      ...result('backprop', 1, 900),
      alloc: {
        heapBytes: 100_000,
        arrayBufferBytes: 900_000,
        arrayBufferMethod: 'quiet steps',
        steps: 20,
        quietSteps: 19,
      },
    },
    result('backprop-1t', 1, 800),
    { ...result('pytorch-1t', 1, 2000), torchBytes: 1_100_000 },
    result('backprop', 64, 300),
    result('backprop-1t', 64, 200),
    result('pytorch-1t', 64, 1000),
  ];

  it('writes bytes with decimal units', () => {
    expect(bytesText(999)).toBe('999 B');
    expect(bytesText(1_340_416)).toBe('1.34 MB');
  });

  it('tabulates steps/s, the per-core ratio and bytes per step', () => {
    const table = scalingTables(results, ['backprop', 'backprop-1t', 'pytorch-1t']);
    expect(table).toContain('MLP 784-256-128-10');
    expect(table).toMatch(
      /\| 1 +\| +900 \| +800 \| +2,000 \| +0\.400x \| 1\.00 MB \(100 kB heap\) \| ≥ 1\.10 MB +\|/,
    );
    expect(table).toMatch(/\| 64 +\| +300 \| +200 \| +1,000 \| +0\.200x \| +- \| - +\|/);
  });
});

describe('svgPlot', () => {
  const panel = {
    title: 'MLP by batch',
    xLabel: 'batch size',
    yLabel: 'steps/s',
    series: [
      {
        name: 'backprop',
        points: [
          [1, 900],
          [64, 300],
          [1024, 20],
        ] as [number, number][],
      },
      {
        name: 'pytorch-1t',
        points: [
          [1, 2000],
          [64, 1000],
          [1024, 80],
        ] as [number, number][],
      },
    ],
  };

  // Tags opened and closed in order (self-closing ones aside): whether the document is well formed.
  const wellFormed = (svg: string) => {
    const open: string[] = [];
    for (const [, close, name, selfClosing] of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
      if (selfClosing) continue;
      if (!close) open.push(name!);
      else if (open.pop() !== name) return false;
    }
    return open.length === 0;
  };

  // The polylines' points as numbers, in document order.
  const lines = (svg: string) =>
    [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) =>
      m[1]!.split(' ').map((p) => p.split(',').map(Number)),
    );

  it('draws one line per series through its points, on log axes', () => {
    const svg = svgPlot([panel]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(wellFormed(svg)).toBe(true);
    expect(wellFormed('<svg><g></svg>')).toBe(false);
    const [ours, theirs] = lines(svg);
    expect(ours).toHaveLength(3);
    // log x: 1 → 64 → 1024 are evenly spaced by their logs (6 and 4 powers of 2).
    const [x0, x1, x2] = ours!.map(([x]) => x!);
    expect((x1! - x0!) / (x2! - x1!)).toBeCloseTo(6 / 4, 2);
    // Higher steps/s is drawn higher (smaller y), at every x.
    for (const [i, [, y]] of ours!.entries()) expect(theirs![i]![1]!).toBeLessThan(y!);
    expect(svg).toContain('>pytorch-1t</text>');
    expect(svg).toContain('>1024</text>');
  });

  it('keeps a series colour across panels', () => {
    const svg = svgPlot([panel, { ...panel, title: 'other', series: [panel.series[1]!] }]);
    const colours = [...svg.matchAll(/<polyline fill="none" stroke="(#[0-9a-f]+)"/g)].map((m) => m[1]);
    expect(colours[2]).toBe(colours[1]);
    expect(colours[0]).not.toBe(colours[1]);
  });

  it('names the panel whose point a log axis cannot show', () => {
    const bad = { ...panel, series: [{ name: 'x', points: [[1, 0]] as [number, number][] }] };
    expect(() => svgPlot([bad])).toThrow(/"MLP by batch" has a point that a log axis cannot show: \[1, 0\]/);
    expect(() => svgPlot([])).toThrow(/no panels/);
  });

  it('plots the scaling results one panel per sweep', () => {
    const panels = scalingPanels(
      [
        { engine: 'backprop', point: { sweep: 'cnn-batch', batch: 1 }, setup: '', stepsPerSec: 700 },
        { engine: 'backprop', point: { sweep: 'cnn-batch', batch: 8 }, setup: '', stepsPerSec: 400 },
        { engine: 'pytorch-1t', point: { sweep: 'cnn-batch', batch: 8 }, setup: '', error: 'x' },
      ],
      ['backprop', 'pytorch-1t'],
    );
    expect(panels).toHaveLength(1);
    expect(panels[0]!.series).toEqual([
      {
        name: 'backprop',
        points: [
          [1, 700],
          [8, 400],
        ],
      },
    ]);
  });
});
