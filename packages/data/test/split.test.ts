import { Generator, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { type Dataset, randomSplit, TensorDataset } from '../src/index.js';

const numbered = (n: number) =>
  new TensorDataset(
    tensor(Array.from({ length: n }, (_, i) => [i, -i])),
    tensor(
      Array.from({ length: n }, (_, i) => i),
      { dtype: 'int32' },
    ),
  );

const ids = (ds: TensorDataset) => Array.from(ds.y.data());

describe('randomSplit', () => {
  it('splits a TensorDataset into disjoint TensorDatasets covering every example, rows kept together', () => {
    const parts = randomSplit(numbered(10), [7, 3], { generator: new Generator(0) });
    expect(parts.map((p) => p.length)).toEqual([7, 3]);
    expect(parts.every((p) => p instanceof TensorDataset)).toBe(true);
    const all = [...ids(parts[0]!), ...ids(parts[1]!)].sort((a, b) => a - b);
    expect(all).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const part of parts) {
      const rows = part.x.toArray() as number[][];
      ids(part).forEach((id, k) => {
        expect(rows[k]).toEqual([id, -id]);
      });
    }
    // Shuffled, not the first seven in order.
    expect(ids(parts[0]!)).not.toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('gives the same parts for the same seed and others for another seed', () => {
    const a = randomSplit(numbered(50), [40, 10], { generator: new Generator(3) });
    const b = randomSplit(numbered(50), [40, 10], { generator: new Generator(3) });
    const c = randomSplit(numbered(50), [40, 10], { generator: new Generator(4) });
    expect(ids(a[1]!)).toEqual(ids(b[1]!));
    expect(ids(a[1]!)).not.toEqual(ids(c[1]!));
  });

  it('takes fractions that add up to 1, handing the remainder out from the first part (as PyTorch)', () => {
    expect(randomSplit(numbered(10), [0.5, 0.3, 0.2]).map((p) => p.length)).toEqual([5, 3, 2]);
    expect(randomSplit(numbered(11), [0.5, 0.5]).map((p) => p.length)).toEqual([6, 5]);
    expect(randomSplit(numbered(4), [1 / 3, 1 / 3, 1 / 3]).map((p) => p.length)).toEqual([2, 1, 1]);
  });

  it('splits any Dataset into views that read it', () => {
    const squares: Dataset = {
      length: 6,
      get: (i) => [tensor([i]), tensor([i * i])],
    };
    const [first, second] = randomSplit(squares, [4, 2], { generator: new Generator(1) });
    expect(first!.length + second!.length).toBe(6);
    const seen = [first!, second!].flatMap((p) =>
      Array.from({ length: p.length }, (_, k) => p.get(k)[1].item()),
    );
    expect(seen.sort((a, b) => a - b)).toEqual([0, 1, 4, 9, 16, 25]);
    expect(second!.get(-1)[1].item()).toBe(second!.get(1)[1].item());
    expect(() => second!.get(2)).toThrow(/index 2 is out of range for 2 examples/);
  });

  it('refuses lengths that do not add up, naming them and the dataset size', () => {
    expect(() => randomSplit(numbered(10), [7, 2])).toThrow(
      'randomSplit: lengths [7, 2] add up to 9, but the dataset has 10 examples',
    );
    expect(() => randomSplit(numbered(10), [0.5, 0.4])).toThrow(ValueError);
    expect(() => randomSplit(numbered(10), [-1, 11])).toThrow(/non-negative/);
    expect(() => randomSplit(numbered(10), [])).toThrow(TypeError);
  });
});
