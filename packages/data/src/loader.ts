import { defaultGenerator, type Generator, ValueError } from '@backprop/core';
import { collate } from './batch.js';
import type { Dataset, Example } from './dataset.js';

/**
 * Options of `DataLoader`.
 *
 * @example
 * ```ts
 * const options: DataLoaderOptions = { batchSize: 32, shuffle: true, generator: new Generator(0), dropLast: true };
 * ```
 */
export interface DataLoaderOptions {
  /** Examples per batch: 1 is online (stochastic) descent, the dataset's length is full-batch. Default 1. */
  batchSize?: number;
  /** Draw a fresh permutation of the examples at the start of every epoch. Default false. */
  shuffle?: boolean;
  /** Where shuffles come from; default the global generator that `manualSeed` seeds. */
  generator?: Generator;
  /** Skip the last batch when it is smaller than `batchSize`. Default false. */
  dropLast?: boolean;
}

/**
 * Iterates a dataset in `[x, y]` batches whose first dim is the batch. Each `for...of` is one epoch;
 * with `shuffle` every epoch has a new order, drawn from `generator`, so a seeded generator gives
 * the same sequence of epochs on every run. Batches of a `TensorDataset` are row copies (or views
 * when the rows are consecutive), never stacks of per-example tensors.
 *
 * @example
 * ```ts
 * const loader = new DataLoader(xor(), { batchSize: 2, shuffle: true, generator: new Generator(0) });
 * loader.length; // 2 batches
 * for (const [x, y] of loader) {
 *   // x: [2, 2], y: [2, 1]
 * }
 * ```
 */
export class DataLoader implements Iterable<Example> {
  /** The examples batched. */
  readonly dataset: Dataset;
  /** Examples per batch. */
  readonly batchSize: number;
  /** Whether each epoch draws a fresh order. */
  readonly shuffle: boolean;
  /** Whether a last, smaller batch is skipped. */
  readonly dropLast: boolean;
  /** Where shuffles come from. */
  readonly generator: Generator;

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    const { batchSize = 1, shuffle = false, dropLast = false } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = options.generator ?? defaultGenerator;
  }

  /** Number of batches in one epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** The example indices of one epoch's batches (draws a permutation when shuffling). */
  batchIndices(): number[][] {
    const order = this.shuffle
      ? permutation(this.dataset.length, this.generator)
      : range(this.dataset.length);
    const batches: number[][] = [];
    for (let b = 0; b < this.length; b++) {
      batches.push(order.slice(b * this.batchSize, (b + 1) * this.batchSize));
    }
    return batches;
  }

  /** One epoch of `[x, y]` batches, stacked along a new first dim. */
  *[Symbol.iterator](): Iterator<Example> {
    for (const indices of this.batchIndices()) yield collate(this.dataset, indices);
  }
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * A uniformly random permutation of `0..n-1` (Fisher–Yates), drawn from `generator`.
 *
 * @example
 * ```ts
 * permutation(4, new Generator(1)); // e.g. [2, 0, 3, 1]
 * ```
 */
export function permutation(n: number, generator: Generator = defaultGenerator): number[] {
  const order = range(n);
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}
