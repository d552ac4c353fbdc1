// The chain rule at one node, from a trace: each gradient as local derivative × upstream gradient,
// with the local derivative formed from the forward values and the upstream gradient taken from
// backprop, next to the gradient backprop itself left on the node. The page shows both; the tests
// check that they agree everywhere.
import { biasName, type LessonSpec, nodeNumber, weightName } from './lessons.js';
import type { LessonTrace } from './types.js';

/** One chain-rule product and the gradient `backward()` computed for the same quantity. */
export interface ChainProduct {
  /** The local derivative (∂net/∂W is the weight's input, ∂net/∂b is 1, σ′(net) is n(1 − n)). */
  local: number;
  /** The gradient arriving from above, as backprop computed it. */
  upstream: number;
  /** local × upstream. */
  product: number;
  /** What backprop left on this weight or node. */
  backprop: number;
}

/** A term of a hidden node's ∂E/∂n: a weight out of it times the gradient at the node it feeds. */
export interface FanOutTerm {
  weight: string;
  /** The node fed (its number). */
  to: number;
  w: number;
  /** ∂E/∂net of the node fed, from backprop. */
  gradNet: number;
}

/** One incoming weight's gradient: ∂E/∂W_ij = n_i × ∂E/∂net_j. */
export interface WeightProduct extends ChainProduct {
  name: string;
  /** The node the weight comes from (its number). */
  from: number;
}

/** Everything the backward step at one node computes. */
export interface BackwardWork {
  /** The node's number (6 for n6). */
  node: number;
  layer: number;
  index: number;
  /** At an output: null (∂E/∂n comes from E itself); at a hidden node, the nodes it feeds. */
  fanOut: FanOutTerm[] | null;
  /** ∂E/∂n: at an output n − y (local derivative of E; upstream ∂E/∂E = 1); else Σ W · ∂E/∂net. */
  gradOut: { hand: number; backprop: number };
  /** ∂E/∂net = f′(net) × ∂E/∂n; for linear nodes f′ = 1 and net is the node itself. */
  gradNet: ChainProduct;
  weights: WeightProduct[];
  /** ∂E/∂b = 1 × ∂E/∂net, when the lesson has biases. */
  bias: (ChainProduct & { name: string }) | null;
}

const product = (local: number, upstream: number, backprop: number): ChainProduct => ({
  local,
  upstream,
  product: local * upstream,
  backprop,
});

/**
 * The chain rule at node `index` of layer `layer` (≥ 1) of a lesson's trace.
 *
 * @example
 * ```ts
 * const work = backwardWork(LESSONS['002'], trace, 2, 0); // n6
 * work.gradOut.hand; // n6 − y = −4
 * work.weights[0]; // { name: 'W36', from: 3, local: −3, upstream: −4, product: 12, backprop: 12 }
 * ```
 */
export function backwardWork(
  spec: LessonSpec,
  trace: LessonTrace,
  layer: number,
  index: number,
): BackwardWork {
  const { sizes } = spec;
  const node = trace.layers[layer - 1]![index]!;
  const last = layer === sizes.length - 1;
  const fanOut = last
    ? null
    : trace.layers[layer]!.map((next, k) => ({
        weight: weightName(sizes, layer + 1, k, index),
        to: nodeNumber(sizes, layer + 1, k),
        w: trace.params.weights[layer]![k]![index]!,
        gradNet: next.gradNet,
      }));
  const hand = fanOut
    ? fanOut.reduce((sum, t) => sum + t.w * t.gradNet, 0)
    : node.out - trace.params.targets[index]!;
  const slope = spec.activation === 'sigmoid' ? node.out * (1 - node.out) : 1;
  const gradNet = product(slope, node.gradOut, node.gradNet);
  const inputs = layer === 1 ? trace.params.inputs : trace.layers[layer - 2]!.map((n) => n.out);
  const weights = inputs.map((input, i) => ({
    name: weightName(sizes, layer, index, i),
    from: nodeNumber(sizes, layer - 1, i),
    ...product(input, node.gradNet, trace.weightGrads[layer - 1]![index]![i]!),
  }));
  const bias = spec.hasBiases
    ? {
        name: biasName(sizes, layer, index),
        ...product(1, node.gradNet, trace.biasGrads[layer - 1]![index]!),
      }
    : null;
  return {
    node: nodeNumber(sizes, layer, index),
    layer,
    index,
    fanOut,
    gradOut: { hand, backprop: node.gradOut },
    gradNet,
    weights,
    bias,
  };
}

/**
 * True when a product computed by hand and backprop's gradient are the same number (up to float64
 * rounding, relative to their size).
 *
 * @example
 * ```ts
 * agrees(0.1 + 0.2, 0.3); // true
 * ```
 */
export function agrees(hand: number, backprop: number): boolean {
  return Math.abs(hand - backprop) <= 1e-9 * Math.max(1, Math.abs(hand), Math.abs(backprop));
}
