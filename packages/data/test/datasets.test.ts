import { Generator, ShapeError, type Tensor, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  hokies,
  hokiesConflicting,
  quadrants,
  ring,
  smallestPerceptron,
  spirals,
  TensorDataset,
  threeModes,
  xor,
} from '../src/index.js';

describe('lecture datasets', () => {
  it('hokies is the play-calling table with Pass = 1, Run = 0', () => {
    const { x, y } = hokies();
    expect(x.shape).toEqual([6, 3]);
    expect(y.shape).toEqual([6, 1]);
    expect(x.toArray()).toEqual([
      [1, 0, 1],
      [0, 1, 1],
      [0, 0, 1],
      [1, 1, 1],
      [0, 1, 1],
      [1, 0, 1],
    ]);
    expect(y.toArray()).toEqual([[0], [1], [0], [1], [1], [0]]);
  });

  it('in hokies the middle placard alone decides the play', () => {
    const { x, y } = hokies();
    const middle = x.slice(1, 1, 2).data();
    expect(Array.from(middle)).toEqual(Array.from(y.data()));
  });

  it('hokiesConflicting has no single placard that correlates with the label', () => {
    const { x, y } = hokiesConflicting();
    expect(x.toArray()).toEqual([
      [1, 0, 1],
      [0, 1, 1],
      [0, 0, 1],
      [1, 1, 1],
    ]);
    expect(y.toArray()).toEqual([[1], [1], [0], [0]]);
    // Each placard is raised for as many Passes as Runs.
    for (let j = 0; j < 3; j++) {
      const column = Array.from(x.slice(1, j, j + 1).data());
      const labels = Array.from(y.data());
      const withPass = column.filter((v, i) => v === 1 && labels[i] === 1).length;
      const withRun = column.filter((v, i) => v === 1 && labels[i] === 0).length;
      expect(withPass).toBe(withRun);
    }
  });

  it('xor is the truth table', () => {
    const { x, y } = xor();
    expect(x.toArray()).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    expect(y.toArray()).toEqual([[0], [1], [1], [0]]);
  });

  it("smallestPerceptron is the lesson's table", () => {
    const { x, y } = smallestPerceptron();
    expect(x.shape).toEqual([4, 1]);
    expect(Array.from(x.data())).toEqual([10, 2, 3.5, 1]);
    expect(Array.from(y.data()).map((v) => Number(v.toFixed(5)))).toEqual([10.1, 1.9, 3.4, 1.1]);
  });
});

const shapes = { quadrants, ring, threeModes, spirals };

function rows(t: Tensor): number[][] {
  return t.toArray() as number[][];
}

describe.each(Object.entries(shapes))('%s', (_name, make) => {
  it('has n points in 2-D with int32 labels, balanced across the classes', () => {
    const { x, y } = make({ n: 101 });
    expect(x.shape).toEqual([101, 2]);
    expect(x.dtype).toBe('float32');
    expect(y.shape).toEqual([101]);
    expect(y.dtype).toBe('int32');
    const counts = [0, 0];
    for (const v of y.data()) counts[v]!++;
    expect(counts).toEqual([51, 50]);
  });

  it('is deterministic under a seed, differs across seeds, and matches the generator form', () => {
    const a = make({ n: 50, seed: 7 });
    const b = make({ n: 50, seed: 7 });
    const c = make({ n: 50, seed: 8 });
    const d = make({ n: 50, generator: new Generator(7) });
    expect(a.x.toArray()).toEqual(b.x.toArray());
    expect(a.y.toArray()).toEqual(b.y.toArray());
    expect(a.x.toArray()).not.toEqual(c.x.toArray());
    expect(d.x.toArray()).toEqual(a.x.toArray());
  });

  it('defaults to 200 points and seed 0', () => {
    expect(make().x.toArray()).toEqual(make({ n: 200, seed: 0 }).x.toArray());
  });

  it('shuffles the classes together', () => {
    const labels = Array.from(make({ n: 40 }).y.data());
    expect(labels.slice(0, 20)).toContain(0);
    expect(labels.slice(0, 20)).toContain(1);
  });

  it('noise jitters the points and keeps the labels', () => {
    const clean = make({ n: 30, seed: 1 });
    const noisy = make({ n: 30, seed: 1, noise: 0.1 });
    expect(noisy.y.toArray()).toEqual(clean.y.toArray());
    expect(noisy.x.toArray()).not.toEqual(clean.x.toArray());
  });

  it('rejects a bad n or noise', () => {
    expect(() => make({ n: -1 })).toThrow(ValueError);
    expect(() => make({ n: 2.5 })).toThrow(/n must be a non-negative integer/);
    expect(() => make({ noise: -0.1 })).toThrow(/noise must be >= 0/);
  });
});

