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
  'plane',
  'multi-gaussian',
] as const;
/** The data sets with a real-valued target (TF Playground's regression sets); the rest are classification. */
export const REGRESSION_DATASETS = ['plane', 'multi-gaussian'] as const;
/** The lecture tables: their own validation set, their own inputs (no noise, no ratio, no features). */
export const TABLE_DATASETS = ['xor', 'hokies', 'hokies-conflicting'] as const;
/** The network's possible inputs, computed from (x1, x2) in the worker, as TF Playground offers them. */
export const FEATURES = ['x1', 'x2', 'x1sq', 'x2sq', 'x1x2', 'sinx1', 'sinx2'] as const;
/** Each feature's name as the graph view labels its input node (and the form's checkbox reads). */
export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: 'x1',
  x2: 'x2',
  x1sq: 'x1²',
  x2sq: 'x2²',
  x1x2: 'x1·x2',
  sinx1: 'sin x1',
  sinx2: 'sin x2',
};

/** Hidden-layer activations, by the names @backprop/core gives the ops. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'elu'] as const;
/** Losses; each has a binary (one output) and a multi-class (one output per class) form. */
export const LOSSES = ['cross-entropy', 'mse', 'hinge'] as const;
/** Optimizers: plain SGD, SGD with momentum 0.9, Adam. */
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
/** Penalties on the parameters: none, L1 (rate · Σ|w|) or L2 (weight decay, rate · w added to the gradient). */
export const REGULARIZATIONS = ['none', 'l1', 'l2'] as const;
/** Where the network trains: the CPU, or the GPU through WebGPU where the browser has it. */
export const DEVICES = ['cpu', 'webgpu'] as const;
/** The learning rates TF Playground offers; the page's − and + buttons move through them. */
export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10] as const;

export type DatasetName = (typeof DATASETS)[number];
export type FeatureName = (typeof FEATURES)[number];
export type ActivationName = (typeof ACTIVATIONS)[number];
export type LossName = (typeof LOSSES)[number];
export type OptimizerName = (typeof OPTIMIZERS)[number];
export type RegularizationName = (typeof REGULARIZATIONS)[number];
export type DeviceName = (typeof DEVICES)[number];
/** What a data set asks of the network: classes, or a real value. */
export type Task = 'classification' | 'regression';

/**
 * Everything that defines one training run. Changing any field but `lr` starts a new run; the
 * learning rate changes in place (see `LIVE_FIELDS`).
 *
 * @example
 * ```ts
 * const config: PlaygroundConfig = { ...DEFAULT_CONFIG, dataset: 'ring', hidden: [8, 8] };
 * ```
 */
export interface PlaygroundConfig {
  dataset: DatasetName;
  /** The network's inputs, computed from (x1, x2); ignored by the three-input Hokies tables. */
  features: FeatureName[];
  /** Noise of the 2-D shapes, 0..50 (percent of each shape's scale); the tables have none. */
  noise: number;
  /** Percent of the 2-D shapes' points used for training, 10..90; the rest validate. */
  trainRatio: number;
  /** Widths of the hidden layers, input side first; empty is a linear model. */
  hidden: number[];
  activation: ActivationName;
  /** The classification loss; regression sets always use the squared error of a linear output. */
  loss: LossName;
  optimizer: OptimizerName;
  lr: number;
  /** Examples per step: 1 is online descent; the training-set size (or more) is full batch. */
  batchSize: number;
  regularization: RegularizationName;
  /** The penalty's rate: L1's λ in λ Σ|w|, or L2's weight decay. */
  regularizationRate: number;
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
  features: ['x1', 'x2'],
  noise: 0,
  trainRatio: 70,
  hidden: [4],
  activation: 'tanh',
  loss: 'cross-entropy',
  optimizer: 'adam',
  lr: 0.03,
  batchSize: 16,
  regularization: 'none',
  regularizationRate: 0,
  seed: 0,
  device: 'cpu',
};

/** Limits that keep a run small enough to redraw every frame. */
export const MAX_HIDDEN_LAYERS = 6;
export const MAX_WIDTH = 32;
export const MAX_NOISE = 50;
export const MIN_TRAIN_RATIO = 10;
export const MAX_TRAIN_RATIO = 90;

