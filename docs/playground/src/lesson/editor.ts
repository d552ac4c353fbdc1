// The lesson's editable numbers: one text field per weight, bias, input and target, and the
// learning rate. Reading them back either gives new numbers or names the field that is wrong.
import { biasName, type LessonParams, type LessonSpec, nodeNumber, weightName } from './lessons.js';

/** One editable number: its label and where it lives in the params. */
interface Field {
  label: string;
  get(p: LessonParams): number;
  set(p: LessonParams, value: number): void;
}

function fieldsOf(spec: LessonSpec): Field[][] {
  const { sizes } = spec;
  const groups: Field[][] = [];
  const one = spec.sizes.at(-1) === 1;
  groups.push([
    ...Array.from({ length: sizes[0]! }, (_, i) => ({
      label: `n${i + 1}`,
      get: (p: LessonParams) => p.inputs[i]!,
      set: (p: LessonParams, v: number) => {
        p.inputs[i] = v;
      },
    })),
    ...Array.from({ length: sizes.at(-1)! }, (_, k) => ({
      label: one ? 'y' : `y${k + 1}`,
      get: (p: LessonParams) => p.targets[k]!,
      set: (p: LessonParams, v: number) => {
        p.targets[k] = v;
      },
    })),
    {
      label: spec.rateSymbol,
      get: (p: LessonParams) => p.learningRate,
      set: (p: LessonParams, v: number) => {
        p.learningRate = v;
      },
    },
  ]);
  for (let l = 1; l < sizes.length; l++) {
    for (let j = 0; j < sizes[l]!; j++) {
      const group: Field[] = Array.from({ length: sizes[l - 1]! }, (_, i) => ({
        label: weightName(sizes, l, j, i),
        get: (p: LessonParams) => p.weights[l - 1]![j]![i]!,
        set: (p: LessonParams, v: number) => {
          p.weights[l - 1]![j]![i] = v;
        },
      }));
      if (spec.hasBiases)
        group.push({
          label: biasName(sizes, l, j),
          get: (p) => p.biases[l - 1]![j]!,
          set: (p, v) => {
            p.biases[l - 1]![j] = v;
          },
        });
      groups.push(group);
    }
  }
  return groups;
}

const GROUP_TITLE = (spec: LessonSpec, g: number) =>
  g === 0 ? 'Inputs, target and learning rate' : `Into n${nodeNumber(spec.sizes, 1, 0) + g - 1}`;

/**
 * Parses what a person typed as a number: the true minus sign (−) and surrounding spaces are fine;
 * anything else that is not a finite number is null.
 *
 * @example
 * ```ts
 * parseNumber(' −2.2 '); // -2.2
 * parseNumber('abc'); // null
 * ```
 */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim().replaceAll('−', '-');
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** The lesson's editable fields in a container. */
export interface LessonEditor {
  /** Shows these numbers in the fields. */
  write(params: LessonParams): void;
  /** The numbers in the fields, or the first field that is not a valid number (marked invalid). */
  read(base: LessonParams): { ok: true; params: LessonParams } | { ok: false; error: string };
}

/**
 * Fills `container` with a field for every number of the lesson (grouped: inputs, target and rate,
 * then the weights into each node) and returns how to write and read them.
 *
 * @example
 * ```ts
 * const editor = buildEditor(container, LESSONS['002']);
 * editor.write(startParams(LESSONS['002']));
 * ```
 */
export function buildEditor(container: HTMLElement, spec: LessonSpec): LessonEditor {
  container.replaceChildren();
  const inputs: { field: Field; input: HTMLInputElement }[] = [];
  fieldsOf(spec).forEach((group, g) => {
    const set = document.createElement('fieldset');
    const legend = document.createElement('legend');
    legend.textContent = GROUP_TITLE(spec, g);
    set.append(legend);
    for (const field of group) {
      const label = document.createElement('label');
      const input = document.createElement('input');
      input.type = 'text';
      input.inputMode = 'decimal';
      input.spellcheck = false;
      input.name = `lesson-${field.label}`;
      input.dataset.field = field.label;
      label.append(field.label, input);
      set.append(label);
      inputs.push({ field, input });
    }
    container.append(set);
  });
  return {
    write(params) {
      for (const { field, input } of inputs) {
        input.value = String(field.get(params));
        input.removeAttribute('aria-invalid');
      }
    },
    read(base) {
      const params = structuredClone(base);
      for (const { input } of inputs) input.removeAttribute('aria-invalid');
      for (const { field, input } of inputs) {
        const value = parseNumber(input.value);
        const problem =
          value === null
            ? `${field.label}: "${input.value}" is not a number`
            : field.label === spec.rateSymbol && value < 0
              ? `${field.label}: the learning rate must be 0 or more, got ${value}`
              : null;
        if (problem || value === null) {
          input.setAttribute('aria-invalid', 'true');
          return { ok: false, error: problem ?? `${field.label} is not a number` };
        }
        field.set(params, value);
      }
      return { ok: true, params };
    },
  };
}
