import { cat, type Device, Generator, manualSeed, noGrad, oneHot, type Tensor, tensor } from '@backprop/core';
import {
  accuracy,
  confusionMatrix,
  DataLoader,
  type EpochRecord,
  fashionMnist,
  fit,
  mnist,
  randomSplit,
  TensorDataset,
  topKError,
} from '@backprop/data';
import { crossEntropy, type Module } from '@backprop/nn';
import { Adam, MultiStepLR, SGD } from '@backprop/optim';
import { mapInputs, randomShift } from './augment.js';
import type { Mistake } from './misclassified-svg.js';
import { buildModel, DESCRIPTIONS, type ModelName, PAPER, parameterCount, readsImages } from './models.js';
import { type MainOptions, MOMENTUM, recipeFor, WEIGHT_DECAY } from './options.js';

/** One training run of one row (one seed). */
export interface Run {
  seed: number;
  /** The epoch whose weights were kept: the one with the lowest validation error. */
  bestEpoch: number;
  /** Validation error of the kept weights (what every choice was made on). */
  validationError: number;
  /** Error on the test digits, measured once, after training. */
  testError: number;
  /** Share of test digits whose class is not among the model's five highest scores. */
  testTop5Error: number;
  secondsPerEpoch: number;
  history: EpochRecord[];
  /** Rows are the true class, columns the predicted one. */
  confusion: number[][];
  /**
   * The 25 test digits this run got wrong with the highest confidence, most confident first (kept
   * for a row's first seed only: the picture draws one run).
   */
  mistakes: Mistake[];
}

/** One row of the table: a model, trained once per seed. */
export interface Row {
  model: ModelName;
  description: string;
  parameters: number;
  epochs: number;
  runs: Run[];
}

/** The three sets of one run, inputs normalized by the training pixels' mean and deviation. */
export interface Splits {
  train: TensorDataset;
  validation: TensorDataset;
  test: TensorDataset;
  /** The test images as loaded (pixels in [0, 1]), for pictures. */
  testPixels: Tensor;
  /** What a blank pixel becomes after normalization (the fill of shifted images). */
  background: number;
}

/** Size of the validation set held out of the 60,000 training images (of --quick's subset: 1,000). */
export const VALIDATION_SIZE = 5000;

/**
 * Loads the dataset and splits it: validation digits are held out of the training files with a
 * seeded randomSplit, and the test files are kept apart until the end. Every set is normalized with
 * the training digits' statistics, so nothing is learned from validation or test pixels.
 */
export async function loadSplits(options: MainOptions): Promise<Splits> {
  const load = options.dataset === 'fashion-mnist' ? fashionMnist : mnist;
  const full = await load({ split: 'train', limit: options.quick ? 6000 : undefined });
  const validationSize = options.quick ? 1000 : VALIDATION_SIZE;
  const [train, validation] = randomSplit(full, [full.length - validationSize, validationSize], {
    generator: new Generator(options.seed),
  });
  const test = await load({ split: 'test', limit: options.quick ? 2000 : undefined });
  const mean = train.x.mean().item();
  const std = train.x.sub(mean).square().mean().sqrt().item();
  const normalized = (d: TensorDataset) => new TensorDataset(d.x.sub(mean).div(std), d.y);
  return {
    train: normalized(train),
    validation: normalized(validation),
    test: normalized(test),
    testPixels: test.x,
    background: -mean / std,
  };
}

// Evaluates in chunks so the convolutions' im2col buffers stay small; the outputs come back to the
// host (from the GPU asynchronously) for the error rates and pictures.
async function predictAll(model: Module, x: Tensor, device: Device): Promise<Tensor> {
  const outs: Tensor[] = [];
  for (let i = 0; i < x.shape[0]!; i += 500) {
    const out = noGrad(() => model.forward(x.slice(0, i, i + 500).to(device)));
    outs.push(device === 'cpu' ? out : tensor(await out.dataAsync(), { shape: out.shape }));
  }
  return cat(outs, 0);
}

function inputsFor(x: Tensor, model: ModelName): Tensor {
  return readsImages(model) ? x : x.reshape([x.shape[0]!, 784]);
}

// The paper's one-layer network fits one-hot targets by least squares: squared error summed over
// the ten outputs, averaged over the batch.
function squaredErrorToOneHot(out: Tensor, y: Tensor): Tensor {
  return out.sub(oneHot(y, out.shape[1]!)).square().sum(1).mean();
}