/** Settings that change the running network in place instead of starting a new run. */
export const LIVE_FIELDS: readonly (keyof PlaygroundConfig)[] = ['lr'];

/** The form's fields as strings, keyed as `PlaygroundConfig` (features: ids joined by commas). */
export type RawConfig = Record<keyof PlaygroundConfig, string>;

/** The name of each field as the form labels it; every error message starts with it. */
export const FIELD_LABELS: Record<keyof PlaygroundConfig, string> = {
  dataset: 'Data set',
  features: 'Input features',
  noise: 'Noise',
  trainRatio: 'Training data',
  hidden: 'Hidden layers',
  activation: 'Activation',
  loss: 'Loss',
  optimizer: 'Optimizer',
  lr: 'Learning rate',
  batchSize: 'Batch size',
  regularization: 'Regularization',
  regularizationRate: 'Regularization rate',
  seed: 'Seed',
  device: 'Device',
};

/** One field that does not parse, with a message naming the field and the value. */
export interface FieldError {
  field: keyof PlaygroundConfig;
  message: string;
}

/** A checked config, or every problem found (`error` is the first one's message). */
export type ParseResult =
  | { ok: true; config: PlaygroundConfig }
  | { ok: false; error: string; errors: FieldError[] };

/**
 * Whether `name` is one of TF Playground's regression sets (a real-valued target).
 *
 * @example
 * ```ts
 * isRegression('plane'); // true
 * ```
 */
export function isRegression(name: DatasetName): boolean {
  return (REGRESSION_DATASETS as readonly string[]).includes(name);
}

/**
 * Whether `name` is a lecture table (fixed points: no noise, no train/validation split).
 *
 * @example
 * ```ts
 * isTable('hokies'); // true
 * ```
 */
export function isTable(name: DatasetName): boolean {
  return (TABLE_DATASETS as readonly string[]).includes(name);
}

function oneOf<T extends string>(label: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`${label}: expected one of ${allowed.join(', ')}, got "${value}"`);
}

function number(label: string, value: string, check: (n: number) => boolean, rule: string): number {
  if (value.trim() === '') throw new Error(`${label}: is empty, enter a number (${rule})`);
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`${label}: "${value}" is not a number`);
  if (!check(n)) throw new Error(`${label}: must be ${rule}, got "${value}"`);
  return n;
}

const integerIn = (lo: number, hi: number) => (n: number) => Number.isInteger(n) && n >= lo && n <= hi;

/**
 * Reads "4, 4" (or "4 4") as hidden widths [4, 4]; an empty string is no hidden layer.
 *
 * @example
 * ```ts
 * parseHidden('8, 4'); // [8, 4]
 * ```
 */
export function parseHidden(value: string): number[] {
  const label = FIELD_LABELS.hidden;
  const parts = value.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length > MAX_HIDDEN_LAYERS) {
    throw new Error(`${label}: at most ${MAX_HIDDEN_LAYERS} layers, got ${parts.length} in "${value}"`);
  }
  return parts.map((p) => number(label, p, integerIn(1, MAX_WIDTH), `a width in 1..${MAX_WIDTH}`));
}

/**
 * Reads feature ids separated by commas (or spaces) into FEATURES order; at least one is needed.
 *
 * @example
 * ```ts
 * parseFeatures('x2, x1sq'); // ['x2', 'x1sq']
 * ```
 */
export function parseFeatures(value: string): FeatureName[] {
  const label = FIELD_LABELS.features;
  const ids = value.split(/[\s,]+/).filter((p) => p !== '');
  for (const id of ids) oneOf(label, id, FEATURES);
  if (ids.length === 0) throw new Error(`${label}: pick at least one`);
  return FEATURES.filter((f) => ids.includes(f));
}

