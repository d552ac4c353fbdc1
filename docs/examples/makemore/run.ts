/**
 * makemore: four character-level language models of English words, from a table of counts to a
 * Transformer, trained on the same words and scored the same way (nats per character on held-out
 * words, each word's end included), then asked to make up 20 words each.
 */
import { Generator } from '@backprop/core';
import type { ExampleOptions } from '../shared/cli.js';
import { Bigram } from './bigram.js';
import { configFor, type MakemoreConfig } from './config.js';
import { type CharModel, LSTMModel, MLPModel, parameterCount, TransformerModel } from './models.js';
import {
  type History,
  nextProbabilities,
  sampleWords,
  score,
  type TrainOptions,
  trainModel,
} from './train.js';
import { characterCount, loadWords, splitWords } from './words.js';

/** The four models, in the order the lesson builds them. */
export type ModelName = 'bigram' | 'MLP' | 'LSTM' | 'Transformer';

/** What one model did. */
export interface ModelResult {
  name: ModelName;
  /** One line on what it is, for the table. */
  description: string;
  /** Numbers it learned (the bigram: its table). */
  parameters: number;
  /** Nats per character on the table's validation words (all of them in the full run). */
  validationLoss: number;
  /** Nats per character on the curve's validation words: before training, then after each epoch. */
  curve: number[];
  /** Seconds each epoch of training took (the bigram's one "epoch" is its count). */
  epochSeconds: number[];
  /** Words it made up. */
  samples: string[];
}

/** What a run measured, all a report or a plot needs (render.ts reads it back from JSON). */
export interface MakemoreResult {
  seed: number;
  quick: boolean;
  /** Wall-clock seconds of the whole run, loading the words included. */
  seconds: number;
  /** Words in the list, in each split, and in the parts used. */
  counts: {
    words: number;
    train: number;
    validation: number;
    test: number;
    trainUsed: number;
    curveWords: number;
    tableWords: number;
    tableCharacters: number;
  };
  models: ModelResult[];
}

/** The words a run reads: the training sample and the two sets of validation words it scores. */
interface Data {
  train: string[];
  curve: string[];
  table: string[];
}

const first = (words: string[], n: number | null) => (n === null ? words : words.slice(0, n));

/**
 * Loads and splits the word list, fits the bigram and trains the three networks from `options.seed`,
 * and samples each. `log` hears one line per epoch (progress, not part of the report).
 *
 * @example
 * ```ts
 * const r = runMakemore({ quick: true, out: 'out/makemore', seed: 0 });
 * r.models.map((m) => m.validationLoss);
 * ```
 */
export function runMakemore(options: ExampleOptions, log: (line: string) => void = () => {}): MakemoreResult {
  const started = performance.now();
  const config = configFor(options.quick);
  const words = loadWords();
  const split = splitWords(words, options.seed);
  const data: Data = {
    train: first(split.train, config.trainWords),
    curve: first(split.validation, config.curveWords),
    table: first(split.validation, config.tableWords),
  };
  const seed = options.seed;
  const models = [
    runBigram(data, config, seed),
    ...networks(config, seed).map((network) => runNetwork(network, data, config, seed, log)),
  ];
  const counts = {
    words: words.length,
    train: split.train.length,
    validation: split.validation.length,
    test: split.test.length,
    trainUsed: data.train.length,
    curveWords: data.curve.length,
    tableWords: data.table.length,
    tableCharacters: characterCount(data.table),
  };
  const seconds = (performance.now() - started) / 1000;
  return { seed, quick: options.quick, seconds, counts, models };
}

// Before counting, every row of the table is +1s only: the uniform distribution, ln 27 per
// character. That is the bigram's "initial loss", as a network's is its loss before training.
function runBigram(data: Data, config: MakemoreConfig, seed: number): ModelResult {
  const started = performance.now();
  const bigram = Bigram.fit(data.train);
  const seconds = (performance.now() - started) / 1000;
  return {
    name: 'bigram',
    description: 'counts of character pairs, +1 smoothing',
    parameters: bigram.parameterCount,
    validationLoss: bigram.loss(data.table),
    curve: [Bigram.fit([]).loss(data.curve), bigram.loss(data.curve)],
    epochSeconds: [seconds],
    samples: sampleWords(
      (p) => bigram.nextProbabilities(p),
      config.samples,
      new Generator(seed),
      config.maxSampleLength,
    ),
  };
}

/** A network to train: its name, a line on what it is, and how it trains. */
interface Network {
  name: Exclude<ModelName, 'bigram'>;
  description: string;
  model: CharModel;
  train: TrainOptions;
}

// Each network starts from a generator of the run's seed, so its initial weights are a function of
// the seed alone, whatever ran before it.
function networks(config: MakemoreConfig, seed: number): Network[] {
  const { mlp, lstm, transformer } = config;
  const { context, embedding, hidden } = mlp.sizes;
  const { width, heads, layers } = transformer.sizes;
  return [
    {
      name: 'MLP',
      description: `${context} characters × ${embedding}-d embedding → ${hidden} tanh`,
      model: new MLPModel(mlp.sizes, new Generator(seed)),
      train: mlp.train,
    },
    {
      name: 'LSTM',
      description: `${lstm.sizes.embedding}-d embedding → LSTM of ${lstm.sizes.hidden}`,
      model: new LSTMModel(lstm.sizes, new Generator(seed)),
      train: lstm.train,
    },
    {
      name: 'Transformer',
      description: `${layers} causal layers, width ${width}, ${heads} heads`,
      model: new TransformerModel(transformer.sizes, new Generator(seed)),
      train: transformer.train,
    },
  ];
}

function runNetwork(
  { name, description, model, train: options }: Network,
  data: Data,
  config: MakemoreConfig,
  seed: number,
  log: (line: string) => void,
): ModelResult {
  const onEpoch = (epoch: number, h: History) =>
    log(
      `${name} epoch ${epoch}/${options.epochs}: train ${h.train.at(-1)!.toFixed(3)}, validation ${h.validation.at(-1)!.toFixed(3)} (${h.epochSeconds.at(-1)!.toFixed(1)} s)`,
    );
  // The shuffles draw from their own stream, so that the samples below start alike for every model.
  const history = trainModel(model, data.train, data.curve, options, new Generator(seed + 1), onEpoch);
  // Both are the first words of the validation split: the same length means the same words.
  const sameWords = data.table.length === data.curve.length;
  return {
    name,
    description,
    parameters: parameterCount(model),
    validationLoss: sameWords ? history.validation.at(-1)! : score(model, data.table),
    curve: history.validation,
    epochSeconds: history.epochSeconds,
    samples: sampleWords(
      (p) => nextProbabilities(model, p),
      config.samples,
      new Generator(seed),
      config.maxSampleLength,
    ),
  };
}
