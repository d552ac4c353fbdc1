// Words into the tensors a network reads, for either layout. Every character of a word, the end
// included, is exactly one target in either layout, so the loss of every model is over the same
// characters.
import { type Generator, type Tensor, tensor } from '@backprop/core';
import { permutation } from '@backprop/data';
import type { Layout } from './models.js';
import { BOUNDARY, characterCount, encode } from './words.js';

/** Targets at padded positions; `crossEntropy` leaves them out of the loss. */
export const IGNORE = -100;

/** One step's worth: int32 input as the layout reads it, and int32 targets flattened to `[N]`. */
export interface Batch {
  input: Tensor;
  target: Tensor;
  /** Characters scored: targets other than `IGNORE`. */
  characters: number;
}

/**
 * Batches of `words` for a network of `layout`, about `batchSize` words each (window layouts pack
 * `batchSize` × the mean word length rows, so a step scores as many characters either way). With a
 * generator the words are shuffled (and the batches' order); without, they come in order, for
 * evaluation.
 *
 * @example
 * ```ts
 * const [b] = batchesFor({ kind: 'sequence' }, ['ab'], 32);
 * b.input.toArray(); // [[0, 1, 2]]
 * b.target.toArray(); // [1, 2, 0]
 * ```
 */
export function batchesFor(
  layout: Layout,
  words: readonly string[],
  batchSize: number,
  generator?: Generator,
): Batch[] {
  const order = generator ? permutation(words.length, generator).map((i) => words[i]!) : words;
  if (layout.kind === 'window') {
    const perBatch = Math.max(1, Math.round((batchSize * characterCount(order)) / order.length));
    return windowBatches(order, layout.context, perBatch, generator);
  }
  return sequenceBatches(order, batchSize, generator);
}

/**
 * One row per character to predict: the `context` tokens before it (boundary tokens before the
 * word's start), and the character, in batches of `rows`.
 *
 * @example
 * ```ts
 * windowBatches(['ab'], 2, 8)[0]!.input.toArray(); // [[0, 0], [0, 1], [1, 2]]
 * ```
 */
export function windowBatches(
  words: readonly string[],
  context: number,
  rows: number,
  generator?: Generator,
): Batch[] {
  const n = characterCount(words);
  const inputs = new Int32Array(n * context);
  const targets = new Int32Array(n);
  let row = 0;
  for (const word of words) {
    const window = new Array<number>(context).fill(BOUNDARY);
    for (const token of [...encode(word), BOUNDARY]) {
      inputs.set(window, row * context);
      targets[row++] = token;
      window.shift();
      window.push(token);
    }
  }
  // Shuffled rows, not just shuffled words: a step then mixes positions from many words.
  const order = generator ? permutation(n, generator) : Array.from({ length: n }, (_, i) => i);
  const batches: Batch[] = [];
  for (let start = 0; start < n; start += rows) {
    const picked = order.slice(start, start + rows);
    const input = new Int32Array(picked.length * context);
    picked.forEach((r, i) => {
      input.set(inputs.subarray(r * context, (r + 1) * context), i * context);
    });
    batches.push({
      input: tensor(input, { shape: [picked.length, context] }),
      target: tensor(Int32Array.from(picked, (r) => targets[r]!)),
      characters: picked.length,
    });
  }
  return batches;
}

/**
 * Words as sequences: input the boundary then the letters, target the letters then the boundary.
 * Words are grouped by length (a stable sort, so a shuffled order stays shuffled within a length)
 * so that a batch carries little padding; with a generator the batches come in a random order.
 *
 * @example
 * ```ts
 * sequenceBatches(['ab', 'c'], 2)[0]!.target.toArray(); // [3, 0, -100, 1, 2, 0]
 * ```
 */
export function sequenceBatches(words: readonly string[], size: number, generator?: Generator): Batch[] {
  const sorted = [...words].sort((a, b) => a.length - b.length);
  const batches: Batch[] = [];
  for (let start = 0; start < sorted.length; start += size) {
    const group = sorted.slice(start, start + size);
    const length = Math.max(...group.map((w) => w.length)) + 1;
    const input = new Int32Array(group.length * length).fill(BOUNDARY);
    const target = new Int32Array(group.length * length).fill(IGNORE);
    group.forEach((word, i) => {
      const tokens = encode(word);
      input.set(tokens, i * length + 1);
      target.set(tokens, i * length);
      target[i * length + tokens.length] = BOUNDARY;
    });
    batches.push({
      input: tensor(input, { shape: [group.length, length] }),
      target: tensor(target),
      characters: group.reduce((n, w) => n + w.length + 1, 0),
    });
  }
  return generator ? permutation(batches.length, generator).map((i) => batches[i]!) : batches;
}
