import { cat, Generator, manualSeed, noGrad, type Tensor } from '@backprop/core';
import {
  accuracy,
  confusionMatrix,
  DataLoader,
  type EpochRecord,
  fashionMnist,
  fit,
  lossCurves,
  mnist,
  randomSplit,
  TensorDataset,
  topKError,
  writePlot,
} from '@backprop/data';
import { crossEntropy, type Module } from '@backprop/nn';
import { Adam, CosineAnnealingLR } from '@backprop/optim';
import { mapInputs, randomShift } from './augment.js';
import { confusionSvg } from './confusion-svg.js';
import { buildModel, DESCRIPTIONS, type ModelName, parameterCount, readsImages } from './models.js';
import { epochsFor, lrFor, type MainOptions, shiftFor } from './options.js';

/** One row of the printed table. */
export interface Row {
  model: ModelName;
  description: string;
  parameters: number;
  epochs: number;
  /** Error on the validation digits after the last epoch (what every choice was made on). */
  validationError: number;
  /** Error on the test digits, measured once, after training. */
  testError: number;
  /** Share of test digits whose class is not among the model's five highest scores. */
  testTop5Error: number;
  secondsPerEpoch: number;
  history: EpochRecord[];
  confusion: Tensor;
}

/** The three sets of one run: training and validation digits split from the training files, and the test files. */
export interface Splits {
  train: TensorDataset;
  validation: TensorDataset;
  test: TensorDataset;
}

/** Size of the validation set held out of the 60,000 training images (of --quick's subset: a sixth). */
export const VALIDATION_SIZE = 5000;

/**
 * Loads the dataset and splits it: validation digits are held out of the training files with a
 * seeded randomSplit, and the test files are kept apart until the end.
 */
export async function loadSplits(options: MainOptions): Promise<Splits> {
  const load = options.dataset === 'fashion-mnist' ? fashionMnist : mnist;
  const trainLimit = options.quick ? 6000 : undefined;
  const full = await load({ split: 'train', limit: trainLimit });
  const validationSize = options.quick ? 1000 : VALIDATION_SIZE;
  const [train, validation] = randomSplit(full, [full.length - validationSize, validationSize], {
    generator: new Generator(options.seed),
  });
  const test = await load({ split: 'test', limit: options.quick ? 2000 : undefined });
  return { train, validation, test };
}

// Evaluates in chunks so the CNN's im2col buffers stay small.
function predictAll(model: Module, x: Tensor): Tensor {
  const outs: Tensor[] = [];
  noGrad(() => {
    for (let i = 0; i < x.shape[0]!; i += 500) outs.push(model.forward(x.slice(0, i, i + 500)));
  });
  return cat(outs, 0);
}

function inputsFor(x: Tensor, model: ModelName): Tensor {
  return readsImages(model) ? x : x.reshape([x.shape[0]!, 784]);
}

/** Trains one model, choosing nothing on the test digits, and measures its test error once at the end. */
async function trainOne(
  name: ModelName,
  splits: Splits,
  options: MainOptions,
  log: (line: string) => void,
): Promise<Row> {
  const { train, validation: held, test } = splits;
  manualSeed(options.seed);
  const model = buildModel(name);
  const trainX = inputsFor(train.x, name);
  const loader = new DataLoader(new TensorDataset(trainX, train.y), {
    batchSize: options.batchSize,
    shuffle: true,
    generator: new Generator(options.seed),
  });
  const shifts = new Generator(options.seed + 1);
  const shift = shiftFor(name, options);
  const augmented =
    shift > 0
      ? mapInputs(loader, (x) => randomShift(x.reshape([-1, 1, 28, 28]), shift, shifts).reshape(x.shape))
      : loader;
  const validation = new DataLoader(new TensorDataset(inputsFor(held.x, name), held.y), { batchSize: 500 });
  const epochs = epochsFor(name, options);
  log(`\n${name}: ${DESCRIPTIONS[name]}, ${epochs} epochs on ${train.length} digits`);
  const optimizer = new Adam(model.parameters(), { lr: lrFor(name, options) });
  // Cosine decay to zero over the run: large steps early, fine ones at the end.
  const scheduler = new CosineAnnealingLR(optimizer, { tMax: epochs });
  const history = await fit(model, {
    train: augmented,
    validation,
    loss: (out, y) => crossEntropy(out, y),
    optimizer,
    scheduler,
    epochs,
    metrics: { accuracy },
    log,
  });
  // The one look at the test digits.
  const outputs = predictAll(model, inputsFor(test.x, name));
  const parameters = parameterCount(model);
  const seconds = history.reduce((s, h) => s + h.seconds, 0);
  return {
    model: name,
    description: DESCRIPTIONS[name],
    parameters,
    epochs: history.length,
    validationError: 1 - (history.at(-1)?.valAccuracy ?? Number.NaN),
    testError: 1 - accuracy(outputs, test.y),
    testTop5Error: topKError(outputs, test.y, 5),
    secondsPerEpoch: seconds / Math.max(history.length, 1),
    history,
    confusion: confusionMatrix(outputs, test.y, 10),
  };
}

