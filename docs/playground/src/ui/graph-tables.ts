// The graph view's numbers as tables, for keyboard and screen-reader users (the graph itself gives
// its exact numbers only to a pointer): one table of weights per layer and one of the nodes, in a
// <details> under the graph. A network of six layers of 32 has over 5000 weights: the tables are
// built once per network shape, only while the details is open, then only their number cells
// change, a few times a second at most. Laying out 11 000 changed cells took Chromium some 250 ms;
// each table's wrapper has `content-visibility: auto` (style.css), so only the tables in view are
// laid out again (the others stay in the accessibility tree and in find-in-page).
import type { GraphTrace } from '../protocol.js';
import { fmt } from './colors.js';

/** What stays of a table while the network keeps its shape: caption, column heads, row headers. */
export interface TableShape {
  id: string;
  caption: string;
  /** Column heads; the first `rowHeads[r].length` columns of each row are its row headers. */
  head: string[];
  rowHeads: string[][];
}

/** Shown for a number a node does not have (an input's δ, bias and bias gradient). */
export const NONE = '–';
/** The least time between two updates of open tables, in milliseconds. */
const MIN_INTERVAL_MS = 250;
/** The tables may take one part in this many of the page's time (a large network's take longer). */
const DUTY = 8;
/** Significant digits of the numbers: those of the graph's readout. */
const DIGITS = 4;
/** About the height of a table's caption and head, and of a row, in CSS pixels (style.css). */
const TABLE_TOP_PX = 44;
const ROW_PX = 18;

/**
 * The name the graph gives node `i` of `layer`: an input's feature name, z (or z1, z2, …) for the
 * output, "node i" (from 1) in a hidden layer.
 *
 * @example
 * ```ts
 * [nodeName([2, 4, 1], ['x1', 'x2'], 0, 1), nodeName([2, 4, 1], [], 1, 2), nodeName([2, 4, 1], [], 2, 0)]; // ['x2', 'node 3', 'z']
 * ```
 */
export function nodeName(sizes: number[], names: string[], layer: number, i: number): string {
  if (layer === 0) return names[i] ?? `x${i + 1}`;
  if (layer === sizes.length - 1) return sizes[layer] === 1 ? 'z' : `z${i + 1}`;
  return `node ${i + 1}`;
}

function layerName(sizes: number[], layer: number): string {
  if (layer === 0) return 'the inputs';
  if (layer === sizes.length - 1) return sizes[layer] === 1 ? 'the output' : 'the outputs';
  return `hidden layer ${layer}`;
}

function layerKind(sizes: number[], layer: number): string {
  return layer === 0 ? 'input' : layer === sizes.length - 1 ? 'output' : 'hidden';
}

/**
 * The tables of a network of layer sizes `sizes` whose inputs are named `names`: for each layer
 * k ≥ 1 its weights (rows in PyTorch's [out, in] order, so row r is `weights[k - 1][r]`), then the
 * nodes, layer by layer.
 *
 * @example
 * ```ts
 * graphTableShapes([2, 4, 1], ['x1', 'x2']).map((t) => t.rowHeads.length); // [8, 4, 7]
 * ```
 */
export function graphTableShapes(sizes: number[], names: string[]): TableShape[] {
  const tables: TableShape[] = [];
  for (let k = 1; k < sizes.length; k++) {
    const rowHeads: string[][] = [];
    for (let to = 0; to < sizes[k]!; to++) {
      for (let from = 0; from < sizes[k - 1]!; from++)
        rowHeads.push([nodeName(sizes, names, k - 1, from), nodeName(sizes, names, k, to)]);
    }
    tables.push({
      id: `graph-table-weights-${k}`,
      caption: `Layer ${k}: the ${rowHeads.length} weights from ${layerName(sizes, k - 1)} to ${layerName(sizes, k)}`,
      head: ['from', 'to', 'weight', '∂L/∂w'],
      rowHeads,
    });
  }
  const nodeHeads = sizes.flatMap((size, layer) =>
    Array.from({ length: size }, (_, i) => [
      `${layer} (${layerKind(sizes, layer)})`,
      nodeName(sizes, names, layer, i),
    ]),
  );
  tables.push({
    id: 'graph-table-nodes',
    caption: 'Nodes: value, δ = ∂L/∂net, bias and its gradient (inputs have none)',
    head: ['layer', 'node', 'value', 'δ', 'bias', '∂L/∂b'],
    rowHeads: nodeHeads,
  });
  return tables;
}

/**
 * The number cells of `graphTableShapes(trace.sizes, …)` for `trace`, table by table and row by row,
 * formatted as the graph's readout formats them.
 *
 * @example
 * ```ts
 * graphTableValues(trace)[0]![0]; // [fmt(w, 4), fmt(∂L/∂w, 4)] of the first layer's first weight
 * ```
 */
