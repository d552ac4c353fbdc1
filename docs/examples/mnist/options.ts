import { DEFAULT_MODELS, MODEL_NAMES, type ModelName } from './models.js';

/** Settings of one run of the main job. */
export interface MainOptions {
  models: ModelName[];
  /** Epochs per model; undefined means each model's default. */
  epochs: number | undefined;
  batchSize: number;
  /** Adam learning rate; undefined means each model's default. */
  lr: number | undefined;
  seed: number;
  /** Which digits: MNIST (default) or Fashion-MNIST. */
  dataset: 'mnist' | 'fashion-mnist';
  quick: boolean;
  /** Random shift of training images by up to this many pixels (0: none); undefined means each model's default. */
  shift: number | undefined;
  out: string;
}

export const USAGE = `MNIST with backprop: lesson 004's error table, reproduced and extended.

Usage: pnpm start [options]          (or: npx tsx docs/examples/mnist/main.ts [options])

  --model <name>      linear, mlp, cnn (the default three), nn-300, nn-300-100, lenet5 (sized as
                      rows of the 1998 paper) or all; repeat or comma-separate for several
  --epochs <n>        epochs per model (default: linear 5, the others 12; --quick: 3 and 5)
  --batch-size <n>    mini-batch size (default 64)
  --lr <x>            Adam learning rate (default: linear 0.005, cnn and lenet5 0.003, the others 0.002)
  --seed <n>          seed for init, the validation split and shuffling (default 0)
  --dataset <name>    mnist (default) or fashion-mnist (Debian's dataset-fashion-mnist)
  --shift <n>         shift training images randomly by up to n pixels (default: mlp 1, cnn 2, the
                      others 0; 0 turns it off)
  --quick             a small run for CI (under a minute: 5,000 training, 1,000 validation and
                      2,000 test images) that still checks the ordering
  --out <dir>         where curves and the confusion matrix go (default out/)
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

function modelList(text: string): ModelName[] {
  if (text === 'all') return [...MODEL_NAMES];
  return text.split(',').map((name) => {
    if (!(MODEL_NAMES as readonly string[]).includes(name)) {
      throw new Error(`--model must be one of ${MODEL_NAMES.join(', ')} or all, got '${name}'`);
    }
    return name as ModelName;
  });
}

function datasetName(text: string): MainOptions['dataset'] {
  if (text !== 'mnist' && text !== 'fashion-mnist') {
    throw new Error(`--dataset must be mnist or fashion-mnist, got '${text}'`);
  }
  return text;
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
    seed: 0,
    dataset: 'mnist',
    quick,
    shift: undefined,
    out: 'out',
  };
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    if (flag === '--quick') continue;
    const v = value(args, i, flag);
    i++;
    if (flag === '--model') o.models.push(...modelList(v));
    else if (flag === '--epochs') o.epochs = positiveNumber(flag, v, true);
    else if (flag === '--batch-size') o.batchSize = positiveNumber(flag, v, true);
    else if (flag === '--lr') o.lr = positiveNumber(flag, v, false);
    else if (flag === '--seed') o.seed = Number(v);
    else if (flag === '--dataset') o.dataset = datasetName(v);
    else if (flag === '--out') o.out = v;
    else if (flag === '--shift') o.shift = v === '0' ? 0 : positiveNumber(flag, v, true);
    else throw new Error(`unknown option '${flag}' (see --help)`);
  }
  if (o.models.length === 0) o.models = [...DEFAULT_MODELS];
  return o;
}

/** Each model's default epochs in a full and in a quick run. */
export function epochsFor(model: ModelName, options: MainOptions): number {
  if (options.epochs !== undefined) return options.epochs;
  if (options.quick) return { linear: 3, mlp: 5, cnn: 5, 'nn-300': 5, 'nn-300-100': 5, lenet5: 5 }[model];
  return { linear: 5, mlp: 12, cnn: 12, 'nn-300': 12, 'nn-300-100': 12, lenet5: 12 }[model];
}

/** Each model's default Adam learning rate, unless --lr was given. */
export function lrFor(model: ModelName, options: MainOptions): number {
  return (
    options.lr ??
    { linear: 0.005, mlp: 0.002, cnn: 0.003, 'nn-300': 0.002, 'nn-300-100': 0.002, lenet5: 0.003 }[model]
  );
}

/** Each model's default augmentation: the CNN profits from larger shifts than the MLP. */
export function shiftFor(model: ModelName, options: MainOptions): number {
  // The paper's rows train without augmentation.
  return options.shift ?? { linear: 0, mlp: 1, cnn: 2, 'nn-300': 0, 'nn-300-100': 0, lenet5: 0 }[model];
}
