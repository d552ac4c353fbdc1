import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkForward, checksForward, creationSite, isAnomalyEnabled } from './anomaly.js';
import { isGradEnabled } from './grad-mode.js';
import { latestWrite } from './version.js';

/**
 * An op's backward rule, written once per op (not a closure per application): given dL/d(output)
 * and the node (its inputs and the op's parameters, such as dims or the output it saved), return
 * dL/d(input) per input, or null where none is needed. A returned gradient may have the broadcast
 * shape of the output: the engine sums it back to the input's shape in one place. Rules of one
 * family live in one table typed against the names of the op-name union (`ops/op-names.ts`), so an
 * op without a rule does not compile.
 */
// A method's parameters are checked bivariantly: a rule for parameters P fits a table of rules.
export type BackwardRule<P = undefined> = {
  rule(dy: Tensor, node: RuleInput<P>): readonly (Tensor | null)[];
}['rule'];

/**
 * One input's partial derivative of a 0-d op on plain numbers: dL/d(input) from dL/d(output) `dy`,
 * reading the node's inputs and params as the tensor rule does. `round` is the identity for
 * float64 and `Math.fround` for float32: applied wherever the tensor rule stores an intermediate
 * tensor, so the number is the tensor rule's result bit for bit.
 */
export type ScalarPartial<P = undefined> = {
  partial(dy: number, node: RuleInput<P>, round: (v: number) => number): number;
}['partial'];

// The partials ride on the rule function itself, under a symbol only this module knows: the engine
// looks them up once per node, and a WeakMap beside the rules cost about 11 ns a lookup there
// against 2 for a property that every rule function with partials gets in the same way.
const NUMBER_PARTIALS = Symbol('numberPartials');

interface WithNumberPartials {
  [NUMBER_PARTIALS]?: readonly ScalarPartial<unknown>[];
}

/**
 * Gives `rule` a version on plain numbers, one partial per input in argument order, and returns
 * `rule`. The engine uses it for a 0-d node whose inputs are 0-d tensors of its float dtype on a
 * built-in cpu backend, when nothing needs the gradient as a tensor (no `createGraph`, hook,
 * `retainGrad` or anomaly mode): a micrograd-style graph then runs its backward without a tensor
 * per gradient.
 */
export function withScalarRule<P>(rule: BackwardRule<P>, ...partials: ScalarPartial<P>[]): BackwardRule<P> {
  (rule as WithNumberPartials)[NUMBER_PARTIALS] = partials as readonly ScalarPartial<unknown>[];
  return rule;
}

/** The partials `withScalarRule` gave `rule`, if any. */
export function scalarRuleOf(rule: BackwardRule<never>): readonly ScalarPartial<unknown>[] | undefined {
  return (rule as WithNumberPartials)[NUMBER_PARTIALS];
}

/** What a backward rule reads from its node. */
export interface RuleInput<P> {
  /** The op's inputs, in argument order. */
  readonly inputs: readonly Tensor[];
  /** The op's non-differentiable parameters (dims, shapes, scalars, the output it saved). */
  readonly params: P;
}

/** Backward rules by op name, one per name of `N` (a family's part of the op-name union). */
export type RuleTable<N extends string> = { readonly [K in N]: BackwardRule<never> };

/** What a node saves for its backward: one tensor, or a list of them. */
export type Saved = Tensor | readonly Tensor[];

/** A gradient hook: may return a replacement gradient of the same shape and dtype. */
export type GradHook = (grad: Tensor) => Tensor | undefined | void;

/** For ops whose backward reads no tensor values (add, reshape, sum, ...). */
export const SAVES_NOTHING: readonly Tensor[] = [];

/**
 * What a released node keeps of a large input that no node produced and that needs no gradient (a
 * data batch): its shape and dtype only, so that a freed graph keeps no data alive. Parameters
 * (leaves that require grad) are kept as they are, as PyTorch's AccumulateGrad keeps them, and so
 * are small constants (see `KEPT_LEAF_SIZE`), which cost less than a record would.
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

/**
 * Leaves of at most this many elements stay referenced by a freed graph: a micrograd-style graph
 * reads thousands of 0-d constants, and a record (or a WeakMap entry, or a WeakRef, which keeps its
 * target until the synchronous job ends anyway) would cost more than the constant itself.
 */
const KEPT_LEAF_SIZE = 64;