export function graphTableValues(trace: GraphTrace): string[][][] {
  const show = (v: number) => fmt(v, DIGITS);
  const tables = trace.weights.map((weights, k) => {
    const grads = trace.weightGrads[k]!;
    return Array.from(weights, (w, r) => [show(w), show(grads[r]!)]);
  });
  const nodes = trace.activations.flatMap((values, layer) =>
    Array.from(values, (value, i) => {
      if (layer === 0) return [show(value), NONE, NONE, NONE];
      const at = layer - 1;
      return [
        show(value),
        show(trace.deltas[at]![i]!),
        show(trace.biases[at]![i]!),
        show(trace.biasGrads[at]![i]!),
      ];
    }),
  );
  tables.push(nodes);
  return tables;
}

// A table in its wrapper, and the text node of each number cell, row by row.
function buildTable(shape: TableShape): { wrapper: HTMLElement; cells: Text[][] } {
  const wrapper = document.createElement('div');
  wrapper.className = 'graph-table';
  // The height a table out of view is taken to have until it has been laid out once: about its own,
  // so that the scroll bar is about right from the start.
  wrapper.style.containIntrinsicSize = `auto ${TABLE_TOP_PX + ROW_PX * shape.rowHeads.length}px`;
  const table = document.createElement('table');
  wrapper.append(table);
  table.id = shape.id;
  table.createCaption().textContent = shape.caption;
  const headRow = table.createTHead().insertRow();
  for (const text of shape.head) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = text;
    headRow.append(th);
  }
  const body = table.createTBody();
  const cells = shape.rowHeads.map((heads) => {
    const row = body.insertRow();
    for (const text of heads) {
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = text;
      row.append(th);
    }
    return shape.head.slice(heads.length).map(() => {
      const text = document.createTextNode('');
      row.insertCell().append(text);
      return text;
    });
  });
  return { wrapper, cells };
}

/**
 * The tables of the traced example's numbers in `container`, inside `details`: `show` hands them
 * each new trace, and they update only while `details` is open, at most every 250 ms and taking at
 * most an eighth of the page's time; opening `details` updates them at once.
 *
 * @example
 * ```ts
 * const tables = new GraphTables(document.querySelector('details')!, document.getElementById('graph-tables')!);
 * tables.show(snapshot.graph, info.features);
 * ```
 */
export class GraphTables {
  #shape = '';
  #cells: Text[][][] = [];
  #trace: GraphTrace | null = null;
  #names: string[] = [];
  #shown: GraphTrace | null = null;
  #due = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly details: HTMLDetailsElement,
    readonly container: HTMLElement,
  ) {
    // The container scrolls (both ways on a phone): keyboard users must be able to focus it to
    // scroll it (axe: scrollable-region-focusable). Set here, since the HTML lint allows no
    // tabindex on a section.
    container.tabIndex = 0;
    details.addEventListener('toggle', () => {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      if (details.open) this.#update();
    });
  }

  /** Takes the newest trace (`names`: the inputs' names); the tables show it when they may. */
  show(trace: GraphTrace, names: string[]): void {
    this.#trace = trace;
    this.#names = names;
    if (!this.details.open || this.#timer !== undefined) return;
    const wait = this.#due - performance.now();
    if (wait <= 0) this.#update();
    else
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#update();
      }, wait);
  }

  #update(): void {
    const trace = this.#trace;
    if (!trace || !this.details.open) return;
    const started = performance.now();
    const shape = JSON.stringify([trace.sizes, this.#names]);
    if (shape !== this.#shape) this.#build(trace, shape);
    else if (trace === this.#shown) return;
    this.#shown = trace;
    graphTableValues(trace).forEach((rows, t) => {
      const cells = this.#cells[t]!;
      rows.forEach((row, r) => {
        row.forEach((text, c) => {
          const cell = cells[r]![c]!;
          if (cell.data !== text) cell.data = text;
        });
      });
    });
    // Laying out the changed cells in view is a good part of the cost: reading a size does it now,
    // so that it counts in the time that spaces the updates.
    void this.container.offsetHeight;
    this.#due = started + Math.max(MIN_INTERVAL_MS, DUTY * (performance.now() - started));
  }

  #build(trace: GraphTrace, shape: string): void {
    this.#shape = shape;
    const built = graphTableShapes(trace.sizes, this.#names).map(buildTable);
    this.container.replaceChildren(...built.map((b) => b.wrapper));
    this.#cells = built.map((b) => b.cells);
  }
}
