/**
 * Lesson 004's "setting hyperparameters": train on train, choose on validation, and look at the
 * test set once at the end, because a hyper-parameter picked for its test score has overfit the
 * test set. A big MLP on 60 noisy points memorizes them: its training loss goes to zero while
 * its validation loss turns and climbs, the two curves parting. Weight decay (the lesson's
 * "add −αθ to the gradient") is the hyper-parameter; each value is scored on validation only.
 */
import { manualSeed, noGrad, type Tensor } from '@backprop/core';
import {
  accuracy,
  DataLoader,
  decisionBoundary,
  type EpochRecord,
  fit,
  lossCurves,
  spirals,
  type TensorDataset,
  writePlot,
} from '@backprop/data';
import { crossEntropy, MLP } from '@backprop/nn';
import { Adam } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';

/** One weight-decay value and what training with it gave, on training and validation data only. */
export interface Candidate {
  weightDecay: number;
  history: EpochRecord[];
  trainLoss: number;
  valLoss: number;
  valError: number;
}

/** What the example measures. */
export interface OverfittingResult {
  candidates: Candidate[];
  /** The weight decay with the lowest final validation loss. */
  chosen: number;
  /** Error and loss of the chosen model on the test set, measured once. */
  testError: number;
  testLoss: number;
  /** How many times the test set was read: 1. */
  testReads: number;
  sizes: { train: number; validation: number; test: number };
}

/** The test set, sealed: it can be opened once, after the choice, and a second look throws. */
class SealedTestSet {
  reads = 0;
  readonly #data: TensorDataset;
  constructor(data: TensorDataset) {
    this.#data = data;
  }
  open(): TensorDataset {
    if (this.reads++ > 0) throw new Error('the test set was already used: choose on validation, test once');
    return this.#data;
  }
}

interface Settings {
  width: number;
  epochs: number;
  lr: number;
  decays: number[];
}

function settings(quick: boolean): Settings {
  return quick
    ? { width: 64, epochs: 150, lr: 0.02, decays: [0, 1e-3, 1e-2, 1e-1] }
    : { width: 128, epochs: 300, lr: 0.01, decays: [0, 1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1] };
}

// Two interleaved spiral arms with enough jitter that they overlap: no model can be perfect, so
// a model that is perfect on the training points has learned their noise.
const data = (n: number, seed: number) => spirals({ n, seed, noise: 0.15, turns: 1 });

async function train(
  s: Settings,
  weightDecay: number,
  trainSet: TensorDataset,
  val: TensorDataset,
  seed: number,
) {
  manualSeed(seed);
  const model = new MLP([2, s.width, s.width, 2]);
  const history = await fit(model, {
    train: new DataLoader(trainSet, { batchSize: trainSet.length }),
    validation: new DataLoader(val, { batchSize: val.length }),
    loss: (out, y) => crossEntropy(out, y),
    optimizer: new Adam(model.parameters(), { lr: s.lr, weightDecay }),
    epochs: s.epochs,
    metrics: { accuracy },
    progress: false,
    log: false,
  });
  const last = history.at(-1)!;
  const candidate: Candidate = {
    weightDecay,
    history,
    trainLoss: last.trainLoss,
    valLoss: last.valLoss!,
    valError: 1 - last.valAccuracy!,
  };
  return { model, candidate };
}

/** The candidate with the lowest validation loss. It sees validation numbers only. */
export function choose(candidates: readonly Pick<Candidate, 'weightDecay' | 'valLoss'>[]): number {
  return candidates.reduce((best, c) => (c.valLoss < best.valLoss ? c : best)).weightDecay;
}

/** Trains one model per weight decay, chooses on validation, tests the chosen one once. */
export async function runOverfitting(options: ExampleOptions): Promise<OverfittingResult> {
  const s = settings(options.quick);
  const trainSet = data(60, options.seed);
  const val = data(300, options.seed + 1);
  const sealed = new SealedTestSet(data(1000, options.seed + 2));
  const trained = [];
  for (const wd of s.decays) trained.push(await train(s, wd, trainSet, val, options.seed));
  const candidates = trained.map((t) => t.candidate);
  const chosen = choose(candidates);
  const model = trained.find((t) => t.candidate.weightDecay === chosen)!.model;
  const test = sealed.open();
  const out = noGrad(() => model.forward(test.x));
  const result: OverfittingResult = {
    candidates,
    chosen,
    testError: 1 - accuracy(out, test.y),
    testLoss: noGrad(() => crossEntropy(out, test.y).item()),
    testReads: sealed.reads,
    sizes: { train: trainSet.length, validation: val.length, test: test.length },
  };
  await draw(result, trained[0]!.model, model, trainSet, options.out);
  return result;
}

function curveChart(r: OverfittingResult): string {
  const none = r.candidates[0]!;
  const best = r.candidates.find((c) => c.weightDecay === r.chosen)!;
  const series = (c: Candidate, which: 'trainLoss' | 'valLoss', label: string) => ({
    name: `${label}, weight decay ${c.weightDecay}`,
    values: c.history.map((h) => h[which] ?? Number.NaN),
  });
  const runs = [series(none, 'trainLoss', 'train'), series(none, 'valLoss', 'validation')];
  if (best !== none) runs.push(series(best, 'trainLoss', 'train'), series(best, 'valLoss', 'validation'));
  const top = Math.max(...runs.flatMap((x) => x.values));
  return lossCurves(runs, {
    title: 'training and validation loss part',
    yLabel: 'cross-entropy',
    width: 560,
    height: 420,
    yRange: [0, top * 1.35],
  });
}

async function draw(
  r: OverfittingResult,
  overfit: MLP,
  chosen: MLP,
  trainSet: TensorDataset,
  out: string,
): Promise<void> {
  const boundary = (model: MLP, title: string) =>
    decisionBoundary((x: Tensor) => model.forward(x), trainSet, {
      title,
      resolution: 80,
      width: 420,
      height: 420,
    });
  await writePlot(`${out}/overfitting-curves`, curveChart(r), { png: true });
  const pictures = [boundary(overfit, 'weight decay 0: memorized')];
  if (r.chosen !== 0) pictures.push(boundary(chosen, `weight decay ${r.chosen}: chosen on validation`));
  await writePlot(`${out}/overfitting-boundaries`, panels(pictures, { title: 'The 60 training points' }), {
    png: true,
  });
}

/** The candidates' table and the one test number. */
export function formatReport(r: OverfittingResult): string {
  const rows = r.candidates.map(
    (c) =>
      `| ${c.weightDecay} | ${c.trainLoss.toFixed(3)} | ${c.valLoss.toFixed(3)} | ${(100 * c.valError).toFixed(1)}% | ${c.weightDecay === r.chosen ? '← chosen' : ''} |`,
  );
  return [
    `${r.sizes.train} training points, ${r.sizes.validation} validation, ${r.sizes.test} test (sealed until the end)`,
    '',
    '| weight decay | train loss | validation loss | validation error | |',
    '|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `chosen on validation: weight decay ${r.chosen}`,
    `test, read once for the chosen model: error ${(100 * r.testError).toFixed(1)}%, loss ${r.testLoss.toFixed(3)}`,
  ].join('\n');
}