function snapshot(model: Module): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(model.stateDict()).map(([k, v]) => [k, v.clone()]));
}

/** The `count` wrong answers given with the highest softmax probability. */
export function worstMistakes(outputs: Tensor, labels: Tensor, pixels: Tensor, count: number): Mistake[] {
  const probabilities = noGrad(() => outputs.softmax(1));
  const [n, classes] = probabilities.shape as [number, number];
  const p = probabilities.data();
  const truth = labels.data();
  const wrong: { index: number; predicted: number; confidence: number }[] = [];
  for (let i = 0; i < n; i++) {
    let predicted = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c]! > p[i * classes + predicted]!) predicted = c;
    if (predicted !== truth[i]) wrong.push({ index: i, predicted, confidence: p[i * classes + predicted]! });
  }
  wrong.sort((a, b) => b.confidence - a.confidence);
  const flat = pixels.reshape([n, -1]);
  return wrong.slice(0, count).map((w) => ({
    pixels: Array.from(flat.slice(0, w.index, w.index + 1).data(), (v) => Math.round(v * 255)),
    label: truth[w.index]!,
    predicted: w.predicted,
    confidence: w.confidence,
  }));
}

/**
 * Trains one model with one seed, keeps the weights of the epoch with the lowest validation error,
 * and measures those weights' test error once.
 */
async function trainOne(
  name: ModelName,
  splits: Splits,
  options: MainOptions,
  seed: number,
  log: (line: string) => void,
): Promise<{ run: Run; parameters: number }> {
  const { train, validation: held, test } = splits;
  manualSeed(seed);
  // Built (and initialized by the seeded generator) on the host, then moved: the same weights on every device.
  const model = buildModel(name).to(options.device);
  const recipe = recipeFor(name, options);
  const loader = new DataLoader(new TensorDataset(inputsFor(train.x, name), train.y), {
    batchSize: options.batchSize,
    shuffle: true,
    generator: new Generator(seed),
  });
  const shifts = new Generator(seed + 1);
  const batches =
    recipe.shift > 0
      ? mapInputs(loader, (x) =>
          randomShift(x.reshape([-1, 1, 28, 28]), recipe.shift, shifts, splits.background).reshape(x.shape),
        )
      : loader;
  const validation = new DataLoader(new TensorDataset(inputsFor(held.x, name), held.y), { batchSize: 500 });
  const parameters = model.parameters();
  const optimizer =
    options.optimizer === 'adam'
      ? new Adam(parameters, { lr: recipe.lr, weightDecay: recipe.weightDecay })
      : new SGD(parameters, { lr: recipe.lr, momentum: MOMENTUM, weightDecay: recipe.weightDecay });
  const shift = recipe.shift > 0 ? `, shifts up to ${recipe.shift} px` : '';
  const decay =
    recipe.milestones.length > 0 ? `÷10 after epochs ${recipe.milestones.join(' and ')}` : 'no decay';
  log(
    `\n${name} (seed ${seed}): ${DESCRIPTIONS[name]}; ${options.optimizer}, lr ${recipe.lr}, ${decay}, ${recipe.epochs} epochs${shift}`,
  );
  let best = { error: Number.POSITIVE_INFINITY, epoch: 0, state: snapshot(model) };
  const history = await fit(model, {
    train: batches,
    validation,
    loss: name === 'linear-mse' ? squaredErrorToOneHot : (out, y) => crossEntropy(out, y),
    optimizer,
    scheduler: new MultiStepLR(optimizer, { milestones: recipe.milestones, gamma: 0.1 }),
    epochs: recipe.epochs,
    metrics: { accuracy },
    log,
    onEpochEnd: (r) => {
      const error = 1 - (r.valAccuracy ?? 0);
      if (error < best.error) best = { error, epoch: r.epoch, state: snapshot(model) };
    },
  });
  model.loadStateDict(best.state);
  // The one look at the test digits.
  const outputs = await predictAll(model, inputsFor(test.x, name), options.device);
  const seconds = history.reduce((s, h) => s + h.seconds, 0);
  const run: Run = {
    seed,
    bestEpoch: best.epoch,
    validationError: best.error,
    testError: 1 - accuracy(outputs, test.y),
    testTop5Error: topKError(outputs, test.y, 5),
    secondsPerEpoch: seconds / Math.max(history.length, 1),
    history,
    confusion: confusionMatrix(outputs, test.y, 10).toArray() as number[][],
    // The picture draws one run: a row's first seed.
    mistakes: seed === options.seed ? worstMistakes(outputs, test.y, splits.testPixels, 25) : [],
  };
  log(
    `${name} (seed ${seed}): kept epoch ${best.epoch} (validation error ${(100 * best.error).toFixed(2)}%)`,
  );
  return { run, parameters: parameterCount(model) };
}

