// What the lesson mode's messages carry between the page and the worker: plain numbers only.
import type { LessonId, LessonParams } from './lessons.js';

/** Page -> worker: run one iteration of a lesson's network with these numbers. */
export interface LessonRequest {
  /** Echoed in the reply, so that the page can drop answers to requests it has since replaced. */
  id: number;
  lesson: LessonId;
  params: LessonParams;
}

/** One node's forward value and the gradients backprop left on it. */
export interface LessonNode {
  /** The net input Σ W·n (+ b). */
  net: number;
  /** The node's value f(net): equal to `net` for a linear node. */
  out: number;
  /** ∂E/∂net, read from `retainGrad()` on the net input. */
  gradNet: number;
  /** ∂E/∂out, read from `retainGrad()` on the node's value. */
  gradOut: number;
}

/**
 * One iteration, as backprop computed it: the forward values, the error, every gradient, and the
 * numbers after one gradient-descent step.
 *
 * @example
 * ```ts
 * trace.weightGrads[1]![0]![0]; // lesson 002's ∂E/∂W36: 12
 * ```
 */
export interface LessonTrace {
  id: number;
  lesson: LessonId;
  /** The numbers it ran with. */
  params: LessonParams;
  /** Layers 1.. (the inputs are `params.inputs`), node by node. */
  layers: LessonNode[][];
  /** E = ½ Σ (ŷ − y)². */
  error: number;
  /** ∂E/∂W, shaped as `params.weights`. */
  weightGrads: number[][][];
  /** ∂E/∂b, shaped as `params.biases` (zero where the lesson has no biases). */
  biasGrads: number[][];
  /** W − rate · ∂E/∂W and b − rate · ∂E/∂b, as SGD's step left them. */
  updated: { weights: number[][][]; biases: number[][] };
  /** E for the same input and target with the updated numbers. */
  errorAfter: number;
}

/** Worker -> page: the trace, or why the request could not run. */
export type LessonReply = { ok: true; trace: LessonTrace } | { ok: false; id: number; error: string };
