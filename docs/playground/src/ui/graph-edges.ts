// The graph view's edges as flat arrays: their geometry once per network shape, their weights and
// gradients once per frame. A network of six layers of 32 has over 5000 of them; plain typed arrays
// keep a frame from building thousands of objects.
import type { GraphTrace } from '../protocol.js';
import { fmt } from './colors.js';
import type { GraphLayout, Point } from './graph-layout.js';

/**
 * Every weight and bias of a network as an edge, layer by layer, each node's inputs then its bias:
 * edge i runs from node `from[i]` of layer `layer[i] - 1` (−1: that layer's bias node) to node
 * `to[i]` of layer `layer[i]`, drawn from (x1, y1) to (x2, y2).
 */
export interface EdgeSet {
  count: number;
  layer: Int32Array;
  from: Int32Array;
  to: Int32Array;
  x1: Float32Array;
  y1: Float32Array;
  x2: Float32Array;
  y2: Float32Array;
}

/** Marks a bias edge in `EdgeSet.from`. */
export const BIAS = -1;

/**
 * The edges of a network of layer sizes `sizes`, placed as `layout` puts its nodes.
 *
 * @example
 * ```ts
 * edgeSet([2, 4, 1], layoutGraph([2, 4, 1])).count; // 17: 8 + 4 weights, 4 + 1 biases
 * ```
 */
export function edgeSet(sizes: number[], layout: GraphLayout): EdgeSet {
  let count = 0;
  for (let k = 1; k < sizes.length; k++) count += (sizes[k - 1]! + 1) * sizes[k]!;
  const set: EdgeSet = {
    count,
    layer: new Int32Array(count),
    from: new Int32Array(count),
    to: new Int32Array(count),
    x1: new Float32Array(count),
    y1: new Float32Array(count),
    x2: new Float32Array(count),
    y2: new Float32Array(count),
  };
  let i = 0;
  for (let k = 1; k < sizes.length; k++) {
    for (let to = 0; to < sizes[k]!; to++) {
      for (let from = 0; from <= sizes[k - 1]!; from++) {
        const bias = from === sizes[k - 1]!;
        const a = bias ? layout.bias[k - 1]! : layout.nodes[k - 1]![from]!;
        const b = layout.nodes[k]![to]!;
        set.layer[i] = k;
        set.from[i] = bias ? BIAS : from;
        set.to[i] = to;
        [set.x1[i], set.y1[i], set.x2[i], set.y2[i]] = [a.x, a.y, b.x, b.y];
        i += 1;
      }
    }
  }
  return set;
}

/** Each edge's weight and its gradient for the traced example, in the edge set's order. */
export interface EdgeValues {
  weight: Float32Array;
  grad: Float32Array;
}

/**
 * The trace's weights and gradients in edge order.
 *
 * @example
 * ```ts
 * const { weight, grad } = edgeValues(trace, set);
 * ```
 */
export function edgeValues(trace: GraphTrace, set: EdgeSet): EdgeValues {
  const weight = new Float32Array(set.count);
  const grad = new Float32Array(set.count);
  for (let i = 0; i < set.count; i++) {
    const k = set.layer[i]! - 1;
    const from = set.from[i]!;
    const to = set.to[i]!;
    if (from === BIAS) {
      weight[i] = trace.biases[k]![to]!;
      grad[i] = trace.biasGrads[k]![to]!;
    } else {
      const at = to * trace.sizes[k]! + from;
      weight[i] = trace.weights[k]![at]!;
      grad[i] = trace.weightGrads[k]![at]!;
    }
  }
  return { weight, grad };
}

/**
 * Edge i's name and numbers, as the readout and the labels' `data-detail` give them.
 *
 * @example
 * ```ts
 * describeEdge(set, values, 2); // 'weight w[1](2←1) = 0.5, ∂L/∂w = -0.01'
 * ```
 */
export function describeEdge(set: EdgeSet, values: EdgeValues, i: number): string {
  const layer = set.layer[i]!;
  const to = set.to[i]! + 1;
  const from = set.from[i]!;
  const name = from === BIAS ? `bias b[${layer}](${to})` : `weight w[${layer}](${to}←${from + 1})`;
  return `${name} = ${fmt(values.weight[i]!, 4)}, ∂L/∂w = ${fmt(values.grad[i]!, 4)}`;
}

/**
 * Distance from point p to the segment a–b.
 *
 * @example
 * ```ts
 * segmentDistance({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 }); // 3
 * ```
 */
export function segmentDistance(p: Point, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/**
 * The edge nearest to p, if one lies within `within`; −1 otherwise.
 *
 * @example
 * ```ts
 * nearestEdge(set, { x: 200, y: 150 }, 4); // an index, or -1 off every edge
 * ```
 */
export function nearestEdge(set: EdgeSet, p: Point, within: number): number {
  let best = -1;
  let bestDistance = within;
  for (let i = 0; i < set.count; i++) {
    const a = { x: set.x1[i]!, y: set.y1[i]! };
    const d = segmentDistance(p, a, { x: set.x2[i]!, y: set.y2[i]! });
    if (d < bestDistance) [best, bestDistance] = [i, d];
  }
  return best;
}

/**
 * The index of the edge with the largest |gradient|, −1 when there are none.
 *
 * @example
 * ```ts
 * describeEdge(set, values, steepestEdge(values));
 * ```
 */
export function steepestEdge(values: EdgeValues): number {
  let best = -1;
  for (let i = 0; i < values.grad.length; i++) {
    if (best < 0 || Math.abs(values.grad[i]!) > Math.abs(values.grad[best]!)) best = i;
  }
  return best;
}