describe('shape geometry (no noise)', () => {
  it('quadrants: class 1 exactly where the signs differ, inside [-1, 1]²', () => {
    const { x, y } = quadrants({ n: 400 });
    const labels = y.data();
    rows(x).forEach(([a, b], i) => {
      expect(Math.abs(a!)).toBeLessThanOrEqual(1);
      expect(Math.abs(b!)).toBeLessThanOrEqual(1);
      expect(labels[i]).toBe(a! * b! < 0 ? 1 : 0);
    });
  });

  it('quadrants covers all four quadrants', () => {
    const seen = new Set(rows(quadrants({ n: 100 }).x).map(([a, b]) => `${Math.sign(a!)},${Math.sign(b!)}`));
    expect(seen.size).toBe(4);
  });

  it('ring: class 1 has 1 <= |x| <= 2, class 0 has |x| < 1', () => {
    const { x, y } = ring({ n: 400 });
    const labels = y.data();
    rows(x).forEach(([a, b], i) => {
      const r = Math.hypot(a!, b!);
      if (labels[i] === 1) {
        expect(r).toBeGreaterThanOrEqual(1 - 1e-6);
        expect(r).toBeLessThanOrEqual(2 + 1e-6);
      } else {
        expect(r).toBeLessThan(1 + 1e-6);
      }
    });
  });

  it('threeModes: class 1 in the middle disc, class 0 split between the outer discs', () => {
    const { x, y } = threeModes({ n: 300 });
    const labels = y.data();
    let left = 0;
    let right = 0;
    rows(x).forEach(([a, b], i) => {
      if (labels[i] === 1) expect(Math.hypot(a!, b!)).toBeLessThanOrEqual(1 + 1e-6);
      else {
        expect(Math.hypot(Math.abs(a!) - 2.5, b!)).toBeLessThanOrEqual(1 + 1e-6);
        if (a! < 0) left++;
        else right++;
      }
    });
    expect(left).toBe(75);
    expect(right).toBe(75);
  });

  it('spirals: arms inside the unit disc, one class per arm', () => {
    const { x, y } = spirals({ n: 300, classes: 3 });
    expect(new Set(y.data())).toEqual(new Set([0, 1, 2]));
    for (const [a, b] of rows(x)) expect(Math.hypot(a!, b!)).toBeLessThan(1 + 1e-6);
    expect(() => spirals({ classes: 0 })).toThrow(/classes must be a positive integer/);
  });
});

describe('TensorDataset', () => {
  it('gives examples as rows of x and y', () => {
    const ds = new TensorDataset(
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      tensor([0, 1, 2], { dtype: 'int32' }),
    );
    expect(ds.length).toBe(3);
    const [x1, y1] = ds.get(1);
    expect(x1.toArray()).toEqual([3, 4]);
    expect(y1.shape).toEqual([]);
    expect(y1.item()).toBe(1);
    expect(ds.get(-1)[0].toArray()).toEqual([5, 6]);
    expect(() => ds.get(3)).toThrow(/index 3 is out of range for 3 examples/);
  });

  it('rejects x and y of different lengths, naming both', () => {
    expect(() => new TensorDataset(tensor([[1], [2], [3]]), tensor([1, 2]))).toThrow(ShapeError);
    expect(() => new TensorDataset(tensor([[1], [2], [3]]), tensor([1, 2]))).toThrow(
      'TensorDataset: x has 3 examples but y has 2 (shapes [3,1] and [2])',
    );
    expect(() => new TensorDataset(tensor(1), tensor([1]))).toThrow(/need a first dim/);
  });
});
