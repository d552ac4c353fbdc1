// The form: its select options and feature checkboxes come from the config's lists, and its fields
// read and write as a RawConfig (the form's `name` attributes are the config's keys).
import {
  ACTIVATIONS,
  type ActivationName,
  CONFIG_FIELDS,
  DATASETS,
  type DatasetName,
  DEVICES,
  type DeviceName,
  FEATURE_LABELS,
  FEATURES,
  type FieldError,
  LOSSES,
  type LossName,
  OPTIMIZERS,
  type OptimizerName,
  type PlaygroundConfig,
  type RawConfig,
  REGULARIZATIONS,
  type RegularizationName,
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
  plane: 'Regression: plane',
  'multi-gaussian': 'Regression: multi-gaussian',
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
const REGULARIZATION_LABELS: Record<RegularizationName, string> = {
  none: 'none',
  l1: 'L1',
  l2: 'L2 (weight decay)',
};
const DEVICE_LABELS: Record<DeviceName, string> = {
  cpu: 'CPU',
  webgpu: 'GPU (WebGPU)',
};

type Field = HTMLInputElement | HTMLSelectElement;

function field(form: HTMLFormElement, name: Exclude<keyof RawConfig, 'features'>): Field {
  const input = form.elements.namedItem(name);
  if (!(input instanceof HTMLInputElement || input instanceof HTMLSelectElement)) {
    throw new Error(`playground: the form has no field named "${name}"`);
  }
  return input;
}

/**
 * The form's feature checkboxes, in FEATURES order.
 *
 * @example
 * ```ts
 * featureBoxes(form).filter((box) => box.checked).length;
 * ```
 */
export function featureBoxes(form: HTMLFormElement): HTMLInputElement[] {
  return Array.from(form.querySelectorAll<HTMLInputElement>('input[type=checkbox][name=features]'));
}

/**
 * The form elements of a config field: one element, or every feature checkbox.
 *
 * @example
 * ```ts
 * controlsOf(form, 'lr')[0]!.focus();
 * ```
 */
export function controlsOf(form: HTMLFormElement, name: keyof PlaygroundConfig): Field[] {
  return name === 'features' ? featureBoxes(form) : [field(form, name)];
}

function fill<T extends string>(select: Field, values: readonly T[], labels: Record<T, string>) {
  if (!(select instanceof HTMLSelectElement))
    throw new Error(`playground: field "${select.name}" is not a select`);
  select.replaceChildren(...values.map((v) => new Option(labels[v], v)));
}

// One checkbox per feature inside #features; the labels read as TF Playground writes them.
function fillFeatures(form: HTMLFormElement): void {
  const box = form.querySelector('#features');
  if (!box) throw new Error('playground: the form has no #features group');
  box.replaceChildren(
    ...FEATURES.map((f) => {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'checkbox';
      input.name = 'features';
      input.value = f;
      label.append(input, ` ${FEATURE_LABELS[f]}`);
      return label;
    }),
  );
}

/**
 * Fills the form's select boxes and feature checkboxes with every choice the config allows.
 *
 * @example
 * ```ts
 * setupControls(document.querySelector('form')!);
 * ```
 */
export function setupControls(form: HTMLFormElement): void {
  fill(field(form, 'dataset'), DATASETS, DATASET_LABELS);
  fillFeatures(form);
  fill(field(form, 'activation'), ACTIVATIONS, ACTIVATION_LABELS);
  fill(field(form, 'loss'), LOSSES, LOSS_LABELS);
  fill(field(form, 'optimizer'), OPTIMIZERS, OPTIMIZER_LABELS);
  fill(field(form, 'regularization'), REGULARIZATIONS, REGULARIZATION_LABELS);
  const device = field(form, 'device');
  fill(device, DEVICES, DEVICE_LABELS);
  // Offered only where the browser has WebGPU (Chrome and Edge 113+, Safari 26).
  for (const option of Array.from((device as HTMLSelectElement).options)) {
    if (option.value === 'webgpu') option.disabled = !hasWebGPU();
  }
}

/**
 * Whether this browser offers WebGPU (`navigator.gpu`).
 *
 * @example
 * ```ts
 * if (!hasWebGPU()) console.log('CPU only');
 * ```
 */
export function hasWebGPU(): boolean {
  return (navigator as { gpu?: unknown }).gpu !== undefined;
}

/**
 * The form's current values, unchecked (features: the checked ids joined by commas).
 *
 * @example
 * ```ts
 * const result = parseConfig(readControls(form));
 * ```
 */
export function readControls(form: HTMLFormElement): RawConfig {
  return Object.fromEntries(
    CONFIG_FIELDS.map((name) => [
      name,
      name === 'features'
        ? featureBoxes(form)
            .filter((box) => box.checked)
            .map((box) => box.value)
            .join(',')
        : field(form, name).value,
    ]),
  ) as RawConfig;
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
  for (const name of CONFIG_FIELDS) {
    if (name === 'features') {
      const ids = raw.features.split(/[\s,]+/);
      for (const box of featureBoxes(form)) box.checked = ids.includes(box.value);
    } else field(form, name).value = raw[name];
  }
}

/**
 * Marks the fields that do not parse (`aria-invalid`, and `aria-describedby` pointing at the
 * element with id `errorId`, where their message is) and clears the mark from the others.
 *
 * @example
 * ```ts
 * markInvalid(form, result.ok ? [] : result.errors, 'error');
 * ```
 */
export function markInvalid(form: HTMLFormElement, errors: FieldError[], errorId: string): void {
  const bad = new Set(errors.map((e) => e.field));
  for (const name of CONFIG_FIELDS) {
    for (const control of controlsOf(form, name)) {
      if (bad.has(name)) {
        control.setAttribute('aria-invalid', 'true');
        control.setAttribute('aria-describedby', errorId);
      } else {
        control.removeAttribute('aria-invalid');
        if (control.getAttribute('aria-describedby') === errorId) control.removeAttribute('aria-describedby');
      }
    }
  }
}
