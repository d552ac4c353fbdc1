// What the learner picks in the form, and the one place its raw strings become checked values.
// Pure code shared by the page (reads the form) and the worker (builds the session).

/** Data sets offered by the page, by id (see datasets.ts for what each one is). */
export const DATASETS = [
  'xor',
  'hokies',
  'hokies-conflicting',
  'quadrants',
  'ring',
  'three-modes',
  'spirals',
  'spirals-3',
] as const;
/** Hidden-layer activations, by the names @backprop/core gives the ops. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu'] as const;
/** Losses; each has a binary (one output) and a multi-class (one output per class) form. */
export const LOSSES = ['cross-entropy', 'mse', 'hinge'] as const;
/** Optimizers: plain SGD, SGD with momentum 0.9, Adam. */
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
/** Where the network trains: the CPU, or the GPU through WebGPU where the browser has it. */
export const DEVICES = ['cpu', 'webgpu'] as const;

export type DatasetName = (typeof DATASETS)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type LossName = (typeof LOSSES)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type DeviceName = (typeof DEVICES)[number];

/**
 * Everything that defines one training run. Changing any field starts a new run.
 *
 * @example
 * ```ts
 * const config: PlaygroundConfig = { ...DEFAULT_CONFIG, dataset: 'ring', hidden: [8, 8] };
 * ```
 */
export interface PlaygroundConfig {
  dataset: DatasetName;
  /** Widths of the hidden layers, input side first; empty is a linear model. */
  hidden: number[];
  activation: ActivationName;
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  /** Examples per step: 1 is online descent; the training-set size (or more) is full batch. */
  batchSize: number;
  weightDecay: number;
  /** Seeds the initial weights and the shuffling; the data sets themselves are fixed. */
  seed: number;
  /** Where the network trains (the pictures are always drawn from a copy on the CPU). */
  device: DeviceName;
}

/**
 * The run the page opens with: the lecture's XOR on a 2-4-1 tanh network.
 *
 * @example
 * ```ts
 * DEFAULT_CONFIG.dataset; // 'xor'
 * ```
 */
export const DEFAULT_CONFIG: PlaygroundConfig = {
  dataset: 'xor',
  hidden: [4],
  activation: 'tanh',
  loss: 'cross-entropy',
  optimizer: 'adam',
  lr: 0.03,
  batchSize: 16,
  weightDecay: 0,
  seed: 0,
  device: 'cpu',
};

/** Limits that keep a run small enough to redraw every frame. */
export const MAX_HIDDEN_LAYERS = 6;
export const MAX_WIDTH = 32;

/** The form's fields as strings, keyed as `PlaygroundConfig`. */
export type RawConfig = Record<keyof PlaygroundConfig, string>;

/** A checked config, or the first problem found, naming the field and the value. */
export type ParseResult = { ok: true; config: PlaygroundConfig } | { ok: false; error: string };

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${field}: expected one of ${allowed.join(', ')}, got "${value}"`);
}

function number(field: string, value: string, check: (n: number) => boolean, rule: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`${field}: must be ${rule}, got "${value}"`);
  return n;
}

/**
 * Reads "4, 4" (or "4 4") as hidden widths [4, 4]; an empty string is no hidden layer.
 *
 * @example
 * ```ts
 * parseHidden('8, 4'); // [8, 4]
 * ```
 */
export function parseHidden(value: string): number[] {
  const parts = value.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length > MAX_HIDDEN_LAYERS) {
    throw new Error(`hidden layers: at most ${MAX_HIDDEN_LAYERS} layers, got ${parts.length} in "${value}"`);
  }
  return parts.map((p) =>
    number('hidden layers', p, (n) => Number.isInteger(n) && n >= 1 && n <= MAX_WIDTH, `1..${MAX_WIDTH}`),
  );
}

/**
 * Checks the form's strings; never throws.
 *
 * @example
 * ```ts
 * const result = parseConfig({ ...formatConfig(DEFAULT_CONFIG), lr: '0.1' });
 * if (result.ok) result.config.lr; // 0.1
 * ```
 */
export function parseConfig(raw: RawConfig): ParseResult {
  try {
    const config: PlaygroundConfig = {
      dataset: oneOf('dataset', raw.dataset, DATASETS),
      hidden: parseHidden(raw.hidden),
      activation: oneOf('activation', raw.activation, ACTIVATIONS),
      loss: oneOf('loss', raw.loss, LOSSES),
      optimizer: oneOf('optimizer', raw.optimizer, OPTIMIZERS),
      lr: number('learning rate', raw.lr, (n) => n > 0 && n <= 100, 'in (0, 100]'),
      batchSize: number('batch size', raw.batchSize, (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1'),
      weightDecay: number('weight decay', raw.weightDecay, (n) => n >= 0 && n <= 10, 'in [0, 10]'),
      seed: number('seed', raw.seed, (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 32, 'an integer >= 0'),
      device: oneOf('device', raw.device, DEVICES),
    };
    return { ok: true, config };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * The inverse of `parseConfig`: a config as the form's strings.
 *
 * @example
 * ```ts
 * formatConfig(DEFAULT_CONFIG).hidden; // '4'
 * ```
 */
export function formatConfig(config: PlaygroundConfig): RawConfig {
  return {
    dataset: config.dataset,
    hidden: config.hidden.join(', '),
    activation: config.activation,
    loss: config.loss,
    optimizer: config.optimizer,
    lr: String(config.lr),
    batchSize: String(config.batchSize),
    weightDecay: String(config.weightDecay),
    seed: String(config.seed),
    device: config.device,
  };
}