/** Runs every requested model, writes the pictures, and returns the table's rows. */
export async function runMnistTable(
  options: MainOptions,
  log: (line: string) => void = console.log,
): Promise<Row[]> {
  const splits = await loadSplits(options);
  log(
    `${options.dataset}: ${splits.train.length} training, ${splits.validation.length} validation ` +
      `(held out of the training files, seed ${options.seed}) and ${splits.test.length} test images`,
  );
  const rows: Row[] = [];
  for (const name of options.models) rows.push(await trainOne(name, splits, options, log));
  await writePictures(rows, options.out);
  await writeTables(rows, options);
  return rows;
}

async function writePictures(rows: Row[], out: string): Promise<void> {
  const series = (pick: (h: EpochRecord) => number | undefined, suffix: string) =>
    rows.map((r) => ({ name: `${r.model} ${suffix}`, values: r.history.map((h) => pick(h) ?? Number.NaN) }));
  const loss = lossCurves(
    [...series((h) => h.trainLoss, 'train'), ...series((h) => h.valLoss, 'validation')],
    {
      title: 'MNIST: cross-entropy per epoch',
    },
  );
  const acc = lossCurves(
    [...series((h) => h.trainAccuracy, 'train'), ...series((h) => h.valAccuracy, 'validation')],
    {
      title: 'MNIST: accuracy per epoch',
      yLabel: 'accuracy',
    },
  );
  await writePlot(`${out}/mnist-loss`, loss, { png: true });
  await writePlot(`${out}/mnist-accuracy`, acc, { png: true });
  for (const r of rows) {
    await writePlot(
      `${out}/mnist-confusion-${r.model}`,
      confusionSvg(r.confusion, `${r.description}: confusion matrix`),
      {
        png: true,
      },
    );
  }
}

// The table as Markdown (what main prints) and as JSON (every number, for other tools and the docs).
async function writeTables(rows: readonly Row[], options: MainOptions): Promise<void> {
  const fs = await import('node:fs/promises');
  await fs.mkdir(options.out, { recursive: true });
  const name = options.dataset === 'mnist' ? 'mnist-table' : `${options.dataset}-table`;
  await fs.writeFile(`${options.out}/${name}.md`, `${formatTable(rows)}\n`);
  const json = {
    dataset: options.dataset,
    seed: options.seed,
    quick: options.quick,
    rows: rows.map(({ history, confusion, ...row }) => ({
      ...row,
      history,
      confusion: confusion.toArray(),
    })),
  };
  await fs.writeFile(`${options.out}/${name}.json`, `${JSON.stringify(json, null, 2)}\n`);
}

/** The table as text, with the lecture's linear-classifier row for reference. */
export function formatTable(rows: readonly Row[]): string {
  const lines = [
    '| model | parameters | epochs | validation error | test error | test top-5 error | s/epoch |',
    '|---|---:|---:|---:|---:|---:|---:|',
    '| lecture 004: linear classifier over pixels | | | | 12% | | |',
    ...rows.map(
      (r) =>
        `| ${r.description} | ${r.parameters.toLocaleString('en-US')} | ${r.epochs} | ${(100 * r.validationError).toFixed(2)}% | ${(100 * r.testError).toFixed(2)}% | ${(100 * r.testTop5Error).toFixed(2)}% | ${r.secondsPerEpoch.toFixed(1)} |`,
    ),
  ];
  return lines.join('\n');
}
