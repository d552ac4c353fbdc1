// The data sets' options: noise, the train/validation split, and TF Playground's regression sets.
import { describe, expect, it } from 'vitest';
import {
  GAUSSIANS,
  loadDataset,
  multiGaussianTarget,
  planeTarget,
  REGRESSION_RADIUS,
  SHAPE_POINTS,
} from './src/datasets.js';

const values = (t: { data(): ArrayLike<number> }) => Array.from(t.data());

describe('the train/validation split', () => {
  it('takes trainRatio percent of the same 300 points for training and the rest for validation', () => {
    const a = loadDataset('spirals', { noise: 0, trainRatio: 30 });
    const b = loadDataset('spirals', { noise: 0, trainRatio: 80 });
    expect([a.train.length, a.validation.length]).toEqual([90, 210]);
    expect([b.train.length, b.validation.length]).toEqual([240, 60]);
    const all = (d: typeof a) => [...values(d.train.x), ...values(d.validation.x)];
    expect(all(a)).toEqual(all(b));
    expect(all(a).length).toBe(2 * SHAPE_POINTS);
    expect(new Set(values(a.train.y))).toEqual(new Set([0, 1])); // shuffled: both classes in any slice
  });

  it('leaves the lecture tables whole, validating on themselves', () => {
    const xor = loadDataset('xor', { noise: 50, trainRatio: 10 });
    expect(xor.validation).toBe(xor.train);
    expect(values(xor.train.x)).toEqual([0, 0, 0, 1, 1, 0, 1, 1]);
  });
});

describe('noise', () => {
  it("jitters the shapes' points by noise% of their scale, keeping the labels and the clean points", () => {
    const clean = loadDataset('ring', { noise: 0, trainRatio: 70 });
    const noisy = loadDataset('ring', { noise: 30, trainRatio: 70 });
    expect(values(noisy.train.y)).toEqual(values(clean.train.y));
    const [a, b] = [values(clean.train.x), values(noisy.train.x)];
    const rms = Math.sqrt(a.reduce((sum, v, i) => sum + (b[i]! - v) ** 2, 0) / a.length);
    // Gaussian jitter of standard deviation 0.3 (ring's scale is 1): 420 draws land within 10%.
    expect(rms).toBeGreaterThan(0.27);
    expect(rms).toBeLessThan(0.33);
  });
});

describe('regression sets', () => {
  it("plane: the target is (x1 + x2) / 10 at every point, as TF Playground's", () => {
    expect(planeTarget(3, 2)).toBe(0.5);
    expect(planeTarget(-6, -6)).toBe(-1.2);
    const data = loadDataset('plane', { noise: 0, trainRatio: 70 });
    expect(data.task).toBe('regression');
    expect(data.train.y.dtype).toBe('float32');
    const x = values(data.train.x);
    values(data.train.y).forEach((y, i) => {
      expect(y).toBeCloseTo((x[2 * i]! + x[2 * i + 1]!) / 10, 6);
    });
    expect(x.every((v) => Math.abs(v) <= REGRESSION_RADIUS)).toBe(true);
    expect(data.plane).toEqual({ min: -6, max: 6 });
  });

  it('multi-gaussian: the bump largest in size, sign · max(0, 1 - distance / 2)', () => {
    expect(GAUSSIANS.length).toBe(6);
    expect(multiGaussianTarget(-4, 2.5)).toBe(1);
    expect(multiGaussianTarget(0, 2.5)).toBe(-1);
    expect(multiGaussianTarget(4, -2.5)).toBe(-1);
    expect(multiGaussianTarget(0, -1.5)).toBe(0.5); // 1 from (0, -2.5), which is +1
    expect(multiGaussianTarget(-4, 1)).toBeCloseTo(0.25, 12); // 1.5 from (-4, 2.5)
    expect(multiGaussianTarget(6, 0)).toBe(0); // more than 2 from every centre
    const data = loadDataset('multi-gaussian', { noise: 0, trainRatio: 70 });
    const x = values(data.validation.x);
    values(data.validation.y).forEach((y, i) => {
      expect(y).toBeCloseTo(multiGaussianTarget(x[2 * i]!, x[2 * i + 1]!), 6);
    });
  });

  it('noise moves where the target is read, not the points', () => {
    const clean = loadDataset('plane', { noise: 0, trainRatio: 70 });
    const noisy = loadDataset('plane', { noise: 50, trainRatio: 70 });
    expect(values(noisy.train.x)).toEqual(values(clean.train.x));
    const diff = values(noisy.train.y).map((y, i) => y - values(clean.train.y)[i]!);
    // Up to ±3 in each coordinate, so up to ±0.6 in the target, and not all zero.
    expect(Math.max(...diff.map(Math.abs))).toBeLessThanOrEqual(0.6 + 1e-6);
    expect(Math.max(...diff.map(Math.abs))).toBeGreaterThan(0.3);
  });
});
