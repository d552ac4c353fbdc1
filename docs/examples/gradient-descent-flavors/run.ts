/**
 * Lesson 000's three flavors of gradient descent on one problem: full-batch ("regular") descent
 * updates the weights once per pass over the data, mini-batch descent once per batch of 16, and
 * stochastic descent once per example. The problem is a noisy line in the plane,
 * y = 2·x1 − 3·x2 + 0.5 + noise, fitted by one Linear layer on the mean squared error, with the
 * same learning rate for all three; after every update the loss over the whole data set is
 * recorded, so the curves can be read per epoch (per pass over the data) and per update.
 */
import { Generator, manualSeed, noGrad, randn, tensor } from '@backprop/core';
import { DataLoader, lossCurves, TensorDataset, writePlot } from '@backprop/data';
import { Linear, mseLoss } from '@backprop/nn';
import { SGD } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';

/** The three flavors and their batch sizes (full batch: the whole data set). */
export const FLAVORS = [
  { name: 'full batch', batchSize: Number.POSITIVE_INFINITY },
  { name: 'mini-batch of 16', batchSize: 16 },
  { name: 'stochastic (1 example)', batchSize: 1 },
] as const;

const LR = 0.05;

/** A noisy line: y = 2·x1 − 3·x2 + 0.5 + 0.3·ε, x and ε standard normal. */
export function noisyLine(n: number, seed: number): TensorDataset {
  const generator = new Generator(seed);
  const x = randn([n, 2], { generator });
  const noise = randn([n, 1], { generator });
  const y = x
    .matmul(tensor([[2], [-3]]))
    .add(0.5)
    .add(noise.mul(0.3));
  return new TensorDataset(x, y);
}

/** One flavor's run. */
export interface FlavorRun {
  name: string;
  batchSize: number;
  /** Loss over the whole data set before training and after every update. */
  perUpdate: number[];
  /** Loss over the whole data set before training and after every epoch. */
  perEpoch: number[];
  weights: number[];
}

function fullLoss(model: Linear, data: TensorDataset): number {
  return noGrad(() => mseLoss(model.forward(data.x), data.y).item());
}

// The lesson's loop: for every batch, forward, loss, backward, step; the batch size is the flavor.
function train(
  flavor: (typeof FLAVORS)[number],
  data: TensorDataset,
  epochs: number,
  seed: number,
): FlavorRun {
  manualSeed(seed); // the same starting weights for every flavor
  const model = new Linear(2, 1);
  const batchSize = Math.min(flavor.batchSize, data.length);
  const loader = new DataLoader(data, { batchSize, shuffle: true, generator: new Generator(seed + 1) });
  const optimizer = new SGD(model.parameters(), { lr: LR });
  const perUpdate = [fullLoss(model, data)];
  const perEpoch = [perUpdate[0]!];
  for (let e = 0; e < epochs; e++) {
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      mseLoss(model.forward(x), y).backward();
      optimizer.step();
      perUpdate.push(fullLoss(model, data));
    }
    perEpoch.push(perUpdate.at(-1)!);
  }
  const weights = [...model.weight.data(), ...model.bias!.data()];
  return { name: flavor.name, batchSize, perUpdate, perEpoch, weights };
}

/** What the example measured. */
export interface FlavorsResult {
  examples: number;
  epochs: number;
  runs: FlavorRun[];
  files: string[];
}

/** Trains the three flavors from the same start and draws the curves, per epoch and per update. */
export async function runFlavors(options: ExampleOptions): Promise<FlavorsResult> {
  const examples = options.quick ? 128 : 256;
  const epochs = options.quick ? 15 : 30;
  const data = noisyLine(examples, options.seed);
  const runs = FLAVORS.map((f) => train(f, data, epochs, options.seed));
  const perEpoch = lossCurves(
    runs.map((r) => ({ name: r.name, values: r.perEpoch, x: r.perEpoch.map((_, i) => i) })),
    { title: 'per epoch (one pass over the data)', yLabel: 'mean squared error' },
  );
  // As many updates as full-batch descent makes in the whole run.
  const updates = epochs;
  const perUpdate = lossCurves(
    runs.map((r) => ({ name: r.name, values: r.perUpdate.slice(0, updates + 1), x: range(updates + 1) })),
    { title: `per update (the first ${updates})`, xLabel: 'weight updates', yLabel: 'mean squared error' },
  );
  // The end of the run, close up: one example's gradient is noisy, so stochastic descent keeps
  // bouncing around the best fit, as the lesson warns; a batch averages the noise away.
  const from = Math.min(5, epochs);
  const tail = lossCurves(
    runs.map((r) => ({ name: r.name, values: r.perEpoch.slice(from), x: range(epochs + 1).slice(from) })),
    { title: `per epoch, close up from epoch ${from}`, yLabel: 'mean squared error', yRange: [0.08, 0.16] },
  );
  const svg = panels([perEpoch, perUpdate, tail], {
    columns: 3,
    title: `Gradient descent flavors: ${examples} examples, lr ${LR}`,
  });
  const files = await writePlot(`${options.out}/flavors`, svg, { png: true });
  return { examples, epochs, runs, files };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The printed account: one row per flavor. */
export function formatReport(r: FlavorsResult): string {
  const at = (run: FlavorRun, epoch: number) => run.perEpoch[epoch]!.toFixed(4);
  const fitted = (run: FlavorRun) => `[${run.weights.map((w) => w.toFixed(2)).join(', ')}]`;
  return [
    `${r.examples} examples of y = 2·x1 − 3·x2 + 0.5 + noise (σ = 0.3), one Linear layer, lr ${LR}, ${r.epochs} epochs`,
    '',
    '| flavor | updates per epoch | loss after 1 epoch | after 5 | final | fitted [w1, w2, b] |',
    '|---|---:|---:|---:|---:|---|',
    ...r.runs.map(
      (run) =>
        `| ${run.name} | ${Math.ceil(r.examples / run.batchSize)} | ${at(run, 1)} | ${at(run, 5)} | ${at(run, r.epochs)} | ${fitted(run)} |`,
    ),
    '',
    'the noise alone costs 0.3² = 0.09: a perfect fit scores about that',
  ].join('\n');
}
