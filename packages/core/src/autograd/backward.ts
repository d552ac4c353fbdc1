import { kernelsFor, onBuiltInCpu } from '../backend/dispatch.js';
import { describe, isTensor } from '../checks.js';
import type { TypedArray } from '../dtype.js';
import { AutogradError, fmtShape } from '../errors.js';
import { scalarOf } from '../ops/kernels.js';
import { sumToShape } from '../ops/reduce.js';
import { shapesEqual } from '../shape.js';
import { leafSlot, scalarValue, type Tensor } from '../tensor.js';
import { checkBackward, inBackward, isAnomalyEnabled } from './anomaly.js';
import { withGradMode } from './grad-mode.js';
import { type GradHook, type Node, type ScalarPartial, scalarRuleOf } from './node.js';
import { checkSavedVersions } from './version.js';

/** Options of the backward pass. */
export interface BackwardOptions {
  /** Keep the graph's saved values so that backward can run through it again. */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

interface EngineRequest extends BackwardOptions {
  /** When given, return the gradients of these tensors instead of accumulating into leaves' `.grad`. */
  inputs?: readonly Tensor[];
}

let traversal = 0;

/**
 * Reverse-mode pass from `roots` seeded with `seeds`. Nodes are found with an explicit stack (no
 * recursion, so a million-node chain is fine) and run latest made first; every consumer of a
 * tensor runs before its producer, so each node sees its whole gradient once. Leaves' `.grad` are
 * written only at the end, so a pass that throws leaves them as they were.
 */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  request: EngineRequest,
): (Tensor | null)[] {
  const { createGraph = false, inputs } = request;
  // As in PyTorch, recording the backward pass keeps the graph unless told otherwise.
  const retainGraph = request.retainGraph ?? createGraph;
  const order = topologicalOrder(roots);
  const inputNodes = new Set(inputs?.map((t) => t.gradFn).filter((n): n is Node => n !== null));
  const wanted = inputs ? markWanted(order, inputs, inputNodes) : null;
  // Everything that can be refused is refused before any node runs or any gradient is written.
  for (const node of order) {
    if (wanted !== null && !wanted.has(node)) continue;
    if (node.freed) {
      throw new AutogradError(
        `backward: trying to backward through the graph a second time (op ${node.name} was already freed); ` +
          'pass { retainGraph: true } to the first backward() if you need to backward twice',
      );
    }
    checkSavedVersions(node);
  }

  const pass = new PassSums(order);
  try {
    return runPass(roots, seeds, request, { order, wanted, inputNodes, retainGraph }, pass);
  } finally {
    pass.leaves.close();
  }
}

// What runBackward found before running anything: the nodes in order, those that grad() needs
// (null: all), the nodes of grad()'s non-leaf inputs, and whether the graph is kept.
interface Plan {
  readonly order: readonly Node[];
  readonly wanted: Set<Node> | null;
  readonly inputNodes: Set<Node>;
  readonly retainGraph: boolean;
}

