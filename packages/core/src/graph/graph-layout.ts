import type { ComputationGraph, GraphVertex } from './graph-walk.js';
import { alignLayers } from './layer-align.js';
import { orderLayers } from './layer-order.js';

/** Width and height of a vertex's drawing. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A point in drawing coordinates (y grows downwards). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Spacing of `layoutGraph`, in drawing units. */
export interface LayoutSpacing {
  /** Horizontal space between two columns of vertices. Default 56. */
  layerGap?: number;
  /** Vertical space between two vertices of a column. Default 18. */
  nodeGap?: number;
  /** Vertical space between two edges passing through a column, or an edge and a vertex. Default 10. */
  edgeGap?: number;
  /** Space around the drawing. Default 16. */
  margin?: number;
}

/** One edge of a layout: from an input vertex to the op that read it. */
export interface LayoutEdge {
  readonly from: number;
  readonly to: number;
  /** The argument position of `from` among the inputs of `to`. */
  readonly slot: number;
  /**
   * For an edge that skips columns, where it leaves its source's trunk (the right end of the trunk
   * in the column before `to`); null for an edge between neighbouring columns, or one drawn
   * straight because the layout ran out of its budget of trunk points.
   */
  readonly via: Point | null;
}

/**
 * The shared way of a source's edges to consumers further than the next column: where it enters
 * and leaves each column it crosses, level in each, up to the column before its farthest consumer.
 */
export interface Trunk {
  readonly from: number;
  readonly points: readonly Point[];
}

/**
 * Where `layoutGraph` put everything: vertex centres by vertex id, their columns, the edges, and
 * the size of the whole drawing.
 *
 * @example
 * ```ts
 * const g = walkGraph(tensor([1, 2], { requiresGrad: true }).exp().sum());
 * const { centers, layers } = layoutGraph(g, g.vertices.map(() => ({ width: 40, height: 20 })));
 * layers; // [2, 1, 0]: the leaf in the leftmost column, the sum in the rightmost
 * centers[2]!.x < centers[0]!.x; // true
 * ```
 */
export interface GraphLayout {
  readonly centers: readonly Point[];
  readonly layers: readonly number[];
  /** Left and right x of each column, as wide as its widest vertex. */
  readonly columns: readonly { readonly left: number; readonly right: number }[];
  readonly edges: readonly LayoutEdge[];
  readonly trunks: readonly Trunk[];
  readonly width: number;
  readonly height: number;
}

/**
 * The items a layered layout orders and places: the graph's vertices (ids 0..n-1) followed by
 * dummy items that carry long edges through the columns they cross.
 */
export interface Lanes {
  /** Items of each column, top to bottom. */
  readonly columns: number[][];
  readonly layer: number[];
  /** Neighbours in the previous and next column (repeats kept: they weigh the barycenter). */
  readonly preds: number[][];
  readonly succs: number[][];
  /** Number of real vertices; items from here on are dummies. */
  readonly real: number;
}

/**
 * Lays out a computation graph left to right, inputs first, in the manner of Sugiyama: longest-path
 * layering from the leaves (each leaf then moved right to sit just before its first consumer),
 * dummy items along long edges (one shared run per source, within a budget, beyond which an edge
 * is drawn straight), barycenter sweeps against crossings, then vertical alignment of each vertex
 * with its neighbours. Deterministic, and linear in the graph's size apart from the sweeps' sorts.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2], { requiresGrad: true });
 * const g = walkGraph(x.mul(x).sum());
 * const layout = layoutGraph(g, g.vertices.map(() => ({ width: 60, height: 30 })));
 * layout.edges.length; // 3: x -> mul twice, mul -> sum
 * ```
 */
export function layoutGraph(
  graph: ComputationGraph,
  sizes: readonly Size[],
  spacing: LayoutSpacing = {},
): GraphLayout {
  const { layerGap = 56, nodeGap = 18, edgeGap = 10, margin = 16 } = spacing;
  const { vertices } = graph;
  const order = inputsFirst(vertices);
  const layer = assignLayers(vertices, order);
  const { lanes, runs } = buildLanes(vertices, layer, order);
  orderLayers(lanes);
  const heights = lanes.layer.map((_, i) => (i < lanes.real ? sizes[i]!.height : 0));
  const gap = (a: number, b: number) => (a < lanes.real && b < lanes.real ? nodeGap : edgeGap);
  const ys = alignLayers(lanes, heights, gap);
  const columns = columnSpans(lanes, sizes, layerGap, margin);
  let top = Number.POSITIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  ys.forEach((y, i) => {
    top = Math.min(top, y - heights[i]! / 2);
    bottom = Math.max(bottom, y + heights[i]! / 2);
  });
  const yOf = (i: number) => ys[i]! - top + margin;
  const centers = vertices.map((v) => ({
    x: (columns[layer[v.id]!]!.left + columns[layer[v.id]!]!.right) / 2,
    y: yOf(v.id),
  }));
  const { edges, trunks } = route(vertices, lanes, runs, columns, yOf);
  const width = columns[columns.length - 1]!.right + margin;
  return { centers, layers: layer, columns, edges, trunks, width, height: bottom - top + 2 * margin };
}