/** Loads the data, prints the sizes of the three sets, and trains every requested row once per seed. */
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
  for (const name of options.models) {
    const row: Row = { model: name, description: DESCRIPTIONS[name], parameters: 0, epochs: 0, runs: [] };
    for (let k = 0; k < options.seeds; k++) {
      const { run, parameters } = await trainOne(name, splits, options, options.seed + k, log);
      row.runs.push(run);
      row.parameters = parameters;
      row.epochs = run.history.length;
    }
    rows.push(row);
  }
  return rows;
}

/** Mean and (sample) standard deviation of one number over a row's runs. */
export function meanStd(row: Row, pick: (run: Run) => number): { mean: number; std: number } {
  const values = row.runs.map(pick);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const squares = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0 };
}

const percent = (x: number) => `${(100 * x).toFixed(2)}%`;

/** What the table was trained with, in one line (printed above it). */
export function caption(options: MainOptions): string {
  const optimizer =
    options.optimizer === 'adam'
      ? `Adam, weight decay ${WEIGHT_DECAY.toExponential()}`
      : `SGD with momentum ${MOMENTUM} and weight decay ${WEIGHT_DECAY.toExponential()}`;
  const seeds =
    options.seeds === 1
      ? '1 seed per row (run --seeds 3 for mean ± std)'
      : `${options.seeds} seeds per row, test error as mean ± std`;
  // Tables of runs saved before devices existed have no device: they ran on the cpu.
  const device = (options.device ?? 'cpu') === 'cpu' ? '' : ` on ${options.device}`;
  return `${options.dataset}${options.quick ? ' (--quick subset)' : ''}${device}: ${optimizer}, learning rate ÷10 at half and at three quarters of the epochs, weights kept from the epoch of lowest validation error; ${seeds}`;
}

function paperCell(model: ModelName): string {
  const { error, against } = PAPER[model];
  return `${percent(error)}${against ? ` (${against})` : ''}`;
}

/** The table as Markdown: the paper's figure beside each row (for MNIST), test error over seeds. */
export function formatTable(rows: readonly Row[], options: MainOptions): string {
  const paper = options.dataset === 'mnist';
  const header = [
    'model',
    ...(paper ? ['paper (1998)'] : []),
    'parameters',
    'epochs',
    'kept epoch',
    'validation error',
    'test error',
    'test top-5 error',
    's/epoch',
  ];
  const lines = [
    `| ${header.join(' | ')} |`,
    `|---|${header
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
  ];
  for (const r of rows) {
    const test = meanStd(r, (run) => run.testError);
    const cells = [
      r.description,
      ...(paper ? [paperCell(r.model)] : []),
      r.parameters.toLocaleString('en-US'),
      String(r.epochs),
      r.runs.map((run) => run.bestEpoch).join(', '),
      percent(meanStd(r, (run) => run.validationError).mean),
      r.runs.length > 1 ? `${percent(test.mean)} ± ${(100 * test.std).toFixed(2)}` : percent(test.mean),
      percent(meanStd(r, (run) => run.testTop5Error).mean),
      meanStd(r, (run) => run.secondsPerEpoch).mean.toFixed(1),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/**
 * Each row's test error against its goal (the paper's figure; 8% for softmax regression). The
 * paper's least-squares row is reported as measured, and a --quick run is held to nothing.
 */
export function goalLines(rows: readonly Row[], options: MainOptions): string[] {
  if (options.dataset !== 'mnist' || options.quick) return [];
  return rows
    .filter((r) => r.model !== 'linear-mse')
    .map((r) => {
      const goal = r.model === 'linear' ? 0.08 : PAPER[r.model].error;
      const error = meanStd(r, (run) => run.testError).mean;
      const verdict = error <= goal ? 'at or below' : 'ABOVE';
      return `${r.model}: test error ${percent(error)} is ${verdict} its goal of ${percent(goal)}`;
    });
}