// runBackward's pass over the checked order: each node's rule run, then the gradients written.
function runPass(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  request: EngineRequest,
  plan: Plan,
  pass: PassSums,
): (Tensor | null)[] {
  const { createGraph = false, inputs } = request;
  const { order, wanted, inputNodes, retainGraph } = plan;
  const leafGrads = pass.leaves;
  const inputGrads = new Map<Node, Tensor>();
  // Non-leaf gradients kept by retainGrad(), written only once the whole pass has succeeded.
  const retainedGrads: [Tensor, Tensor][] = [];
  // Gradients go as plain numbers through 0-d nodes whose rules have a number version, unless
  // something must see them as tensors (createGraph records them; anomaly mode checks each one).
  const numbers = !createGraph && !isAnomalyEnabled();
  let completed = false;
  try {
    withGradMode(createGraph, () => {
      roots.forEach((root, i) => {
        pass.deliver(root, seeds[i]!);
      });
      // Only grad() captures: a plain backward() skips the Set lookup on every node.
      const capturing = inputNodes.size > 0;
      for (let k = 0; k < order.length; k++) {
        const node = order[k]!;
        const runs = wanted === null || wanted.has(node);
        const captures = capturing && inputNodes.has(node);
        if (!runs && !captures) continue;
        const plain = numbers && runs && !captures && !node.observed;
        const partials = plain ? numberRule(node) : undefined;
        if (partials !== undefined && pass.holdsNumber(node, k)) {
          runOnNumbers(node, partials, pass.takeNumber(node, k), pass);
        } else {
          let dy = pass.takeTensor(node, k);
          if (dy === null) continue;
          dy = runHooks(node.hooks, dy, node.name);
          if (captures) inputGrads.set(node, dy);
          else if (node.retained && !inputs) retainedGrads.push([node.retained, dy]);
          if (!runs) continue;
          runOnTensors(node, dy, pass);
        }
        // Free the saved activations as soon as they are used: peak memory stays one graph's worth.
        if (!retainGraph) node.release();
      }
    });
    completed = true;
  } finally {
    // A full pass has already cleared every node's pending gradient; a failed or partial one may not have.
    if (!completed || wanted !== null) for (const node of order) node.pending = null;
  }

  if (inputs) {
    return inputs.map((t) => (t.gradFn ? (inputGrads.get(t.gradFn) ?? null) : leafGrads.get(t)));
  }
  // All or nothing: every leaf hook runs and every existing .grad is checked before any .grad changes.
  // (Indexed loops, not for-of over Map entries: this tail runs once per backward, mostly before
  // V8 optimizes it, and a destructured entry per leaf cost a micrograd-style graph 7%.)
  const sums = leafGrads.sums;
  for (let k = 0; k < sums.length; k++) {
    const entry = sums[k]!;
    // A hook may keep the gradient it saw, so a leaf with hooks never takes ownership of it.
    if (entry.leaf.hooks !== null) {
      entry.sum = runHooks(entry.leaf.hooks, entry.tensor(), 'leaf');
      entry.owned = false;
    }
    checkAccumulable(entry.leaf);
  }
  for (const [t] of retainedGrads) checkAccumulable(t);
  for (const [t, g] of retainedGrads) accumulateGrad(t, g, createGraph);
  for (let k = 0; k < sums.length; k++) {
    const entry = sums[k]!;
    if (entry.sum === null) accumulateNumber(entry.leaf, entry.value);
    else accumulateGrad(entry.leaf, entry.sum, createGraph, entry.owned);
  }
  return [];
}

// A node's backward rule on tensors: each input's gradient, fitted to the input, delivered.
function runOnTensors(node: Node, dy: Tensor, pass: PassSums): void {
  // No closure here: capturing the loop's variables would give every iteration a heap context.
  const grads = isAnomalyEnabled() ? inBackward(node, dy) : node.rule!(dy, node);
  // A plain loop, not forEach: no closure per node on million-node graphs.
  for (let i = 0, arity = node.arity; i < arity; i++) {
    const input = node.input(i);
    const g = grads[i];
    if (!g || !input.requiresGrad) continue;
    if (isAnomalyEnabled()) checkBackward(node.name, g, i, node.createdAt);
    pass.deliver(input, fitGradient(node.name, g, input, i));
  }
}

const exact = (v: number): number => v;

// The same on numbers, with the partials numberRule found.
function runOnNumbers(
  node: Node,
  partials: readonly ScalarPartial<unknown>[],
  dy: number,
  pass: PassSums,
): void {
  const round = node.dtype === 'float32' ? Math.fround : exact;
  for (let i = 0, arity = node.arity; i < arity; i++) {
    const input = node.input(i);
    if (input.requiresGrad) pass.deliverNumber(input, partials[i]!(dy, node, round), round);
  }
}