// How many nodes have been made; each new node takes the next count as its sequence number.
let nodesMade = 0;

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
// Every field is declared (`declare`, so no class-field initializer is emitted) and assigned once in
// the constructor, in one order: a graph makes a node per op, and a constructor with no separate
// initializer function stays small enough for V8 to inline into every op.
export class Node {
  /** The op's name (`'mul'`, `'matmul'`), as in error messages and `toDot`. */
  declare readonly name: string;
  /** Shape of the op's output. */
  declare readonly shape: Shape;
  /** Dtype of the op's output. */
  declare readonly dtype: DType;
  /** The op's backward rule; null once the graph has been freed by a backward pass without `retainGraph`. */
  declare rule: BackwardRule<unknown> | null;
  /** What the rule reads besides the inputs (dims, shapes, saved outputs); null once released. */
  declare params: unknown;
  /**
   * The tensors the op read, in argument order, while the graph is live. Once released the same
   * array holds what is left of them (read it through `released`).
   */
  declare readonly inputs: readonly Tensor[];
  /**
   * The tensors backward reads (checked for in-place writes): one tensor as itself, several as an
   * array (no array for the common single case: a 0-d graph makes millions of nodes); null once
   * released.
   */
  declare saved: Saved | null;
  /** Hooks registered on the output tensor, run on its full gradient before it flows on. */
  declare hooks: GradHook[] | null;
  /** The output tensor when `retainGrad()` asked for its `.grad`. */
  declare retained: Tensor | null;
  /** Where the op was created; recorded only under `detectAnomaly`. */
  declare readonly createdAt: string | null;
  /** The global in-place write number when the node was made (see version.ts). */
  declare readonly madeAtWrite: number;
  /**
   * Made after every node it reads from: a node's inputs come from nodes made before it, so nodes
   * in decreasing `sequence` are in an order backward may run them in (PyTorch's `sequence_nr`).
   */
  declare readonly sequence: number;
  /** Engine scratch: the gradient summed so far during one backward pass. */
  declare pending: Tensor | null;
  /**
   * Engine scratch: while a backward pass orders the graph, minus the number of the traversal that
   * reached this node; then the node's place in that pass's order.
   */
  declare visit: number;

  constructor(
    name: string,
    inputs: readonly Tensor[],
    saved: Saved,
    rule: BackwardRule<never>,
    params: unknown,
    shape: Shape,
    dtype: DType,
  ) {
    this.name = name;
    this.shape = shape;
    this.dtype = dtype;
    this.rule = rule;
    this.params = params;
    this.inputs = inputs;
    this.saved = saved;
    this.hooks = null;
    this.retained = null;
    this.createdAt = isAnomalyEnabled() ? creationSite() : null;
    this.madeAtWrite = latestWrite();
    this.sequence = ++nodesMade;
    this.pending = null;
    this.visit = 0;
  }

  /** True once a backward pass without `retainGraph` has released this node's saved values. */
  get freed(): boolean {
    return this.rule === null;
  }

  /**
   * After release: per input, the node that produced it, the leaf itself (a parameter or a small
   * constant) or a shape-only record of a large leaf; null while the graph is live.
   */
  get released(): readonly (Node | Tensor | ReleasedLeaf)[] | null {
    return this.rule === null ? (this.inputs as readonly (Node | Tensor | ReleasedLeaf)[]) : null;
  }

  /**
   * Drops every reference to tensor data the node holds (its backward closure, saved tensors,
   * input activations, retained output), keeping the graph's structure for `gradFn`, `toDot` and
   * `graphToSvg`. attach() took ownership of the inputs array, so it is rewritten in place: an
   * activation becomes the node that produced it, a large data leaf a record of its shape. (A
   * 0-d graph releases millions of nodes: no allocation and no write that is not needed.)
   */
  release(): void {
    const kept = this.inputs as (Tensor | Node | ReleasedLeaf)[];
    for (let i = 0; i < kept.length; i++) {
      const t = kept[i] as Tensor;
      const producer = t.gradFn;
      if (producer !== null) kept[i] = producer;
      else if (!t.requiresGrad && t.size > KEPT_LEAF_SIZE) kept[i] = new ReleasedLeaf(t);
    }
    this.saved = null;
    this.rule = null;
    this.params = null;
    if (this.retained !== null) this.retained = null;
  }
}

/**
 * Whether op `name` must record `out`: grad mode is on and an input needs a gradient. Every op calls
 * it on its result, recording or not, so that `detectAnomaly` sees every op's output.
 */
export function recording(name: string, out: Tensor, a: Tensor, b?: Tensor): boolean {
  if (checksForward()) checkForward(name, out);
  return isGradEnabled() && (a.requiresGrad || b?.requiresGrad === true);
}

/** `recording` for ops with a list of inputs. */
export function recordingAll(name: string, out: Tensor, inputs: readonly Tensor[]): boolean {
  if (checksForward()) checkForward(name, out);
  if (!isGradEnabled()) return false;
  for (const t of inputs) if (t.requiresGrad) return true;
  return false;
}

/**
 * Makes `out` a non-leaf produced by op `name` from `inputs`, with `rule` (from the op family's rule
 * table) as its chain rule and `params` as what the rule reads besides the inputs. The node takes
 * ownership of the `inputs` array (pass a fresh one, never a caller's). `saved` lists every tensor
 * whose values the rule reads (inputs or the output), so that an in-place write to one of them
 * before backward is an error, not a wrong gradient. Callers check `recording` first so that
 * inference pays for nothing.
 */
export function attach(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: Saved,
  rule: BackwardRule<undefined>,
): Tensor;
export function attach<P>(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: Saved,
  rule: BackwardRule<P>,
  params: P,
): Tensor;
export function attach(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: Saved,
  rule: BackwardRule<never>,
  params?: unknown,
): Tensor {
  out.gradFn = new Node(name, inputs, saved, rule, params, out.shape, out.dtype);
  return out;
}

/**
 * What a product `a * b` (elementwise, matmul, linear) saves: each operand's gradient reads the
 * other operand, so `b` is saved only when `a` needs a gradient and vice versa (as PyTorch).
 */
export function savedForProduct(a: Tensor, b: Tensor): Saved {
  if (a.requiresGrad) return b.requiresGrad ? [a, b] : b;
  return b.requiresGrad ? a : SAVES_NOTHING;
}
