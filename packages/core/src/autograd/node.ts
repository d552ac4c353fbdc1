import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkForward, creationSite, isAnomalyEnabled } from './anomaly.js';
import { isGradEnabled } from './grad-mode.js';

/**
 * An op's local chain rule: given dL/d(output), return dL/d(input) for each input, or null where
 * the input needs none. A returned gradient may have the broadcast shape of the output: the engine
 * sums it back to the input's shape in one place.
 */
export type BackwardFn = (dy: Tensor) => readonly (Tensor | null)[];

/** A gradient hook: may return a replacement gradient. */
export type GradHook = (grad: Tensor) => Tensor | undefined | void;

/**
 * The record of one op application in the graph: what produced a non-leaf tensor (its `gradFn`),
 * the inputs it read, and its backward rule.
 *
 * @example
 * ```ts
 * const y = tensor([1, 2], { requiresGrad: true }).mul(2);
 * y.gradFn?.name; // 'mul'
 * ```
 */
export class Node {
  /** Null once the graph has been freed by a backward pass without `retainGraph`. */
  backwardFn: BackwardFn | null;
  /** Hooks registered on the output tensor, run on its full gradient before it flows on. */
  hooks: GradHook[] | null = null;
  /** The output tensor when `retainGrad()` asked for its `.grad`. */
  retained: Tensor | null = null;
  /** Where the op was created; recorded only under `detectAnomaly`. */
  readonly createdAt: string | null;
  /** Engine scratch: the gradient summed so far during one backward pass. */
  pending: Tensor | null = null;
  /** Engine scratch: the traversal that last visited this node. */
  visit = 0;

  constructor(
    /** The op's name (`'mul'`, `'matmul'`), as in error messages and `toDot`. */
    readonly name: string,
    /** The tensors the op read, in argument order. */
    readonly inputs: readonly Tensor[],
    backwardFn: BackwardFn,
    /** Shape of the op's output. */
    readonly shape: Shape,
    /** Dtype of the op's output. */
    readonly dtype: DType,
  ) {
    this.backwardFn = backwardFn;
    this.createdAt = isAnomalyEnabled() ? creationSite() : null;
  }

  /** True once a backward pass without `retainGraph` has released this node's saved values. */
  get freed(): boolean {
    return this.backwardFn === null;
  }
}

/** True when the graph is being recorded and any input needs a gradient. */
export function needsGrad(a: Tensor, b?: Tensor, c?: Tensor): boolean {
  return isGradEnabled() && (a.requiresGrad || (b?.requiresGrad ?? false) || (c?.requiresGrad ?? false));
}

/** True when the graph is being recorded and any of `inputs` needs a gradient. */
export function anyNeedsGrad(inputs: readonly Tensor[]): boolean {
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * Makes `out` a non-leaf produced by op `name` from `inputs`, with `backward` as its chain rule.
 * Callers check `needsGrad` first so that inference pays for no closure.
 */
export function attach(out: Tensor, name: string, inputs: readonly Tensor[], backward: BackwardFn): Tensor {
  if (isAnomalyEnabled()) checkForward(name, out);
  out.gradFn = new Node(name, inputs, backward, out.shape, out.dtype);
  return out;
}
