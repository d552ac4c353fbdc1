import { MODEL_NAMES, type ModelName } from './models.js';

/** Which optimizer trains every row: the lesson's SGD recipe, or Adam. */
export type OptimizerName = 'sgd' | 'adam';

/** Settings of one run of the main job. */
export interface MainOptions {
  models: ModelName[];
  /** Epochs per model; undefined means each model's default. */
  epochs: number | undefined;
  batchSize: number;
  /** Initial learning rate; undefined means each model's default for the optimizer. */
  lr: number | undefined;
  optimizer: OptimizerName;
  /** First seed; `seeds` runs use seed, seed + 1, … */
  seed: number;
  /** How many times each row is trained (with different seeds) for its mean ± std. */
  seeds: number;
  /** Which digits: MNIST (default) or Fashion-MNIST. */
  dataset: 'mnist' | 'fashion-mnist';
  quick: boolean;
  /** Where the models train: the cpu (TypeScript or WebAssembly kernels) or a WebGPU device. */
  device: 'cpu' | 'webgpu';
  /** Random shift of training images by up to this many pixels (0: none); undefined means each model's default. */
  shift: number | undefined;
  out: string;
}

export const USAGE = `MNIST with backprop: the 1998 paper's error table (lesson 004), reproduced on the full data.

Usage: npx --yes pnpm@9.15.9 start [options]          (or: npx tsx docs/examples/mnist/main.ts [options])

  --model <name>      linear-mse, linear, nn-300, nn-300-100, lenet5, cnn (default: all of them);
                      repeat or comma-separate for several
  --optimizer <name>  sgd (default: momentum 0.9, weight decay 5e-4, learning rate divided by 10
                      at half and at three quarters of the epochs) or adam (the same schedule)
  --seeds <n>         train every row n times (seeds seed, seed+1, ...) and report mean ± std
                      of the test error (default 1)
  --epochs <n>        epochs per model (default: linear rows 10, the networks 20, lenet5 and
                      cnn 15; --quick: 3, 4 and 6)
  --batch-size <n>    mini-batch size (default 64)
  --lr <x>            initial learning rate (default: each row's, chosen on validation)
  --seed <n>          first seed for init, the validation split and shuffling (default 0)
  --dataset <name>    mnist (default) or fashion-mnist (Debian's dataset-fashion-mnist)
  --shift <n>         shift training images randomly by up to n pixels (default: cnn 2, the
                      others 0; 0 turns it off)
  --quick             a small run for CI (under a minute: 5,000 training, 1,000 validation and
                      2,000 test images, every row once)
  --device <name>     cpu (default) or webgpu: train on the GPU through WebGPU (Node: the
                      optional npm package webgpu; without a GPU, SwiftShader runs it slowly)
  --out <dir>         where the tables, curves and pictures go (default out/mnist)
  --help              this text
`;

function value(args: string[], i: number, flag: string): string {
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value (see --help)`);
  return v;
}

function positiveNumber(flag: string, text: string, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new Error(`${flag} must be a positive ${integer ? 'integer' : 'number'}, got '${text}'`);
  }
  return n;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new Error(`${flag} must be one of ${allowed.join(', ')}, got '${text}'`);
  }
  return text as T;
}

/** Parses the command line; returns null when --help was asked for. */
export function parseArgs(args: string[]): MainOptions | null {
  if (args.includes('--help') || args.includes('-h')) return null;
  const quick = args.includes('--quick');
  const o: MainOptions = {
    models: [],
    epochs: undefined,
    batchSize: 64,
    lr: undefined,
    optimizer: 'sgd',
    seed: 0,
    seeds: 1,
    dataset: 'mnist',
    quick,
    device: 'cpu',
    shift: undefined,
    out: 'out/mnist',
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--quick') continue;
    const v = value(args, i, flag);
    i++;
    if (flag === '--model') o.models.push(...v.split(',').map((m) => oneOf(flag, m, MODEL_NAMES)));
    else if (flag === '--optimizer') o.optimizer = oneOf(flag, v, ['sgd', 'adam'] as const);
    else if (flag === '--seeds') o.seeds = positiveNumber(flag, v, true);
    else if (flag === '--epochs') o.epochs = positiveNumber(flag, v, true);
    else if (flag === '--batch-size') o.batchSize = positiveNumber(flag, v, true);
    else if (flag === '--lr') o.lr = positiveNumber(flag, v, false);
    else if (flag === '--seed') o.seed = v === '0' ? 0 : positiveNumber(flag, v, true);
    else if (flag === '--dataset') o.dataset = oneOf(flag, v, ['mnist', 'fashion-mnist'] as const);
    else if (flag === '--out') o.out = v;
    else if (flag === '--device') o.device = oneOf(flag, v, ['cpu', 'webgpu'] as const);
    else if (flag === '--shift') o.shift = v === '0' ? 0 : positiveNumber(flag, v, true);
    else throw new Error(`unknown option '${flag}' (see --help)`);
  }
  if (o.models.length === 0) o.models = [...MODEL_NAMES];
  return o;
}

/** SGD's momentum and every row's weight decay: the lesson's recipe, the same for all rows. */
export const MOMENTUM = 0.9;
export const WEIGHT_DECAY = 5e-4;

/** How one row is trained. */
export interface Recipe {
  epochs: number;
  lr: number;
  /** Epochs after which the learning rate is divided by 10. */
  milestones: number[];
  weightDecay: number;
  /** Largest random shift of a training image, in pixels (0: none). */
  shift: number;
}

// Initial learning rates, each the candidate with the lowest validation error in one run of seed 0
// (guide 004 lists the candidates). The best CNN takes LeNet-5's.
const SGD_LR: Record<ModelName, number> = {
  'linear-mse': 0.001,
  linear: 0.03,
  'nn-300': 0.05,
  'nn-300-100': 0.02,
  lenet5: 0.05,
  cnn: 0.05,
};

// Fixed before any run, not tuned. A quick run's convolutional rows need a few more epochs than
// its others: their learning rate is large for 5,000 digits.
const DEFAULT_EPOCHS = {
  full: { linear: 10, dense: 20, convolutional: 15 },
  quick: { linear: 3, dense: 4, convolutional: 6 },
} as const;

/** Each row's training recipe: its defaults, overridden by the command line. */
export function recipeFor(model: ModelName, options: MainOptions): Recipe {
  const linear = model === 'linear' || model === 'linear-mse';
  const convolutional = model === 'lenet5' || model === 'cnn';
  const kind = linear ? 'linear' : convolutional ? 'convolutional' : 'dense';
  const defaultEpochs = DEFAULT_EPOCHS[options.quick ? 'quick' : 'full'][kind];
  const epochs = options.epochs ?? defaultEpochs;
  return {
    epochs,
    lr: options.lr ?? (options.optimizer === 'adam' ? 0.001 : SGD_LR[model]),
    milestones: [...new Set([Math.round(epochs / 2), Math.round((3 * epochs) / 4)])].filter(
      (m) => m > 0 && m < epochs,
    ),
    weightDecay: WEIGHT_DECAY,
    shift: options.shift ?? (model === 'cnn' ? 2 : 0),
  };
}