// The number version of a node's rule where its gradients may go as numbers: a 0-d float op whose
// inputs are 0-d (they broadcast to its 0-d output) of its dtype, on a built-in cpu backend, where
// the tensor rule would compute each number the same way (ops/kernels.ts's 0-d path).
function numberRule(node: Node): readonly ScalarPartial<unknown>[] | undefined {
  if (node.shape.length !== 0 || (node.dtype !== 'float64' && node.dtype !== 'float32')) return undefined;
  const arity = node.arity;
  for (let i = 0; i < arity; i++) if (node.input(i).dtype !== node.dtype) return undefined;
  if (!onBuiltInCpu(node.first, node.input(arity - 1))) return undefined;
  return scalarRuleOf(node.rule!);
}

// Gradients that an op's backward made fresh and handed to one input only: no view of anything the
// graph still uses, so a leaf may keep one as its `.grad` (and later add into it) without a copy.
const owned = new WeakSet<Tensor>();

/**
 * @internal Marks `g`, a fresh dense tensor an op's backward returns for exactly one input, as
 * owned by the engine, so that a leaf can keep it as `.grad` without the defensive copy.
 */
export function ownGradient(g: Tensor): Tensor {
  if (g.isContiguous()) owned.add(g);
  return g;
}

// One leaf's summed gradient (a tensor, or a number while every gradient came as one), and whether
// the engine owns that sum (one it made, or a gradient an op marked with ownGradient) so that
// nobody else holds it.
/** @internal */
export class LeafSum {
  readonly leaf: Tensor;
  /** The pass this sum belongs to. */
  readonly owner: LeafGradients;
  sum: Tensor | null;
  value: number;
  owned: boolean;

  constructor(leaf: Tensor, owner: LeafGradients, sum: Tensor | null, value: number, owned: boolean) {
    this.leaf = leaf;
    this.owner = owner;
    this.sum = sum;
    this.value = value;
    this.owned = owned;
  }

  /** The sum as a tensor (made from the number once it is needed as one). */
  tensor(): Tensor {
    if (this.sum === null) {
      this.sum = scalarOf(this.value, this.leaf.dtype);
      this.owned = true;
    }
    return this.sum;
  }
}

// Every leaf's sum, in the order leaves were first reached. Kept per leaf, not per gradient, so a
// leaf used by many ops (a micrograd-style weight) costs one record, found through the leaf's own
// slot (tensor.ts's leafSlot) rather than a Map: a micrograd-style graph delivers to its weights
// several times per node it runs, and a Map lookup each time was a tenth of its backward. A pass
// started while another runs (backward from a hook) leaves the slots the outer one holds alone and
// keeps those leaves in a Map of its own.
class LeafGradients {
  readonly sums: LeafSum[] = [];
  private byLeaf: Map<Tensor, LeafSum> | null = null;

  /** The summed gradient of `leaf`, or null when none reached it. */
  get(leaf: Tensor): Tensor | null {
    return this.find(leaf)?.tensor() ?? null;
  }

  add(leaf: Tensor, g: Tensor): void {
    const entry = this.find(leaf);
    if (entry === undefined) {
      this.record(new LeafSum(leaf, this, g, 0, owned.has(g)));
    } else {
      // A sum made here is fresh and seen by nobody else.
      entry.sum = entry.tensor().add(g);
      entry.owned = true;
    }
  }

  /** `add` for a gradient that came as a number, summed as the tensors would be (`round`). */
  addNumber(leaf: Tensor, g: number, round: (v: number) => number): void {
    const entry = this.find(leaf);
    if (entry === undefined) this.record(new LeafSum(leaf, this, null, g, true));
    else if (entry.sum === null) entry.value = round(entry.value + g);
    else {
      entry.sum = entry.sum.add(scalarOf(g, leaf.dtype));
      entry.owned = true;
    }
  }

