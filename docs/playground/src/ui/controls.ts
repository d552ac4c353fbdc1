// The form: its select options come from the config's lists, and its fields read and write as a
// RawConfig (the form's `name` attributes are the config's keys).
import {
  ACTIVATIONS,
  type ActivationName,
  DATASETS,
  type DatasetName,
  DEVICES,
  type DeviceName,
  LOSSES,
  type LossName,
  OPTIMIZERS,
  type OptimizerName,
  type RawConfig,
} from '../config.js';

const DATASET_LABELS: Record<DatasetName, string> = {
  xor: 'XOR',
  hokies: 'Hokies placards',
  'hokies-conflicting': 'Hokies, conflicting pressure',
  quadrants: 'Quadrants',
  ring: 'Ring',
  'three-modes': 'Three modes',
  spirals: 'Spirals',
  'spirals-3': 'Spirals, three arms',
};
const ACTIVATION_LABELS: Record<ActivationName, string> = {
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'ReLU',
  leakyRelu: 'leaky ReLU (0.01)',
  elu: 'ELU',
};
const LOSS_LABELS: Record<LossName, string> = {
  'cross-entropy': 'cross-entropy',
  mse: 'squared error',
  hinge: 'hinge',
};
const OPTIMIZER_LABELS: Record<OptimizerName, string> = {
  sgd: 'SGD',
  momentum: 'SGD + momentum 0.9',
  adam: 'Adam',
};

const DEVICE_LABELS: Record<DeviceName, string> = {
  cpu: 'CPU',
  webgpu: 'GPU (WebGPU)',
};

const FIELDS: (keyof RawConfig)[] = [
  'dataset',
  'hidden',
  'activation',
  'loss',
  'optimizer',
  'lr',
  'batchSize',
  'weightDecay',
  'seed',
  'device',
];

function field(form: HTMLFormElement, name: keyof RawConfig): HTMLInputElement | HTMLSelectElement {
  const input = form.elements.namedItem(name);
  if (!(input instanceof HTMLInputElement || input instanceof HTMLSelectElement)) {
    throw new Error(`playground: the form has no field named "${name}"`);
  }
  return input;
}

function fill<T extends string>(
  select: HTMLInputElement | HTMLSelectElement,
  values: readonly T[],
  labels: Record<T, string>,
) {
  if (!(select instanceof HTMLSelectElement))
    throw new Error(`playground: field "${select.name}" is not a select`);
  select.replaceChildren(...values.map((v) => new Option(labels[v], v)));
}

/**
 * Fills the form's select boxes with every choice the config allows.
 *
 * @example
 * ```ts
 * setupControls(document.querySelector('form')!);
 * ```
 */
export function setupControls(form: HTMLFormElement): void {
  fill(field(form, 'dataset'), DATASETS, DATASET_LABELS);
  fill(field(form, 'activation'), ACTIVATIONS, ACTIVATION_LABELS);
  fill(field(form, 'loss'), LOSSES, LOSS_LABELS);
  fill(field(form, 'optimizer'), OPTIMIZERS, OPTIMIZER_LABELS);
  const device = field(form, 'device');
  fill(device, DEVICES, DEVICE_LABELS);
  // Offered only where the browser has WebGPU (Chrome and Edge 113+, Safari 26).
  const gpu = (navigator as { gpu?: unknown }).gpu !== undefined;
  for (const option of Array.from((device as HTMLSelectElement).options)) {
    if (option.value === 'webgpu') option.disabled = !gpu;
  }
}

/**
 * The form's current values, unchecked.
 *
 * @example
 * ```ts
 * const result = parseConfig(readControls(form));
 * ```
 */
export function readControls(form: HTMLFormElement): RawConfig {
  return Object.fromEntries(FIELDS.map((name) => [name, field(form, name).value])) as RawConfig;
}

/**
 * Sets every field of the form.
 *
 * @example
 * ```ts
 * writeControls(form, formatConfig(DEFAULT_CONFIG));
 * ```
 */
export function writeControls(form: HTMLFormElement, raw: RawConfig): void {
  for (const name of FIELDS) field(form, name).value = raw[name];
}
