import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkForward, checksForward, creationSite, isAnomalyEnabled } from './anomaly.js';
import { isGradEnabled } from './grad-mode.js';

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
  /** Input `i`, as `inputs[i]` without making the array (a node of one or two inputs has none). */
  input(i: number): Tensor;
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

/** The sequence number of the latest node made (0 before any). */
export function latestSequence(): number {
  return nodesMade;
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
  // A node keeps its first two inputs in fields rather than in an array: a 0-d graph makes
  // millions of nodes, and the array was a fifth of each one's memory. Read them through `inputs`,
  // `input(i)` and `released`; once released the fields hold what is left of the inputs.
  /** @internal The op's first input. */
  declare first: Tensor;
  /** @internal The op's second input; null for an op of one input or of more than two. */
  declare second: Tensor | null;
  /** @internal Every input, for an op of more than two inputs (or none); else null. */
  declare readonly all: Tensor[] | null;
  /**
   * The tensors backward reads (checked for in-place writes): one tensor as itself, several as an
   * array (no array for the common single case: a 0-d graph makes millions of nodes); null once
   * released.
   */
  declare saved: Saved | null;
  // Hooks, a retained output and the creation site are rare: one field for the three, null while
  // none is set, saves every other node two words.
  declare private extras: NodeExtras | null;
  /**
   * Made after every node it reads from: a node's inputs come from nodes made before it, so nodes
   * in decreasing `sequence` are in an order backward may run them in (PyTorch's `sequence_nr`).
   * In-place writes are stamped with the latest sequence at the time (version.ts), so a write
   * after this node was made is one whose stamp is at least this number.
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
    first: Tensor,
    second: Tensor | null,
    all: Tensor[] | null,
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
    this.first = first;
    this.second = second;
    this.all = all;
    this.saved = saved;
    this.extras = isAnomalyEnabled() ? newExtras(creationSite()) : null;
    this.sequence = ++nodesMade;
    this.pending = null;
    this.visit = 0;
  }

  /**
   * The tensors the op read, in argument order, while the graph is live (after release, read
   * `released`). A fresh array for an op of one or two inputs: rules read `input(i)` instead.
   */
  get inputs(): readonly Tensor[] {
    return this.all ?? (this.second === null ? [this.first] : [this.first, this.second]);
  }

  /** How many inputs the op read. */
  get arity(): number {
    return this.all === null ? (this.second === null ? 1 : 2) : this.all.length;
  }

  /** Input `i` (0-based, below `arity`). */
  input(i: number): Tensor {
    if (this.all !== null) return this.all[i]!;
    return i === 0 ? this.first : this.second!;
  }

  /** Hooks registered on the output tensor, run on its full gradient before it flows on. */
  get hooks(): GradHook[] | null {
    return this.extras === null ? null : this.extras.hooks;
  }

  /** Replaces the node's hooks (registerHook appends to them). */
  set hooks(hooks: GradHook[] | null) {
    this.extrasForWrite().hooks = hooks;
  }

  /** The output tensor when `retainGrad()` asked for its `.grad`. */
  get retained(): Tensor | null {
    return this.extras === null ? null : this.extras.retained;
  }

  /** Sets the output tensor whose `.grad` backward keeps (retainGrad). */
  set retained(t: Tensor | null) {
    this.extrasForWrite().retained = t;
  }

  /** Where the op was created; recorded only under `detectAnomaly`. */
  get createdAt(): string | null {
    return this.extras === null ? null : this.extras.createdAt;
  }

  /** @internal Whether the node has hooks or a retained output (its gradient must be a tensor). */
  get observed(): boolean {
    return this.extras !== null && (this.extras.hooks !== null || this.extras.retained !== null);
  }

  private extrasForWrite(): NodeExtras {
    this.extras ??= newExtras(null);
    return this.extras;
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
   * `graphToSvg`. The input fields (and the array of an op of more than two inputs, which attach()
   * took ownership of) are rewritten in place: an activation becomes the node that produced it, a
   * large data leaf a record of its shape. (A 0-d graph releases millions of nodes: no allocation
   * beyond those records.)
   */
  release(): void {
    const all = this.all as (Tensor | Node | ReleasedLeaf)[] | null;
    if (all !== null) {
      for (let i = 0; i < all.length; i++) all[i] = remnant(all[i] as Tensor);
      this.first = all[0] as Tensor;
    } else {
      this.first = remnant(this.first) as Tensor;
      if (this.second !== null) this.second = remnant(this.second) as Tensor;
    }
    this.saved = null;
    this.rule = null;
    this.params = null;
    if (this.extras !== null) this.extras.retained = null;
  }
}

// What a released node keeps of input `t`: its producer, the leaf itself, or a shape-only record.
function remnant(t: Tensor): Tensor | Node | ReleasedLeaf {
  const producer = t.gradFn;
  if (producer !== null) return producer;
  return !t.requiresGrad && t.size > KEPT_LEAF_SIZE ? new ReleasedLeaf(t) : t;
}

interface NodeExtras {
  hooks: GradHook[] | null;
  retained: Tensor | null;
  createdAt: string | null;
}

// Apart from the constructor, which V8 inlines into every op only while it stays small.
function newExtras(createdAt: string | null): NodeExtras {
  return { hooks: null, retained: null, createdAt };
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
 * Makes `out` a non-leaf produced by op `name` from `first` (and `second`, for an op of two inputs;
 * null for one), with `rule` (from the op family's rule table) as its chain rule and `params` as
 * what the rule reads besides the inputs. `saved` lists every tensor whose values the rule reads
 * (inputs or the output), so that an in-place write to one of them before backward is an error,
 * not a wrong gradient. Callers check `recording` first so that inference pays for nothing. The
 * inputs come one by one, not in an array: an op that V8 does not inline this into would make the
 * array for nothing, a fifth of a 0-d node's memory.
 */
export function attach(
  out: Tensor,
  name: string,
  first: Tensor,
  second: Tensor | null,
  saved: Saved,
  rule: BackwardRule<undefined>,
): Tensor;
export function attach<P>(
  out: Tensor,
  name: string,
  first: Tensor,
  second: Tensor | null,
  saved: Saved,
  rule: BackwardRule<P>,
  params: P,
): Tensor;
export function attach(
  out: Tensor,
  name: string,
  first: Tensor,
  second: Tensor | null,
  saved: Saved,
  rule: BackwardRule<never>,
  params?: unknown,
): Tensor {
  out.gradFn = new Node(name, first, second, null, saved, rule, params, out.shape, out.dtype);
  return out;
}

/**
 * `attach` for an op of any number of inputs, given as an array the node takes ownership of (pass a
 * fresh one, never a caller's).
 */
export function attachAll(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: Saved,
  rule: BackwardRule<undefined>,
): Tensor;
export function attachAll<P>(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: Saved,
  rule: BackwardRule<P>,
  params: P,
): Tensor;
export function attachAll(
  out: Tensor,
  name: string,
  inputs: readonly Tensor[],
  saved: Saved,
  rule: BackwardRule<never>,
  params?: unknown,
): Tensor {
  const count = inputs.length;
  if (count === 1 || count === 2)
    return attach(out, name, inputs[0]!, inputs[1] ?? null, saved, rule, params);
  out.gradFn = new Node(
    name,
    inputs[0]!,
    null,
    inputs as Tensor[],
    saved,
    rule,
    params,
    out.shape,
    out.dtype,
  );
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
