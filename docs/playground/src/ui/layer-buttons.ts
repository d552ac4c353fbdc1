// The + and − buttons under the hidden-layers field: one pair for the number of layers, one pair
// per layer for its neurons. They edit the field's widths; the field stays the source of truth.
import { canEdit, editHidden, type HiddenEdit } from '../hidden-edit.js';

const keyOf = (edit: HiddenEdit) =>
  edit.kind === 'resize' ? `resize:${edit.layer}:${edit.delta}` : edit.kind;

/** A row's label and its − and + edits with their accessible names. */
interface Row {
  text: string;
  minus: [HiddenEdit, string];
  plus: [HiddenEdit, string];
}

function rowsOf(hidden: number[] | null): Row[] {
  const widths = hidden ?? [];
  const count = widths.length === 1 ? '1 hidden layer' : `${widths.length} hidden layers`;
  return [
    {
      text: hidden === null ? 'Layers' : count,
      minus: [{ kind: 'remove-layer' }, 'Remove the last hidden layer'],
      plus: [{ kind: 'add-layer' }, 'Add a hidden layer'],
    },
    ...widths.map(
      (width, layer): Row => ({
        text: `Layer ${layer + 1}: ${width} ${width === 1 ? 'neuron' : 'neurons'}`,
        minus: [{ kind: 'resize', layer, delta: -1 }, `Fewer neurons in layer ${layer + 1}`],
        plus: [{ kind: 'resize', layer, delta: 1 }, `More neurons in layer ${layer + 1}`],
      }),
    ),
  ];
}

/**
 * Draws the buttons for `hidden` (null while the field does not parse: every button disabled);
 * a click calls `onEdit` with the edited widths. The button that had the focus keeps it.
 *
 * @example
 * ```ts
 * renderLayerButtons(container, [4], (next) => setHiddenField(next));
 * ```
 */
export function renderLayerButtons(
  container: HTMLElement,
  hidden: number[] | null,
  onEdit: (next: number[]) => void,
): void {
  const active = document.activeElement;
  const focused =
    active instanceof HTMLElement && container.contains(active) ? active.dataset.edit : undefined;
  let refocus: HTMLButtonElement | null = null;
  const button = (text: string, [edit, label]: [HiddenEdit, string]) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = text;
    b.setAttribute('aria-label', label);
    b.title = label;
    b.dataset.edit = keyOf(edit);
    b.disabled = hidden === null || !canEdit(hidden, edit);
    if (hidden !== null) b.addEventListener('click', () => onEdit(editHidden(hidden, edit)));
    if (b.dataset.edit === focused && !b.disabled) refocus = b;
    return b;
  };
  // The fieldset's legend (its name for screen readers) stays; the rows are rebuilt.
  const legend = container.querySelector('legend');
  container.replaceChildren(
    ...(legend ? [legend] : []),
    ...rowsOf(hidden).map((r) => {
      const div = document.createElement('div');
      div.className = 'layer-row';
      const span = document.createElement('span');
      span.textContent = r.text;
      div.append(span, button('−', r.minus), button('+', r.plus));
      return div;
    }),
  );
  (refocus as HTMLButtonElement | null)?.focus();
}
