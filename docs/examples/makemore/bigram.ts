// Model 1: the bigram table. No gradient: the maximum-likelihood estimate of P(next | previous) is
// the counts, normalized, and +1 smoothing keeps a pair never seen in training from costing ∞.
import { noGrad, type Tensor, tensor } from '@backprop/core';
import { BOUNDARY, encode, VOCAB_SIZE } from './words.js';

/**
 * Character bigram model: `counts[a][b]` is how often b followed a in the training words (with
 * the boundary token before the first letter and after the last), and
 * P(b | a) = (counts[a][b] + smoothing) / Σ_c (counts[a][c] + smoothing).
 *
 * @example
 * ```ts
 * const bigram = Bigram.fit(['ab', 'b']);
 * bigram.probability(0, 1); // P('a' | start) = (1 + 1) / (2 + 27)
 * ```
 */
export class Bigram {
  /** `[27, 27]` probabilities, each row summing to 1. */
  readonly probs: Tensor;
  /** Their logarithms, what the loss reads. */
  readonly logProbs: Tensor;

  private constructor(
    /** Raw counts, `[27][27]`, previous token first. */
    readonly counts: readonly (readonly number[])[],
    readonly smoothing: number,
  ) {
    this.probs = noGrad(() => {
      const smoothed = tensor(counts.map((row) => [...row])).add(smoothing);
      return smoothed.div(smoothed.sum(1, true));
    });
    this.logProbs = this.probs.log();
  }

  /**
   * Counts every pair of consecutive tokens in `words`, boundaries included.
   *
   * @example
   * ```ts
   * Bigram.fit(['hello', 'help']).counts[8]![5]; // 'h' then 'e': 2
   * ```
   */
  static fit(words: readonly string[], smoothing = 1): Bigram {
    const counts = Array.from({ length: VOCAB_SIZE }, () => new Array<number>(VOCAB_SIZE).fill(0));
    for (const word of words) {
      let previous = BOUNDARY;
      for (const token of [...encode(word), BOUNDARY]) {
        counts[previous]![token]!++;
        previous = token;
      }
    }
    return new Bigram(counts, smoothing);
  }

  /**
   * P(next | previous), read from the table.
   *
   * @example
   * ```ts
   * Bigram.fit(['a']).probability(1, 0); // P(end | 'a') = 2 / 28
   * ```
   */
  probability(previous: number, next: number): number {
    return this.probs.data()[previous * VOCAB_SIZE + next]!;
  }

  /** Numbers the model learned: the 27 × 27 table. */
  get parameterCount(): number {
    return VOCAB_SIZE * VOCAB_SIZE;
  }

  /**
   * Mean negative log-likelihood per character of `words` (nats), each word scored as it is
   * sampled: its letters then the boundary, each given the token before it.
   *
   * @example
   * ```ts
   * Bigram.fit(['ab']).loss(['ab']); // −(log P(a|.) + log P(b|a) + log P(.|b)) / 3
   * ```
   */
  loss(words: readonly string[]): number {
    const pairs: number[] = [];
    for (const word of words) {
      const tokens = [BOUNDARY, ...encode(word), BOUNDARY];
      for (let i = 1; i < tokens.length; i++) pairs.push(tokens[i - 1]! * VOCAB_SIZE + tokens[i]!);
    }
    const picked = this.logProbs.reshape([-1]).indexSelect(0, tensor(pairs, { dtype: 'int32' }));
    return -picked.mean().item();
  }

  /**
   * The next-token distribution after each prefix: only its last token matters.
   *
   * @example
   * ```ts
   * bigram.nextProbabilities([[0], [0, 8]]).shape; // [2, 27]
   * ```
   */
  nextProbabilities(prefixes: readonly (readonly number[])[]): Tensor {
    const last = tensor(
      prefixes.map((p) => p.at(-1) ?? BOUNDARY),
      { dtype: 'int32' },
    );
    return this.probs.indexSelect(0, last);
  }
}
