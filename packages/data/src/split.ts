import { defaultGenerator, type Generator, ValueError } from '@backprop/core';
import { takeRows } from './batch.js';
import { type Dataset, type Example, TensorDataset } from './dataset.js';
import { permutation } from './loader.js';

/**
 * Options of `randomSplit`.
 *
 * @example
 * ```ts
 * const options: RandomSplitOptions = { generator: new Generator(42) };
 * ```
 */
export interface RandomSplitOptions {
  /** Where the shuffle comes from; default the global generator that `manualSeed` seeds. */
  generator?: Generator;
}

// The examples `indices` of a dataset that is not a TensorDataset, read through on demand.
function subset(dataset: Dataset, indices: readonly number[]): Dataset {
  return {
    length: indices.length,
    get(index: number): Example {
      const i = index < 0 ? index + indices.length : index;
      const source = indices[i];
      if (!Number.isInteger(i) || source === undefined) {
        throw new RangeError(
          `randomSplit subset: index ${index} is out of range for ${indices.length} examples`,
        );
      }
      return dataset.get(source);
    },
  };
}

// Integer lengths from `lengths`: integers as given (they must add up to n), or fractions that add
// up to 1, floored, with the remainder handed out one by one from the first part (as PyTorch).
function partLengths(lengths: readonly number[], n: number): number[] {
  if (!Array.isArray(lengths) || lengths.length === 0) {
    throw new TypeError('randomSplit: lengths must be a non-empty array of counts or of fractions');
  }
  if (lengths.some((l) => typeof l !== 'number' || !Number.isFinite(l) || l < 0)) {
    throw new ValueError(`randomSplit: lengths must be non-negative numbers, got [${lengths.join(', ')}]`);
  }
  const total = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every(Number.isInteger) && total !== 1) {
    if (total !== n) {
      throw new ValueError(
        `randomSplit: lengths [${lengths.join(', ')}] add up to ${total}, but the dataset has ${n} examples`,
      );
    }
    return [...lengths];
  }
  if (Math.abs(total - 1) > 1e-9) {
    throw new ValueError(
      `randomSplit: lengths [${lengths.join(', ')}] are neither counts adding up to ${n} nor fractions adding up to 1`,
    );
  }
  const counts = lengths.map((f) => Math.floor(f * n));
  let left = n - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % counts.length, left--) counts[i]! += 1;
  return counts;
}

/**
 * Splits a dataset into non-overlapping random parts, as PyTorch's `random_split`: `lengths` are
 * the parts' sizes (adding up to the dataset's length) or fractions adding up to 1. One seeded
 * `generator` gives the same parts every run. A `TensorDataset` splits into `TensorDataset`s
 * (rows copied, so `DataLoader` batches them fast); any other dataset into views that read it.
 * Given the lengths as a literal, the result is a tuple of as many parts.
 *
 * @example
 * ```ts
 * const full = await mnist({ split: 'train' });
 * const [train, validation] = randomSplit(full, [55_000, 5_000], { generator: new Generator(0) });
 * ```
 */
export function randomSplit<const L extends readonly number[]>(
  dataset: TensorDataset,
  lengths: L,
  options?: RandomSplitOptions,
): { -readonly [K in keyof L]: TensorDataset };
export function randomSplit<const L extends readonly number[]>(
  dataset: Dataset,
  lengths: L,
  options?: RandomSplitOptions,
): { -readonly [K in keyof L]: Dataset };
export function randomSplit(
  dataset: Dataset,
  lengths: readonly number[],
  options: RandomSplitOptions = {},
): Dataset[] {
  const n = dataset.length;
  const counts = partLengths(lengths, n);
  const order = permutation(n, options.generator ?? defaultGenerator);
  let start = 0;
  return counts.map((count) => {
    const indices = order.slice(start, start + count);
    start += count;
    if (dataset instanceof TensorDataset) {
      return new TensorDataset(takeRows(dataset.x, indices), takeRows(dataset.y, indices));
    }
    return subset(dataset, indices);
  });
}
