// The data: English words as sequences of character tokens, and their seeded train/validation/test
// split.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Generator } from '@backprop/core';
import { permutation } from '@backprop/data';

/**
 * Token 0, '.', both starts and ends a word (as in makemore): a model conditions on it before the
 * first letter and predicts it after the last one, so "the word ends here" is a character like any
 * other and every model's loss counts it.
 */
export const BOUNDARY = 0;
/** 26 letters and the boundary token. */
export const VOCAB_SIZE = 27;

const A = 'a'.charCodeAt(0);

/**
 * A word's letters as tokens 1..26 (a..z), without boundaries.
 *
 * @example
 * ```ts
 * encode('abz'); // [1, 2, 26]
 * ```
 */
export function encode(word: string): number[] {
  return Array.from(word, (c) => c.charCodeAt(0) - A + 1);
}

/**
 * Tokens back to letters; the boundary token prints as '.'.
 *
 * @example
 * ```ts
 * decode([1, 2, 0]); // 'ab.'
 * ```
 */
export function decode(tokens: readonly number[]): string {
  return tokens.map((t) => (t === BOUNDARY ? '.' : String.fromCharCode(A + t - 1))).join('');
}

/**
 * The word list of `an-array-of-english-words` (v2.0.0, MIT), kept to words of a–z only (all of
 * them, in that version: 274,937).
 *
 * @example
 * ```ts
 * loadWords().length; // 274937
 * ```
 */
export function loadWords(): string[] {
  const path = createRequire(import.meta.url).resolve('an-array-of-english-words/index.json');
  const words = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(words)) throw new Error(`${path}: expected a JSON array of words`);
  return words.filter((w): w is string => typeof w === 'string' && /^[a-z]+$/.test(w));
}

/** The three parts of the word list. */
export interface Split {
  train: string[];
  validation: string[];
  test: string[];
}

/**
 * Shuffles `words` with a `Generator` seeded by `seed` and cuts the result into train, validation
 * and test by `fractions` (default 80/10/10; the test part takes the rounding remainder), so a seed
 * names one split whatever else the run draws.
 *
 * @example
 * ```ts
 * const { train, validation, test } = splitWords(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], 0);
 * [train.length, validation.length, test.length]; // [8, 1, 1]
 * ```
 */
export function splitWords(
  words: readonly string[],
  seed: number,
  fractions: readonly [train: number, validation: number] = [0.8, 0.1],
): Split {
  const order = permutation(words.length, new Generator(seed)).map((i) => words[i]!);
  const nTrain = Math.round(fractions[0] * words.length);
  const nValidation = Math.round(fractions[1] * words.length);
  return {
    train: order.slice(0, nTrain),
    validation: order.slice(nTrain, nTrain + nValidation),
    test: order.slice(nTrain + nValidation),
  };
}

/**
 * Characters a model is scored on in `words`: every letter plus the end of each word.
 *
 * @example
 * ```ts
 * characterCount(['ab', 'c']); // 5
 * ```
 */
export function characterCount(words: readonly string[]): number {
  return words.reduce((n, w) => n + w.length + 1, 0);
}
