// The + and − buttons' edits of the hidden layers: add or remove a layer, widen or narrow one.
// Pure, so the tests check the limits without a page.
import { MAX_HIDDEN_LAYERS, MAX_WIDTH } from './config.js';

/** One button's edit: a layer more or less at the output side, or one neuron more or less in `layer`. */
export type HiddenEdit =
  | { kind: 'add-layer' }
  | { kind: 'remove-layer' }
  | { kind: 'resize'; layer: number; delta: 1 | -1 };

/** Width of a layer added to a linear model (a layer added after others copies the last one). */
export const NEW_LAYER_WIDTH = 4;

/**
 * The hidden widths after `edit`, kept within the limits (at most MAX_HIDDEN_LAYERS layers of
 * 1..MAX_WIDTH neurons); an edit past a limit returns the widths unchanged.
 *
 * @example
 * ```ts
 * editHidden([4], { kind: 'add-layer' }); // [4, 4]
 * editHidden([4, 2], { kind: 'resize', layer: 1, delta: -1 }); // [4, 1]
 * ```
 */
export function editHidden(hidden: readonly number[], edit: HiddenEdit): number[] {
  const next = [...hidden];
  if (edit.kind === 'add-layer') {
    if (next.length < MAX_HIDDEN_LAYERS) next.push(next.at(-1) ?? NEW_LAYER_WIDTH);
  } else if (edit.kind === 'remove-layer') {
    next.pop();
  } else {
    const width = next[edit.layer];
    if (width !== undefined) next[edit.layer] = Math.min(MAX_WIDTH, Math.max(1, width + edit.delta));
  }
  return next;
}

/**
 * Whether `edit` changes anything (a button whose edit does not is disabled).
 *
 * @example
 * ```ts
 * canEdit([], { kind: 'remove-layer' }); // false
 * ```
 */
export function canEdit(hidden: readonly number[], edit: HiddenEdit): boolean {
  const next = editHidden(hidden, edit);
  return next.length !== hidden.length || next.some((w, i) => w !== hidden[i]);
}
