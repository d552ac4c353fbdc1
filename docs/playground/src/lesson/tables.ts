// The drawing's numbers as two tables, nodes and weights, filled in as the steps reveal them: the
// same numbers in text, for reading aloud, for small screens and for tests.
import type { LessonPicture } from './drawing.js';
import { formatNumber } from './format.js';
import { biasName, nodeNumber, weightName } from './lessons.js';
import { nodeKey } from './progress.js';

const NOT_YET = '?';

function table(container: HTMLElement, caption: string, head: string[], rows: string[][]): HTMLTableElement {
  const t = document.createElement('table');
  t.createCaption().textContent = caption;
  const headRow = t.createTHead().insertRow();
  for (const h of head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = h;
    headRow.append(th);
  }
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    row.forEach((cell, c) => {
      const td = c === 0 ? document.createElement('th') : document.createElement('td');
      if (c === 0) (td as HTMLTableCellElement).scope = 'row';
      td.textContent = cell;
      tr.append(td);
    });
  }
  container.append(t);
  return t;
}

/**
 * Writes the node and weight tables of a lesson picture into `container`, replacing what was there.
 * Each body row starts with the name (n3, W36, b7) in a row header.
 *
 * @example
 * ```ts
 * fillTables(container, { spec, trace, shown });
 * container.querySelector('#lesson-weights tr[data-name="W36"] td:nth-of-type(2)'); // ∂E/∂W36
 * ```
 */
export function fillTables(container: HTMLElement, pic: LessonPicture): void {
  const { spec, trace, shown } = pic;
  const { sizes, style } = spec;
  const sigmoid = spec.activation === 'sigmoid';
  const show = (known: boolean, value: number, s = style.detail) =>
    known ? formatNumber(value, s) : NOT_YET;
  container.replaceChildren();

  const nodeRows: string[][] = [];
  const nodeNames: string[] = [];
  trace.layers.forEach((nodes, l) => {
    nodes.forEach((n, j) => {
      const [value, grad] = [shown.values.has(nodeKey(l + 1, j)), shown.gradients.has(nodeKey(l + 1, j))];
      const name = `n${nodeNumber(sizes, l + 1, j)}`;
      nodeNames.push(name);
      nodeRows.push([
        name,
        ...(sigmoid ? [show(value, n.net)] : []),
        show(value, n.out),
        show(grad, n.gradOut, style.gradient),
        ...(sigmoid ? [show(grad, n.gradNet, style.gradient)] : []),
      ]);
    });
  });
  nodeRows.push([
    'E',
    ...(sigmoid ? [''] : []),
    show(shown.error, trace.error),
    '1',
    ...(sigmoid ? [''] : []),
  ]);
  nodeNames.push('E');
  const nodeHead = sigmoid ? ['node', 'net', 'value', '∂E/∂n', '∂E/∂net'] : ['node', 'value', '∂E/∂n'];
  const nodes = table(container, 'Nodes', nodeHead, nodeRows);
  nodes.id = 'lesson-nodes';

  const weightRows: string[][] = [];
  const weightNames: string[] = [];
  const add = (name: string, value: number, grad: number, after: number, key: string) => {
    weightNames.push(name);
    weightRows.push([
      name,
      formatNumber(value, style.weight),
      show(shown.gradients.has(key), grad, style.gradient),
      show(shown.updated, after, style.weight),
    ]);
  };
  trace.params.weights.forEach((rows, l) => {
    rows.forEach((row, j) => {
      const key = nodeKey(l + 1, j);
      row.forEach((w, i) => {
        add(
          weightName(sizes, l + 1, j, i),
          w,
          trace.weightGrads[l]![j]![i]!,
          trace.updated.weights[l]![j]![i]!,
          key,
        );
      });
      if (spec.hasBiases) {
        const [b, g, after] = [
          trace.params.biases[l]![j]!,
          trace.biasGrads[l]![j]!,
          trace.updated.biases[l]![j]!,
        ];
        add(biasName(sizes, l + 1, j), b, g, after, key);
      }
    });
  });
  const weights = table(container, 'Weights', ['weight', 'value', '∂E/∂W', 'after update'], weightRows);
  weights.id = 'lesson-weights';

  // Rows carry their names, so tests and styles can find a row without counting.
  const name = (t: HTMLTableElement, names: string[]) =>
    Array.from(t.tBodies[0]!.rows).forEach((row, r) => {
      row.dataset.name = names[r]!;
    });
  name(nodes, nodeNames);
  name(weights, weightNames);
}