  /** Empties the slots this pass holds, so that no leaf keeps its gradient sum alive after it. */
  close(): void {
    const sums = this.sums;
    for (let k = 0; k < sums.length; k++) {
      const entry = sums[k]!;
      const slot = leafSlot(entry.leaf);
      if (slot !== null && slot.current === entry) slot.current = null;
    }
  }

  private find(leaf: Tensor): LeafSum | undefined {
    const held = leafSlot(leaf)?.current;
    if (held != null && held.owner === this) return held;
    return this.byLeaf?.get(leaf);
  }

  private record(entry: LeafSum): void {
    const slot = leafSlot(entry.leaf);
    // A slot another pass holds is that of a pass still running (each empties its own at its end).
    if (slot !== null && slot.current === null) slot.current = entry;
    else {
      this.byLeaf ??= new Map();
      this.byLeaf.set(entry.leaf, entry);
    }
    this.sums.push(entry);
  }
}

/**
 * The gradients summed during one pass: on each node a tensor (`pending`) or, while every
 * gradient it got came as a number, a number here, by the node's place in the order; and each
 * leaf's total. A sum mixing both becomes a tensor at the point a tensor arrives, so the terms
 * are added in the order they arrive, as if all had been tensors. Takes the order as
 * topologicalOrder leaves it: each node's `visit` is its place.
 */
class PassSums {
  readonly leaves = new LeafGradients();
  private readonly order: readonly Node[];
  private readonly values: Float64Array;
  private readonly held: Uint8Array;

  constructor(order: readonly Node[]) {
    this.order = order;
    this.values = new Float64Array(order.length);
    this.held = new Uint8Array(order.length);
  }

  /** Adds gradient `g` to what `t` has so far; sums make a new tensor, since `g` may be another op's. */
  deliver(t: Tensor, g: Tensor): void {
    const node = t.gradFn;
    if (node === null) {
      this.leaves.add(t, g);
      return;
    }
    const s = this.slotOf(node);
    if (this.held[s] === 1) {
      this.held[s] = 0;
      node.pending = scalarOf(this.values[s]!, node.dtype).add(g);
    } else {
      node.pending = node.pending === null ? g : node.pending.add(g);
    }
  }

  /** `deliver` for a gradient that came as a number (0-d, of t's dtype). */
  deliverNumber(t: Tensor, g: number, round: (v: number) => number): void {
    const node = t.gradFn;
    if (node === null) {
      this.leaves.addNumber(t, g, round);
      return;
    }
    const s = this.slotOf(node);
    if (node.pending !== null) {
      node.pending = node.pending.add(scalarOf(g, t.dtype));
    } else if (this.held[s] === 1) {
      this.values[s] = round(this.values[s]! + g);
    } else {
      this.values[s] = g;
      this.held[s] = 1;
    }
  }

  /** Whether node `k` of the order has a gradient that can be read as a number. */
  holdsNumber(node: Node, k: number): boolean {
    if (this.held[k] === 1) return true;
    const p = node.pending;
    return p !== null && p.shape.length === 0 && p.dtype === node.dtype && p.device === 'cpu';
  }

  /** Node `k`'s gradient as a number (holdsNumber was true), cleared. */
  takeNumber(node: Node, k: number): number {
    if (this.held[k] === 1) {
      this.held[k] = 0;
      return this.values[k]!;
    }
    const p = node.pending!;
    node.pending = null;
    return scalarValue(p);
  }

  /** Node `k`'s gradient as a tensor, or null where none reached it; cleared. */
  takeTensor(node: Node, k: number): Tensor | null {
    if (this.held[k] === 1) {
      this.held[k] = 0;
      return scalarOf(this.values[k]!, node.dtype);
    }
    const p = node.pending;
    node.pending = null;
    return p;
  }

  // A backward run from user code during this pass (a hook, a custom op's backward) renumbers the
  // nodes it shares with this one: found by the check, and numbered again for this pass.
  private slotOf(node: Node): number {
    if (this.order[node.visit] !== node) {
      for (let k = 0; k < this.order.length; k++) this.order[k]!.visit = k;
    }
    return node.visit;
  }
}

