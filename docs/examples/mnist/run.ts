import { cat, Generator, manualSeed, noGrad, type Tensor } from '@backprop/core';
import {
  accuracy,
  confusionMatrix,
  DataLoader,
  type EpochRecord,
  fit,
  lossCurves,
  mnist,
  TensorDataset,
  writePlot,
} from '@backprop/data';
import { crossEntropy, type Module } from '@backprop/nn';
import { Adam, CosineAnnealingLR } from '@backprop/optim';
import { mapInputs, randomShift } from './augment.js';
import { confusionSvg } from './confusion-svg.js';
import { buildModel, DESCRIPTIONS, type ModelName } from './models.js';
import { epochsFor, lrFor, type MainOptions, shiftFor } from './options.js';

/** One row of the printed table. */
export interface Row {
  model: ModelName;
  description: string;
  parameters: number;
  epochs: number;
  testError: number;
  secondsPerEpoch: number;
  history: EpochRecord[];
  confusion: Tensor;
}

// Evaluates in chunks so the CNN's im2col buffers stay small.
function predictAll(model: Module, x: Tensor): Tensor {
  const outs: Tensor[] = [];
  noGrad(() => {
    for (let i = 0; i < x.shape[0]!; i += 500) outs.push(model.forward(x.slice(0, i, i + 500)));
  });
  return cat(outs, 0);
}

function asImages(x: Tensor, model: ModelName): Tensor {
  return model === 'cnn' ? x.reshape([-1, 1, 28, 28]) : x;
}

/** Trains one model on the split and measures its test error. */
async function trainOne(name: ModelName, options: MainOptions, log: (line: string) => void): Promise<Row> {
  const { train, test } = await mnist({ train: options.train, test: options.test, seed: options.seed });
  manualSeed(options.seed);
  const model = buildModel(name);
  const trainX = asImages(train.x, name);
  const testX = asImages(test.x, name);
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
  const validation = new DataLoader(new TensorDataset(testX, test.y), { batchSize: 500 });
  const epochs = epochsFor(name, options);
  log(`\n${name}: ${DESCRIPTIONS[name]}, ${epochs} epochs on ${options.train} digits`);
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
  const outputs = predictAll(model, testX);
  const parameters = [...model.parameters()].reduce((n, p) => n + p.size, 0);
  const seconds = history.reduce((s, h) => s + h.seconds, 0);
  return {
    model: name,
    description: DESCRIPTIONS[name],
    parameters,
    epochs: history.length,
    testError: 1 - accuracy(outputs, test.y),
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
  const rows: Row[] = [];
  for (const name of options.models) rows.push(await trainOne(name, options, log));
  await writePictures(rows, options.out);
  return rows;
}

async function writePictures(rows: Row[], out: string): Promise<void> {
  const series = (pick: (h: EpochRecord) => number | undefined, suffix: string) =>
    rows.map((r) => ({ name: `${r.model} ${suffix}`, values: r.history.map((h) => pick(h) ?? Number.NaN) }));
  const loss = lossCurves([...series((h) => h.trainLoss, 'train'), ...series((h) => h.valLoss, 'test')], {
    title: 'MNIST: cross-entropy per epoch',
  });
  const acc = lossCurves(
    [...series((h) => h.trainAccuracy, 'train'), ...series((h) => h.valAccuracy, 'test')],
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

/** The table as text, with the lecture's linear-classifier row for reference. */
export function formatTable(rows: readonly Row[]): string {
  const lines = [
    '| model | parameters | epochs | test error | s/epoch |',
    '|---|---:|---:|---:|---:|',
    '| lecture 004: linear classifier over pixels | | | 12% | |',
    ...rows.map(
      (r) =>
        `| ${r.description} | ${r.parameters.toLocaleString('en-US')} | ${r.epochs} | ${(100 * r.testError).toFixed(2)}% | ${r.secondsPerEpoch.toFixed(1)} |`,
    ),
  ];
  return lines.join('\n');
}
