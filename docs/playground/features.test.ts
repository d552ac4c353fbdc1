// TF Playground's input features: their values, and a network that trains on them in place of (x1, x2).
import { tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, FEATURES, type PlaygroundConfig } from './src/config.js';
import { expandFeatures } from './src/features.js';
import { Session } from './src/session.js';

const session = (config: Partial<PlaygroundConfig>) => new Session({ ...DEFAULT_CONFIG, ...config });

describe('input features', () => {
  it('computes each feature of (x1, x2)', () => {
    const x = tensor([
      [2, -3],
      [0.5, 1],
    ]);
    const rows = expandFeatures(x, FEATURES).toArray() as number[][];
    const want = [
      [2, -3, 4, 9, -6, Math.sin(2), Math.sin(-3)],
      [0.5, 1, 0.25, 1, 0.5, Math.sin(0.5), Math.sin(1)],
    ];
    rows.forEach((row, i) => {
      row.forEach((v, j) => {
        expect(v).toBeCloseTo(want[i]![j]!, 6);
      });
    });
    expect(expandFeatures(x, ['x2sq', 'x1']).toArray()).toEqual([
      [9, 2],
      [1, 0.5],
    ]);
    expect(() => expandFeatures(tensor([[1, 2, 3]]), ['x1'])).toThrow(
      'input features: need inputs (x1, x2), got 3 columns',
    );
  });

  it('feeds the network the chosen features; the page still gets the points in the plane', () => {
    const run = session({ dataset: 'ring', features: ['x1sq', 'x2sq', 'x1x2'], hidden: [] });
    expect(run.net.sizes).toEqual([3, 1]);
    const plane = Array.from(run.source.train.x.data());
    const seen = Array.from(run.data.train.x.data());
    for (let i = 0; i < 5; i++) {
      const [x1, x2] = [plane[2 * i]!, plane[2 * i + 1]!];
      expect(seen[3 * i]).toBeCloseTo(x1 * x1, 5);
      expect(seen[3 * i + 1]).toBeCloseTo(x2 * x2, 5);
      expect(seen[3 * i + 2]).toBeCloseTo(x1 * x2, 5);
    }
    const info = run.info();
    expect(Array.from(info.train.x)).toEqual(plane);
    expect(info.inputs).toEqual(['x1', 'x2']);
    expect(info.features).toEqual(['x1²', 'x2²', 'x1·x2']);
    expect(run.snapshot(0).graph.activations[0]).toEqual(seen.slice(0, 3));
  });

  it('lets a linear model separate the ring from x1² and x2² (it cannot from x1 and x2)', () => {
    const train = (features: PlaygroundConfig['features']) => {
      const run = session({ dataset: 'ring', features, hidden: [], lr: 0.1 });
      const start = run.evaluate(run.data.train).loss;
      for (let i = 0; i < 300; i++) run.step();
      return { start, end: run.evaluate(run.data.train) };
    };
    const squares = train(['x1sq', 'x2sq']);
    expect(squares.end.loss).toBeLessThan(squares.start / 4);
    expect(squares.end.accuracy).toBeGreaterThan(0.95);
    expect(train(['x1', 'x2']).end.accuracy).toBeLessThan(0.75);
  });

  it('leaves the three-input Hokies tables their own inputs', () => {
    const run = session({ dataset: 'hokies', features: ['x1sq'] });
    expect(run.net.sizes[0]).toBe(3);
    expect(run.info().features).toEqual(['placard 1', 'placard 2', 'placard 3']);
  });
});