// Sums a broadcast gradient back to the input's shape and casts it to the input's dtype: the one
// place that does this, so op rules never need to. (Every rule returns Tensors or null: built-in
// ones by construction, customOp's are checked where they return.) The common case (a tensor of the
// input's shape and dtype) is kept small so that V8 inlines it into the engine's loop.
function fitGradient(op: string, g: Tensor, input: Tensor, index: number): Tensor {
  if (g.dtype === input.dtype && shapesEqual(g.shape, input.shape)) return g;
  return fitGradientSlow(op, g, input, index);
}

function fitGradientSlow(op: string, g: Tensor, input: Tensor, index: number): Tensor {
  let out = g;
  if (!shapesEqual(out.shape, input.shape) && broadcastsTo(input.shape, g.shape)) {
    out = sumToShape(out, input.shape);
  }
  if (!shapesEqual(out.shape, input.shape)) {
    throw new AutogradError(
      `${op} backward: gradient of shape ${fmtShape(g.shape)} does not fit input ${index} of shape ${fmtShape(input.shape)}`,
    );
  }
  return out.dtype === input.dtype ? out : out.to(input.dtype);
}

// Whether `shape` broadcasts to `target`, i.e. a gradient of `target` can be summed back to `shape`.
function broadcastsTo(shape: readonly number[], target: readonly number[]): boolean {
  const lead = target.length - shape.length;
  return lead >= 0 && shape.every((d, i) => d === 1 || d === target[lead + i]);
}

// Runs hooks in order; a hook may return a replacement, which must look exactly like what it got.
// The no-hook case stays small enough to inline into the engine's loop.
function runHooks(hooks: readonly GradHook[] | null, g: Tensor, owner: string): Tensor {
  return hooks === null ? g : runHookList(hooks, g, owner);
}

function runHookList(hooks: readonly GradHook[], g: Tensor, owner: string): Tensor {
  let out = g;
  for (const hook of hooks) {
    const r: unknown = hook(out);
    if (r === undefined) continue;
    const where =
      owner === 'leaf'
        ? `a hook on a leaf of shape ${fmtShape(g.shape)}`
        : `a hook on the output of ${owner}`;
    if (!isTensor(r)) {
      throw new AutogradError(`${where} returned ${describe(r)}; a hook returns a Tensor or nothing`);
    }
    if (!shapesEqual(r.shape, g.shape) || r.dtype !== g.dtype) {
      throw new AutogradError(
        `${where} returned a gradient of shape ${fmtShape(r.shape)} (${r.dtype}); expected ${fmtShape(g.shape)} (${g.dtype})`,
      );
    }
    out = r;
  }
  return out;
}

// A .grad the user assigned may not fit: refuse before any leaf is written.
function checkAccumulable(t: Tensor): void {
  const grad = t.grad;
  if (grad !== null && (!shapesEqual(grad.shape, t.shape) || grad.dtype !== t.dtype)) {
    throw new AutogradError(
      `backward: the existing .grad of shape ${fmtShape(grad.shape)} (${grad.dtype}) does not fit its tensor of ` +
        `shape ${fmtShape(t.shape)} (${t.dtype}); set it to null or to a gradient of the tensor's shape`,
    );
  }
}

// Adds `g` into the dense gradient `grad`'s storage: no new tensor for a gradient accumulated again.
function addInto(grad: Tensor, g: Tensor): void {
  const kernels = kernelsFor('backward', grad, g);
  const sum = kernels.binary('add', grad, g, grad.shape, grad.dtype);
  if (ArrayBuffer.isView(sum)) (grad.storage as TypedArray).set(sum, grad.offset);
  else kernels.copy({ storage: sum, shape: grad.shape, strides: grad.strides, offset: 0 }, grad);
}