// The trunks, as the points where they enter and leave each column, and where each long edge
// leaves its trunk: at the trunk's dummy in the column just before the edge's consumer.
function route(
  vertices: readonly GraphVertex[],
  lanes: Lanes,
  runs: ReadonlyMap<number, readonly number[]>,
  columns: readonly { left: number; right: number }[],
  yOf: (item: number) => number,
) {
  const trunks: Trunk[] = [];
  for (const [from, run] of runs) {
    const points = run.flatMap((d) => {
      const { left, right } = columns[lanes.layer[d]!]!;
      return [
        { x: left, y: yOf(d) },
        { x: right, y: yOf(d) },
      ];
    });
    trunks.push({ from, points });
  }
  const edges: LayoutEdge[] = [];
  for (const v of vertices) {
    v.inputs.forEach((from, slot) => {
      const span = lanes.layer[v.id]! - lanes.layer[from]!;
      const dummy = span > 1 ? runs.get(from)?.[span - 2] : undefined;
      const via = dummy === undefined ? null : { x: columns[lanes.layer[dummy]!]!.right, y: yOf(dummy) };
      edges.push({ from, to: v.id, slot, via });
    });
  }
  return { edges, trunks };
}

// Ids in an order where every input comes before the ops that read it: an iterative post-order
// depth-first search from the root (vertex 0), inputs in argument order.
function inputsFirst(vertices: readonly GraphVertex[]): number[] {
  const order: number[] = [];
  const state = new Uint8Array(vertices.length); // 0 new, 1 on the stack, 2 done
  const stack: number[] = [0];
  while (stack.length > 0) {
    const id = stack[stack.length - 1]!;
    if (state[id] === 0) {
      state[id] = 1;
      const inputs = vertices[id]!.inputs;
      for (let i = inputs.length - 1; i >= 0; i--) if (state[inputs[i]!] === 0) stack.push(inputs[i]!);
    } else {
      stack.pop();
      if (state[id] === 1) order.push(id);
      state[id] = 2;
    }
  }
  return order;
}

// Longest path from the leaves, so every op sits right of all its inputs; then each leaf moves to
// the column just before its nearest consumer, so a weight is drawn next to the op that uses it.
function assignLayers(vertices: readonly GraphVertex[], order: readonly number[]): number[] {
  const layer = new Array<number>(vertices.length).fill(0);
  for (const id of order) {
    for (const input of vertices[id]!.inputs) layer[id] = Math.max(layer[id]!, layer[input]! + 1);
  }
  const nearest = new Array<number>(vertices.length).fill(Number.POSITIVE_INFINITY);
  for (const v of vertices)
    for (const input of v.inputs) nearest[input] = Math.min(nearest[input]!, layer[v.id]!);
  for (const v of vertices)
    if (v.kind === 'leaf' && nearest[v.id]! < Infinity) layer[v.id] = nearest[v.id]! - 1;
  return layer;
}

// Columns of items, in first-met order, with one run of dummies per source that reaches past the
// next column: the run ends one column before the source's farthest consumer and each edge leaves
// it one column before its own consumer. Runs stop being made once the budget of dummies is spent.
function buildLanes(vertices: readonly GraphVertex[], layer: readonly number[], order: readonly number[]) {
  const n = vertices.length;
  const lanes: Lanes = { columns: [], layer: [...layer], preds: [], succs: [], real: n };
  for (let i = 0; i < n; i++) {
    lanes.preds.push([]);
    lanes.succs.push([]);
  }
  const farthest = new Array<number>(n).fill(-1);
  for (const v of vertices)
    for (const input of v.inputs) farthest[input] = Math.max(farthest[input]!, layer[v.id]!);
  const runs = new Map<number, number[]>();
  let budget = Math.max(1000, 4 * n);
  for (const source of order) {
    place(lanes, source);
    const length = farthest[source]! - layer[source]! - 1;
    if (length > 0 && length <= budget) {
      budget -= length;
      const run = addRun(lanes, source, length);
      for (const id of run) place(lanes, id);
      runs.set(source, run);
    }
  }
  for (const v of vertices) {
    for (const input of v.inputs) {
      const span = layer[v.id]! - layer[input]!;
      const from = span === 1 ? input : runs.get(input)?.[span - 2];
      if (from !== undefined) link(lanes, from, v.id);
    }
  }
  return { lanes, runs };
}

function addRun(lanes: Lanes, source: number, length: number): number[] {
  const run: number[] = [];
  let prev = source;
  for (let k = 1; k <= length; k++) {
    const id = lanes.layer.length;
    lanes.layer.push(lanes.layer[source]! + k);
    lanes.preds.push([]);
    lanes.succs.push([]);
    link(lanes, prev, id);
    run.push(id);
    prev = id;
  }
  return run;
}

function link(lanes: Lanes, from: number, to: number): void {
  lanes.succs[from]!.push(to);
  lanes.preds[to]!.push(from);
}

function place(lanes: Lanes, id: number): void {
  const l = lanes.layer[id]!;
  while (lanes.columns.length <= l) lanes.columns.push([]);
  lanes.columns[l]!.push(id);
}

// Each column as wide as its widest vertex, `gap` apart.
function columnSpans(lanes: Lanes, sizes: readonly Size[], gap: number, margin: number) {
  let left = margin;
  return lanes.columns.map((column) => {
    let width = 0;
    for (const id of column) if (id < lanes.real) width = Math.max(width, sizes[id]!.width);
    const span = { left, right: left + width };
    left += width + gap;
    return span;
  });
}
