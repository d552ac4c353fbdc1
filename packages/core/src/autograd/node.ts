import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkForward, checksForward, creationSite, isAnomalyEnabled } from './anomaly.js';
import { isGradEnabled } from './grad-mode.js';
import { latestWrite } from './version.js';

/**
 * An op's local chain rule: given dL/d(output), return dL/d(input) for each input, or null where
 * the input needs none. A returned gradient may have the broadcast shape of the output: the engine
 * sums it back to the input's shape in one place.
 */
export type BackwardFn = (dy: Tensor) => readonly (Tensor | null)[];

/** A gradient hook: may return a replacement gradient of the same shape and dtype. */
export type GradHook = (grad: Tensor) => Tensor | undefined | void;

const NO_TENSORS: readonly Tensor[] = Object.freeze([]);

/**
 * What a released node keeps of an input that no node produced and that needs no gradient (data,
 * constants): its shape and dtype only, so that a freed graph keeps no data batch alive. Leaves
 * that require grad (parameters) are kept as they are, as PyTorch's AccumulateGrad keeps them.
 * (No WeakRef: its target stays alive until the current synchronous job ends, so a training loop
 * that never awaits would keep every constant it ever used.)
 */
export class ReleasedLeaf {
  readonly shape: Shape;
  readonly dtype: DType;
  readonly requiresGrad = false;

  constructor(t: Tensor) {
    this.shape = t.shape;
    this.dtype = t.dtype;
  }
}

// One record per tensor, so that a leaf read by several ops is still one vertex of a freed graph,
// and so that a tensor the caller names can be matched with its record.
const releasedLeaves = new WeakMap<Tensor, ReleasedLeaf>();

function releasedLeafOf(t: Tensor): ReleasedLeaf {
  let record = releasedLeaves.get(t);
  if (record === undefined) {
    record = new ReleasedLeaf(t);
    releasedLeaves.set(t, record);
  }
  return record;
}

/** The record a released node keeps of `t`, if one does. */
export function releasedRecordOf(t: Tensor): ReleasedLeaf | undefined {
  return releasedLeaves.get(t);
}

/**
 * The record of one op application in the graph: what produced a non-leaf tensor (its `gradFn`),
 * the inputs it read, the tensors its backward needs, and its backward rule.
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
  /**
   * The tensors the op read, in argument order, while the graph is live; empty once released
   * (then `released` holds what is left of them).
   */
  inputs: readonly Tensor[];
  /** The tensors backward reads (checked for in-place writes); null once released. */
  saved: readonly Tensor[] | null;
  /** After release: per input, the node that produced it or a record of the leaf. */
  released: readonly (Node | Tensor | ReleasedLeaf)[] | null = null;
  /** Hooks registered on the output tensor, run on its full gradient before it flows on. */
  hooks: GradHook[] | null = null;
  /** The output tensor when `retainGrad()` asked for its `.grad`. */
  retained: Tensor | null = null;
  /** Where the op was created; recorded only under `detectAnomaly`. */
  readonly createdAt: string | null;
  /** The global in-place write number when the node was made (see version.ts). */
  readonly madeAtWrite: number;
  /** Engine scratch: the gradient summed so far during one backward pass. */
  pending: Tensor | null = null;
  /** Engine scratch: the traversal that last visited this node. */
  visit = 0;

  constructor(
    /** The op's name (`'mul'`, `'matmul'`), as in error messages and `toDot`. */
    readonly name: string,
    inputs: readonly Tensor[],
    saved: readonly Tensor[],
    backwardFn: BackwardFn,
    /** Shape of the op's output. */
    readonly shape: Shape,
    /** Dtype of the op's output. */
    readonly dtype: DType,
  ) {
    this.inputs = inputs;
    this.saved = saved;
    this.backwardFn = backwardFn;
    this.madeAtWrite = latestWrite();
    this.createdAt = isAnomalyEnabled() ? creationSite() : null;
  }

  /** True once a backward pass without `retainGraph` has released this node's saved values. */
  get freed(): boolean {
    return this.backwardFn === null;
  }

  /**
   * Drops every reference to tensor data the node holds (its backward closure, saved tensors,
   * inputs, retained output), keeping the graph's structure for `gradFn`, `toDot` and `graphToSvg`.
   */
  release(): void {
    const inputs = this.inputs;
    const kept = new Array<Node | Tensor | ReleasedLeaf>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const t = inputs[i]!;
      kept[i] = t.gradFn ?? (t.requiresGrad ? t : releasedLeafOf(t));
    }
    this.released = kept;
    this.inputs = NO_TENSORS;
    this.saved = null;
    this.backwardFn = null;
    this.retained = null;
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
 * Whether op `name` must record `out` (grad mode on and an input needs a gradient). Every op calls
 * it on its result, recording or not, so that `detectAnomaly` sees every op's output.
 */
export function recording(name: string, out: Tensor, a: Tensor, b?: Tensor, c?: Tensor): boolean {
  if (checksForward()) checkForward(name, out);
  return needsGrad(a, b, c);
}

/** `recording` for ops with a list of inputs. */
export function recordingAll(name: string, out: Tensor, inputs: readonly Tensor[]): boolean {
  if (checksForward()) checkForward(name, out);
  return anyNeedsGrad(inputs);
}

/**
 * Makes `out` a non-leaf produced by op `name` from `inputs`, with `backward` as its chain rule.
 * `saved` lists every tensor whose values `backward` reads (inputs or the output), so that an
 * in-place write to one of them before backward is an error, not a wrong gradient. Callers check
 * `recording` first so that inference pays for no closure.
 */
export function attach(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: readonly Tensor[],
  backward: BackwardFn,
): Tensor {
  out.gradFn = new Node(name, inputs, saved, backward, out.shape, out.dtype);
  return out;
}

/** For ops whose backward reads no tensor values (add, reshape, sum, ...). */
export const SAVES_NOTHING: readonly Tensor[] = NO_TENSORS;

/**
 * What a product `a * b` (elementwise, matmul, linear) saves: each operand's gradient reads the
 * other operand, so `b` is saved only when `a` needs a gradient and vice versa (as PyTorch).
 */
export function savedForProduct(a: Tensor, b: Tensor): readonly Tensor[] {
  if (a.requiresGrad) return b.requiresGrad ? [a, b] : [b];
  return b.requiresGrad ? [a] : NO_TENSORS;
}