function accumulateGrad(t: Tensor, g: Tensor, createGraph: boolean, own = false): void {
  const incoming = createGraph ? g : g.detach();
  if (t.grad === null) {
    // Own the storage: the gradient may be a view of a tensor the graph still uses (unless the
    // engine already owns it, see ownGradient).
    t.grad = createGraph || own ? incoming : incoming.contiguous(true);
  } else if (!createGraph && t.grad.gradFn === null && t.grad.isContiguous()) {
    addInto(t.grad, incoming);
  } else {
    t.grad = t.grad.add(incoming);
  }
}

// accumulateGrad for a gradient summed as a number (so on a built-in cpu backend, without
// createGraph): a 0-d .grad takes it in place, as addInto's kernel would add it.
function accumulateNumber(t: Tensor, g: number): void {
  const grad = t.grad;
  if (grad === null) t.grad = scalarOf(g, t.dtype);
  else if (grad.gradFn === null && grad.shape.length === 0 && grad.device === 'cpu') {
    const storage = grad.storage as TypedArray;
    storage[grad.offset] = storage[grad.offset]! + g;
  } else t.grad = grad.add(scalarOf(g, t.dtype));
}

// The nodes reachable from the roots (found with an explicit stack), latest made first. Every
// consumer of a tensor was made after its producer, so this is an order backward may run them in,
// and PyTorch's engine runs a graph in the same one (on one device, its ready node with the highest
// sequence number is always the highest left). This costs less than a depth-first post-order: the
// nodes of one graph are mostly made one after another, so their numbers fill a short range and
// each takes its place directly (a sort where they are spread out). Each node's `visit` is left at
// its place in the order, where PassSums looks it up.
function topologicalOrder(roots: readonly Tensor[]): Node[] {
  // Negative, so that no node's place in an earlier pass's order (PassSums) reads as visited.
  const mark = -++traversal;
  const found: Node[] = [];
  for (const root of roots) {
    const start = root.gradFn;
    if (start === null || start.visit === mark) continue;
    start.visit = mark;
    found.push(start);
  }
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (let k = 0; k < found.length; k++) {
    const node = found[k]!;
    first = Math.min(first, node.sequence);
    last = Math.max(last, node.sequence);
    for (let i = 0, arity = node.arity; i < arity; i++) {
      // (A tensor with a gradFn requires grad. A freed node's inputs may be nodes and shape
      // records, which have no gradFn.)
      const child = node.input(i).gradFn;
      if (child && child.visit !== mark) {
        child.visit = mark;
        found.push(child);
      }
    }
  }
  if (found.length === 0) return found;
  const span = last - first + 1;
  if (span > 4 * found.length + 64) {
    found.sort((a, b) => b.sequence - a.sequence);
    for (let k = 0; k < found.length; k++) found[k]!.visit = k;
    return found;
  }
  const places: (Node | undefined)[] = new Array(span);
  for (let k = 0; k < found.length; k++) places[last - found[k]!.sequence] = found[k];
  let k = 0;
  for (let p = 0; p < span; p++) {
    const node = places[p];
    if (node === undefined) continue;
    node.visit = k;
    found[k++] = node;
  }
  return found;
}

// The nodes whose backward must run for grad(): those with an input on a path to one of `inputs`.
function markWanted(order: readonly Node[], inputs: readonly Tensor[], inputNodes: Set<Node>): Set<Node> {
  const targets = new Set<Tensor>(inputs);
  const wanted = new Set<Node>();
  const leadsToTarget = (t: Tensor): boolean =>
    targets.has(t) || (t.gradFn !== null && (wanted.has(t.gradFn) || inputNodes.has(t.gradFn)));
  for (let k = order.length - 1; k >= 0; k--) {
    const node = order[k]!;
    for (let i = 0, arity = node.arity; i < arity; i++) {
      if (leadsToTarget(node.input(i))) {
        wanted.add(node);
        break;
      }
    }
  }
  return wanted;
}
