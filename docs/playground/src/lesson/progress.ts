// The order a class steps through one iteration, and what each position has revealed so far.

/** One press of a step button. Layers count from 1 (the first layer after the inputs). */
export type LessonStep =
  | { kind: 'forward'; layer: number; index: number }
  | { kind: 'error' }
  | { kind: 'backward'; layer: number; index: number }
  | { kind: 'update' };

/**
 * Every step of one iteration of a network with these layer sizes: each node forward (layer by
 * layer, top to bottom), the error, each node backward (output layer first, then back a layer at a
 * time, top to bottom within a layer), and the update.
 *
 * @example
 * ```ts
 * lessonSteps([2, 3, 1]).length; // 4 forward + error + 4 backward + update = 10
 * ```
 */
export function lessonSteps(sizes: readonly number[]): LessonStep[] {
  const forward: LessonStep[] = [];
  const backward: LessonStep[] = [];
  for (let layer = 1; layer < sizes.length; layer++) {
    for (let index = 0; index < sizes[layer]!; index++) forward.push({ kind: 'forward', layer, index });
  }
  for (let layer = sizes.length - 1; layer >= 1; layer--) {
    for (let index = 0; index < sizes[layer]!; index++) backward.push({ kind: 'backward', layer, index });
  }
  return [...forward, { kind: 'error' }, ...backward, { kind: 'update' }];
}

/** What the steps up to and including `cursor` have shown. */
export interface Revealed {
  /** "layer:index" of every node whose value is shown. */
  values: Set<string>;
  error: boolean;
  /** "layer:index" of every node whose gradients (and its incoming weights' and bias') are shown. */
  gradients: Set<string>;
  updated: boolean;
  /** The step at the cursor, or null before the first. */
  current: LessonStep | null;
}

/** The key of a node in `Revealed`'s sets. */
export const nodeKey = (layer: number, index: number) => `${layer}:${index}`;

/**
 * What is shown after the steps `0..cursor` (cursor −1: nothing yet).
 *
 * @example
 * ```ts
 * revealed(lessonSteps([2, 3, 1]), 0).values; // Set { '1:0' }: n3
 * ```
 */
export function revealed(steps: readonly LessonStep[], cursor: number): Revealed {
  const shown: Revealed = {
    values: new Set(),
    error: false,
    gradients: new Set(),
    updated: false,
    current: steps[cursor] ?? null,
  };
  for (const step of steps.slice(0, cursor + 1)) {
    if (step.kind === 'forward') shown.values.add(nodeKey(step.layer, step.index));
    else if (step.kind === 'backward') shown.gradients.add(nodeKey(step.layer, step.index));
    else if (step.kind === 'error') shown.error = true;
    else shown.updated = true;
  }
  return shown;
}

/** Which button moves on from `cursor`: the kind of the next step, or null at the end. */
export function nextKind(
  steps: readonly LessonStep[],
  cursor: number,
): 'forward' | 'backward' | 'update' | null {
  const next = steps[cursor + 1];
  if (!next) return null;
  return next.kind === 'error' ? 'forward' : next.kind;
}
