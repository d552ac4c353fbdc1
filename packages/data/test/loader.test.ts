import { arange, Generator, manualSeed, type Tensor, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { DataLoader, type Dataset, permutation, TensorDataset } from '../src/index.js';

// Ten examples whose x row is [i, 10 i] and whose label is i, so a batch tells which examples it holds.
function tens(n = 10): TensorDataset {
  const i = arange(n);
  return new TensorDataset(i.unsqueeze(1).mul(tensor([1, 10])), i.to('int32'));
}

function ids(batch: [Tensor, Tensor]): number[] {
  return Array.from(batch[1].data());
}

function epoch(loader: DataLoader): number[][] {
  return [...loader].map(ids);
}

describe('DataLoader batch counts', () => {
  const cases: [string, number, boolean, number, number[]][] = [
    ['online', 1, false, 10, Array(10).fill(1)],
    ['online, dropLast', 1, true, 10, Array(10).fill(1)],
    ['mini-batch', 4, false, 3, [4, 4, 2]],
    ['mini-batch, dropLast', 4, true, 2, [4, 4]],
    ['mini-batch that divides', 5, true, 2, [5, 5]],
    ['full-batch', 10, false, 1, [10]],
    ['full-batch, dropLast', 10, true, 1, [10]],
    ['larger than the dataset', 16, false, 1, [10]],
    ['larger than the dataset, dropLast', 16, true, 0, []],
  ];
  it.each(cases)('%s', (_name, batchSize, dropLast, count, sizes) => {
    const loader = new DataLoader(tens(), { batchSize, dropLast });
    expect(loader.length).toBe(count);
    const batches = [...loader];
    expect(batches.length).toBe(count);
    expect(batches.map(([x]) => x.shape[0])).toEqual(sizes);
    for (const [x, y] of batches) {
      expect(x.shape.slice(1)).toEqual([2]);
      expect(y.shape).toEqual([x.shape[0]]);
    }
  });

  it('yields x rows that match their labels', () => {
    for (const [x, y] of new DataLoader(tens(), {
      batchSize: 3,
      shuffle: true,
      generator: new Generator(2),
    })) {
      const labels = Array.from(y.data());
      expect(x.toArray()).toEqual(labels.map((i) => [i, 10 * i]));
    }
  });
});

describe('DataLoader epochs', () => {
  it('visits every example exactly once per epoch, shuffled or not', () => {
    for (const shuffle of [false, true]) {
      for (const batchSize of [1, 3, 10]) {
        const loader = new DataLoader(tens(), { batchSize, shuffle, generator: new Generator(5) });
        for (let e = 0; e < 3; e++) {
          expect(
            epoch(loader)
              .flat()
              .sort((a, b) => a - b),
          ).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        }
      }
    }
  });

  it('keeps the order without shuffle', () => {
    expect(epoch(new DataLoader(tens(), { batchSize: 4 }))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  it('shuffles differently each epoch, reproducibly under a seed', () => {
    const a = new DataLoader(tens(), { batchSize: 10, shuffle: true, generator: new Generator(42) });
    const b = new DataLoader(tens(), { batchSize: 10, shuffle: true, generator: new Generator(42) });
    const epochsA = [epoch(a), epoch(a), epoch(a)];
    const epochsB = [epoch(b), epoch(b), epoch(b)];
    expect(epochsA).toEqual(epochsB);
    expect(epochsA[0]).not.toEqual(epochsA[1]);
    expect(epochsA[0]![0]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const c = new DataLoader(tens(), { batchSize: 10, shuffle: true, generator: new Generator(43) });
    expect(epoch(c)).not.toEqual(epochsA[0]);
  });

  it('draws from the global generator that manualSeed seeds when given none', () => {
    manualSeed(7);
    const first = epoch(new DataLoader(tens(), { batchSize: 5, shuffle: true }));
    manualSeed(7);
    const again = epoch(new DataLoader(tens(), { batchSize: 5, shuffle: true }));
    expect(again).toEqual(first);
  });

  it('batches any Dataset by stacking its examples', () => {
    const squares: Dataset = { length: 5, get: (i) => [tensor([i, i + 1]), tensor([i * i])] };
    const batches = [...new DataLoader(squares, { batchSize: 2 })];
    expect(batches.map(([x]) => x.shape)).toEqual([
      [2, 2],
      [2, 2],
      [1, 2],
    ]);
    expect(batches[1]![0].toArray()).toEqual([
      [2, 3],
      [3, 4],
    ]);
    expect(batches[1]![1].toArray()).toEqual([[4], [9]]);
  });

  it('copies shuffled rows and leaves the dataset untouched', () => {
    const data = tens();
    const before = data.x.toArray();
    const [x] = [...new DataLoader(data, { batchSize: 10, shuffle: true, generator: new Generator(1) })][0]!;
    (x.storage as Float32Array).fill(-1);
    expect(data.x.toArray()).toEqual(before);
  });

  it('keeps the graph of a dataset tensor that requires grad', () => {
    const x = tensor([[1], [2], [3]], { requiresGrad: true });
    const data = new TensorDataset(x, tensor([0, 1, 2], { dtype: 'int32' }));
    for (const [xb] of new DataLoader(data, { batchSize: 3, shuffle: true, generator: new Generator(0) })) {
      xb.sum().backward();
    }
    expect(x.grad?.toArray()).toEqual([[1], [1], [1]]);
  });
});

describe('DataLoader errors', () => {
  it('rejects a batch size of 0, a negative or a fractional one', () => {
    expect(() => new DataLoader(tens(), { batchSize: 0 })).toThrow(ValueError);
    expect(() => new DataLoader(tens(), { batchSize: 0 })).toThrow(
      'DataLoader: batchSize must be a positive integer, got 0',
    );
    expect(() => new DataLoader(tens(), { batchSize: -2 })).toThrow(/got -2/);
    expect(() => new DataLoader(tens(), { batchSize: 1.5 })).toThrow(/got 1.5/);
  });
});

describe('permutation', () => {
  it('is a permutation, seeded', () => {
    const p = permutation(100, new Generator(3));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(permutation(100, new Generator(3))).toEqual(p);
    expect(permutation(0)).toEqual([]);
  });
});
