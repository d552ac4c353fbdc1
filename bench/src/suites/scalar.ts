// Scalar graphs: a micrograd-style MLP over 0-d tensors, against the same expression on
// micrograd's Value. This is the worst case for a tensor engine: every node is one number, so the
// cost is all per-op overhead (shape checks, allocation, graph bookkeeping), none of it arithmetic.
import { manualSeed, randn, scalar, type Tensor } from '@backprop/core';
import { type BenchCase, type BenchSuite, fmt, runCases } from '../harness.js';
import { topoSort, Value } from '../micrograd.js';

/** The three methods the expression uses, shared by Tensor and Value (and the compare adapters). */
export interface ScalarLike<T> {
  add(other: T): T;
  mul(other: T): T;
  tanh(): T;
}

const NIN = 8;
const HIDDEN = 13;
const SAMPLES = 4;

/** Weights per neuron then bias, as micrograd's Neuron: act = b + sum_i w_i x_i. */
export interface Params<T> {
  hidden: { w: T[]; b: T }[];
  out: { w: T[]; b: T };
}

function neuron<T extends ScalarLike<T>>(n: { w: T[]; b: T }, x: readonly T[]): T {
  let act = n.b;
  for (let i = 0; i < n.w.length; i++) act = act.add(n.w[i]!.mul(x[i]!));
  return act;
}

/**
 * Sum over samples of (mlp(x) - y)^2, with tanh hidden units and a linear output; `minusOne` is the
 * constant -1 in T (the expression uses only add, mul and tanh).
 *
 * @example
 * ```ts
 * const { p, xs, ys, m1 } = build((v) => new Value(v));
 * expression(p, xs, ys, m1).backward();
 * ```
 */
export function expression<T extends ScalarLike<T>>(p: Params<T>, xs: T[][], ys: T[], minusOne: T): T {
  let loss: T | null = null;
  for (let s = 0; s < xs.length; s++) {
    const h = p.hidden.map((n) => neuron(n, xs[s]!).tanh());
    const d = neuron(p.out, h).add(ys[s]!.mul(minusOne));
    const sq = d.mul(d);
    loss = loss === null ? sq : loss.add(sq);
  }
  return loss!;
}

// Same random numbers for both engines, so they compute the same value.
function numbers(count: number): number[] {
  return Array.from(randn([count]).data());
}

/**
 * The expression's leaves in T: `make(v, isParam)` wraps each number; `draw` supplies them (by
 * default from backprop's seeded randn, so call `manualSeed` first for repeatable numbers).
 *
 * @example
 * ```ts
 * const leaves = build((v) => new Value(v));
 * expression(leaves.p, leaves.xs, leaves.ys, leaves.m1).data;
 * ```
 */
export function build<T>(
  make: (v: number, isParam: boolean) => T,
  draw: (count: number) => number[] = numbers,
): { p: Params<T>; xs: T[][]; ys: T[]; m1: T } {
  const neuronOf = (nin: number) => ({ w: draw(nin).map((v) => make(v, true)), b: make(0, true) });
  const p = { hidden: Array.from({ length: HIDDEN }, () => neuronOf(NIN)), out: neuronOf(HIDDEN) };
  const xs = Array.from({ length: SAMPLES }, () => draw(NIN).map((v) => make(v, false)));
  const ys = draw(SAMPLES).map((v) => make(v, false));
  return { p, xs, ys, m1: make(-1, false) };
}

function cases(nodes: number): { cases: BenchCase[]; check: string } {
  manualSeed(0);
  const t = build<Tensor>((v, isParam) => scalar(v, { requiresGrad: isParam, dtype: 'float64' }));
  manualSeed(0);
  const m = build<Value>((v) => new Value(v));
  const tv = expression(t.p, t.xs, t.ys, t.m1).item();
  const mv = expression(m.p, m.xs, m.ys, m.m1).data;
  if (Math.abs(tv - mv) > 1e-9 * Math.max(1, Math.abs(mv)))
    throw new Error(`scalar suite: engines disagree (${tv} vs ${mv})`);
  const work = { perCall: nodes, scale: 1e6, unit: 'M nodes/s' };
  return {
    check: `both engines give loss ${fmt(mv)} over ${nodes} op nodes`,
    cases: [
      { name: 'backprop 0-d forward', fn: () => void expression(t.p, t.xs, t.ys, t.m1), work },
      { name: 'backprop 0-d fwd+bwd', fn: () => expression(t.p, t.xs, t.ys, t.m1).backward(), work },
      { name: 'micrograd forward', fn: () => void expression(m.p, m.xs, m.ys, m.m1), work },
      { name: 'micrograd fwd+bwd', fn: () => expression(m.p, m.xs, m.ys, m.m1).backward(), work },
    ],
  };
}

/**
 * Op nodes (non-leaves) in one evaluation, counted on the micrograd graph: 1,003.
 *
 * @example
 * ```ts
 * const work = { perCall: countNodes(), scale: 1e6, unit: 'M nodes/s' };
 * ```
 */
export function countNodes(): number {
  const m = build<Value>((v) => new Value(v));
  return topoSort(expression(m.p, m.xs, m.ys, m.m1)).filter((v) => v._prev.length > 0).length;
}

/**
 * The scalar-graph suite against micrograd (`pnpm bench scalar`).
 *
 * @example
 * ```ts
 * const { cases, notes } = scalarSuite.run();
 * ```
 */
export const scalarSuite: BenchSuite = {
  name: 'scalar',
  description: `2-layer MLP (${NIN}-${HIDDEN}-1, tanh) on ${SAMPLES} samples, squared error, one 0-d tensor per number`,
  run() {
    const { cases: list, check } = cases(countNodes());
    const rows = runCases('scalar', list);
    const hz = (name: string) => rows.find((r) => r.name === name)?.opsPerSec ?? Number.NaN;
    const ratio = (what: string) => hz(`micrograd ${what}`) / hz(`backprop 0-d ${what}`);
    return {
      cases: rows,
      notes: [
        check,
        `micrograd Value / backprop 0-d tensors: ${fmt(ratio('forward'))}x forward, ${fmt(ratio('fwd+bwd'))}x fwd+bwd`,
      ],
    };
  },
};