const PARSERS: { [K in keyof PlaygroundConfig]: (value: string) => PlaygroundConfig[K] } = {
  dataset: (v) => oneOf(FIELD_LABELS.dataset, v, DATASETS),
  features: parseFeatures,
  noise: (v) => number(FIELD_LABELS.noise, v, (n) => n >= 0 && n <= MAX_NOISE, `in [0, ${MAX_NOISE}] (%)`),
  trainRatio: (v) =>
    number(
      FIELD_LABELS.trainRatio,
      v,
      (n) => n >= MIN_TRAIN_RATIO && n <= MAX_TRAIN_RATIO,
      `in [${MIN_TRAIN_RATIO}, ${MAX_TRAIN_RATIO}] (%)`,
    ),
  hidden: parseHidden,
  activation: (v) => oneOf(FIELD_LABELS.activation, v, ACTIVATIONS),
  loss: (v) => oneOf(FIELD_LABELS.loss, v, LOSSES),
  optimizer: (v) => oneOf(FIELD_LABELS.optimizer, v, OPTIMIZERS),
  lr: (v) => number(FIELD_LABELS.lr, v, (n) => n > 0 && n <= 100, 'in (0, 100]'),
  batchSize: (v) =>
    number(FIELD_LABELS.batchSize, v, (n) => Number.isInteger(n) && n >= 1, 'an integer >= 1'),
  regularization: (v) => oneOf(FIELD_LABELS.regularization, v, REGULARIZATIONS),
  regularizationRate: (v) =>
    number(FIELD_LABELS.regularizationRate, v, (n) => n >= 0 && n <= 10, 'in [0, 10]'),
  seed: (v) => number(FIELD_LABELS.seed, v, integerIn(0, 2 ** 32 - 1), 'an integer in [0, 2^32)'),
  device: (v) => oneOf(FIELD_LABELS.device, v, DEVICES),
};

/** The config's keys in the form's order. */
export const CONFIG_FIELDS = Object.keys(PARSERS) as (keyof PlaygroundConfig)[];

/**
 * Checks the form's strings field by field; never throws. Every field that does not parse is
 * listed, each message naming the field (as labelled) and the value.
 *
 * @example
 * ```ts
 * const result = parseConfig({ ...formatConfig(DEFAULT_CONFIG), lr: '0.1' });
 * if (result.ok) result.config.lr; // 0.1
 * ```
 */
export function parseConfig(raw: RawConfig): ParseResult {
  const errors: FieldError[] = [];
  const config: Partial<Record<keyof PlaygroundConfig, unknown>> = {};
  for (const field of CONFIG_FIELDS) {
    try {
      config[field] = PARSERS[field](raw[field]);
    } catch (e) {
      errors.push({ field, message: (e as Error).message });
    }
  }
  if (errors.length > 0) return { ok: false, error: errors[0]!.message, errors };
  return { ok: true, config: config as PlaygroundConfig };
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
    features: config.features.join(','),
    noise: String(config.noise),
    trainRatio: String(config.trainRatio),
    hidden: config.hidden.join(', '),
    activation: config.activation,
    loss: config.loss,
    optimizer: config.optimizer,
    lr: String(config.lr),
    batchSize: String(config.batchSize),
    regularization: config.regularization,
    regularizationRate: String(config.regularizationRate),
    seed: String(config.seed),
    device: config.device,
  };
}

/**
 * Whether going from run `current` to config `next` needs a new run: true when anything but the
 * live settings (the learning rate) differs.
 *
 * @example
 * ```ts
 * needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, lr: 1 }); // false
 * needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, seed: 1 }); // true
 * ```
 */
export function needsNewRun(current: PlaygroundConfig, next: PlaygroundConfig): boolean {
  const [a, b] = [formatConfig(current), formatConfig(next)];
  return CONFIG_FIELDS.some((field) => !LIVE_FIELDS.includes(field) && a[field] !== b[field]);
}

/**
 * The next learning rate up (`direction` 1) or down (-1) in `LEARNING_RATES` from `lr`; a rate
 * between two of the list goes to the neighbour in that direction, and the ends stay put. A rate
 * that is not a number goes to the default.
 *
 * @example
 * ```ts
 * stepLearningRate(0.03, 1); // 0.1
 * stepLearningRate(0.05, -1); // 0.03
 * ```
 */
export function stepLearningRate(lr: number, direction: 1 | -1): number {
  if (!Number.isFinite(lr)) return DEFAULT_CONFIG.lr;
  const rates: readonly number[] = LEARNING_RATES;
  if (direction > 0) return rates.find((r) => r > lr * (1 + 1e-9)) ?? Math.max(lr, rates.at(-1)!);
  const below = rates.filter((r) => r < lr * (1 - 1e-9));
  return below.at(-1) ?? Math.min(lr, rates[0]!);
}
