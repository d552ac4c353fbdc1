// Training, scoring and sampling, the same for every network: only the layout of the batches
// differs between them.
import { type Generator, noGrad, type Tensor, tensor } from '@backprop/core';
import { crossEntropy } from '@backprop/nn';
import { AdamW, CosineAnnealingLR, clipGradNorm_ } from '@backprop/optim';
import { type Batch, batchesFor, IGNORE } from './batches.js';
import type { CharModel } from './models.js';
import { BOUNDARY, decode, VOCAB_SIZE } from './words.js';

/** How one network is trained. */
export interface TrainOptions {
  /** Passes over the training words. */
  epochs: number;
  /** Words per step (the MLP gets as many characters' windows). */
  batchSize: number;
  /** AdamW's peak learning rate, annealed along a cosine to a tenth of it by the last step. */
  lr: number;
  /** AdamW's decoupled weight decay. */
  weightDecay: number;
}

/** What training recorded. */
export interface History {
  /** Validation loss (nats per character) before training, then after each epoch. */
  validation: number[];
  /** Mean training loss over each epoch's steps. */
  train: number[];
  /** Seconds of training (scoring excluded) in each epoch. */
  epochSeconds: number[];
}

// Scoring sums (batches hold different numbers of characters, and the loss is the mean over all
// characters of all words); training takes the batch's mean, so the step size does not depend on
// how long the batch's words are.
function lossOf(model: CharModel, batch: Batch, reduction: 'sum' | 'mean'): Tensor {
  const logits = model.forward(batch.input).reshape([-1, VOCAB_SIZE]);
  return crossEntropy(logits, batch.target, { ignoreIndex: IGNORE, reduction });
}

/**
 * Mean negative log-likelihood per character of the words `batches` hold (nats), every letter and
 * every word's end counted once.
 *
 * @example
 * ```ts
 * evaluate(model, batchesFor(model.layout, validation, 256)); // ≈ 3.3 (= ln 27) untrained
 * ```
 */
export function evaluate(model: CharModel, batches: readonly Batch[]): number {
  model.eval();
  let total = 0;
  let characters = 0;
  noGrad(() => {
    for (const batch of batches) {
      total += lossOf(model, batch, 'sum').item();
      characters += batch.characters;
    }
  });
  model.train();
  return total / characters;
}

// One pass over `batches`, one step each; returns the mean training loss per character.
function epochOf(
  model: CharModel,
  batches: readonly Batch[],
  optimizer: AdamW,
  schedule: CosineAnnealingLR,
): number {
  let total = 0;
  let count = 0;
  for (const batch of batches) {
    const loss = lossOf(model, batch, 'mean');
    optimizer.zeroGrad();
    loss.backward();
    // A rare large gradient (a long word early on) would otherwise undo many steps of Adam.
    clipGradNorm_(model.parameters(), 1);
    optimizer.step();
    schedule.step();
    total += loss.item() * batch.characters;
    count += batch.characters;
  }
  return total / count;
}

/**
 * Trains `model` on `train` with AdamW, scoring it on `validation` before the first epoch and
 * after each; `onEpoch` hears of each epoch as it ends (for progress lines).
 *
 * @example
 * ```ts
 * const history = trainModel(mlp, split.train, split.validation, options, new Generator(0));
 * ```
 */
export function trainModel(
  model: CharModel,
  train: readonly string[],
  validation: readonly string[],
  options: TrainOptions,
  generator: Generator,
  onEpoch: (epoch: number, history: History) => void = () => {},
): History {
  const scored = batchesFor(model.layout, validation, SCORE_BATCH);
  const history: History = { validation: [evaluate(model, scored)], train: [], epochSeconds: [] };
  const optimizer = new AdamW(model.parameters(), { lr: options.lr, weightDecay: options.weightDecay });
  let started = performance.now();
  let batches = batchesFor(model.layout, train, options.batchSize, generator);
  // Every epoch has as many batches as the first, so the cosine ends exactly at the last step.
  const schedule = new CosineAnnealingLR(optimizer, {
    tMax: options.epochs * batches.length,
    etaMin: options.lr / 10,
  });
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    if (epoch > 1) {
      started = performance.now();
      batches = batchesFor(model.layout, train, options.batchSize, generator);
    }
    const trainLoss = epochOf(model, batches, optimizer, schedule);
    history.epochSeconds.push((performance.now() - started) / 1000);
    history.train.push(trainLoss);
    history.validation.push(evaluate(model, scored));
    onEpoch(epoch, history);
  }
  return history;
}

/**
 * The next-token distribution of a network after each prefix (`[N, 27]`). Prefixes start with the
 * boundary token; a sequence network needs them all of one length, as sampling makes them.
 *
 * @example
 * ```ts
 * nextProbabilities(model, [[0], [0]]).shape; // [2, 27]
 * ```
 */
export function nextProbabilities(model: CharModel, prefixes: readonly (readonly number[])[]): Tensor {
  model.eval();
  const probs = noGrad(() => {
    if (model.layout.kind === 'window') {
      const context = model.layout.context;
      const rows = prefixes.map((p) => [...new Array<number>(context).fill(BOUNDARY), ...p].slice(-context));
      return model.forward(tensor(rows, { dtype: 'int32' })).softmax(1);
    }
    const logits = model.forward(
      tensor(
        prefixes.map((p) => [...p]),
        { dtype: 'int32' },
      ),
    );
    const length = logits.shape[1]!;
    return logits
      .slice(1, length - 1, length)
      .reshape([prefixes.length, VOCAB_SIZE])
      .softmax(1);
  });
  model.train();
  return probs;
}

/**
 * Draws `count` words, one character at a time from `next`'s distribution (inverse CDF of one
 * uniform draw of `generator` per character), until each word draws the end, or `maxLength`
 * letters.
 *
 * @example
 * ```ts
 * sampleWords((p) => bigram.nextProbabilities(p), 20, new Generator(0), 30);
 * ```
 */
export function sampleWords(
  next: (prefixes: readonly (readonly number[])[]) => Tensor,
  count: number,
  generator: Generator,
  maxLength: number,
): string[] {
  const prefixes = Array.from({ length: count }, () => [BOUNDARY]);
  const done = new Array<boolean>(count).fill(false);
  for (let step = 0; step < maxLength && done.includes(false); step++) {
    const probs = next(prefixes).data();
    prefixes.forEach((prefix, i) => {
      // Finished words keep a boundary so that every prefix stays one length.
      const token = done[i] ? BOUNDARY : draw(probs, i * VOCAB_SIZE, generator.random());
      prefix.push(token);
      if (token === BOUNDARY) done[i] = true;
    });
  }
  return prefixes.map((p) => decode(p.slice(1)).split('.')[0]!);
}

// The first index whose cumulative probability passes u (the last one, should rounding leave u
// above the row's sum).
function draw(probs: ArrayLike<number>, offset: number, u: number): number {
  let cumulative = 0;
  for (let k = 0; k < VOCAB_SIZE; k++) {
    cumulative += probs[offset + k]!;
    if (u < cumulative) return k;
  }
  return VOCAB_SIZE - 1;
}

/** Words per batch when only scoring: larger batches buy nothing on the CPU but garbage to collect. */
const SCORE_BATCH = 256;

/**
 * Nats per character of `words` under `model` (every letter and every end), as the table reports.
 *
 * @example
 * ```ts
 * score(model, split.validation);
 * ```
 */
export function score(model: CharModel, words: readonly string[]): number {
  return evaluate(model, batchesFor(model.layout, words, SCORE_BATCH));
}
