// Random graphs of the differentiable core ops, on random small shapes with broadcasting, checked in
// float64 against central finite differences (gradcheck). Kinks are avoided by construction: an op
// is only added where the values it is given (computed while the graph is built) keep MARGIN away
// from its non-differentiable points (relu and abs at 0, ties of max/min/maximum/minimum and of
// pooling windows, clamp's bounds, ...), far more than the finite differences' step of 1e-6 moves
// them. A failure names the seed and prints the graph; replay it alone with
//   BACKPROP_PROPERTY_SEED=<seed> npx vitest run packages/core/test/gradcheck.property.test.ts
import * as bp from '@backprop/core';
import { type Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { int, pick, type Rng, seeded } from './seeded.js';

const MARGIN = 1e-3;
const MAX_SIZE = 96;
const RUNS = 120;

/** An op's arguments besides its tensors, as built (and printed) by the generator. */
interface Args {
  dim?: number;
  dims?: number[];
  keepDim?: boolean;
  shape?: number[];
  value?: number;
  lo?: number;
  hi?: number;
  index?: number[];
  indexShape?: number[];
  pad?: number[];
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
  kernel?: number;
  start?: number;
  end?: number;
  mask?: number[];
}

/** A node: a leaf (an input of the checked function) or an op on earlier nodes. */
interface GraphNode {
  op: string;
  inputs: number[];
  args: Args;
  shape: number[];
}

const int32 = (values: number[], shape: number[]) =>
  tensor(Int32Array.from(values), { shape, dtype: 'int32' });
const f64 = (values: ArrayLike<number>, shape: number[]) => tensor(Float64Array.from(values), { shape });

/** Each op of the generator on its input tensors. */
const APPLY: Record<string, (xs: Tensor[], a: Args) => Tensor> = {
  neg: ([x]) => bp.neg(x!),
  exp: ([x]) => bp.exp(x!),
  sin: ([x]) => bp.sin(x!),
  cos: ([x]) => bp.cos(x!),
  tanh: ([x]) => bp.tanh(x!),
  sigmoid: ([x]) => bp.sigmoid(x!),
  softplus: ([x]) => bp.softplus(x!),
  square: ([x]) => bp.square(x!),
  log: ([x]) => bp.log(x!),
  sqrt: ([x]) => bp.sqrt(x!),
  reciprocal: ([x]) => bp.reciprocal(x!),
  relu: ([x]) => bp.relu(x!),
  abs: ([x]) => bp.abs(x!),
  step: ([x]) => bp.step(x!),
  leakyRelu: ([x], a) => bp.leakyRelu(x!, a.value),
  elu: ([x], a) => bp.elu(x!, a.value),
  clamp: ([x], a) => bp.clamp(x!, a.lo, a.hi),
  powScalar: ([x], a) => bp.pow(x!, a.value!),
  add: ([x, y]) => bp.add(x!, y!),
  sub: ([x, y]) => bp.sub(x!, y!),
  mul: ([x, y]) => bp.mul(x!, y!),
  div: ([x, y]) => bp.div(x!, y!),
  pow: ([x, y]) => bp.pow(x!, y!),
  maximum: ([x, y]) => bp.maximum(x!, y!),
  minimum: ([x, y]) => bp.minimum(x!, y!),
  where: ([x, y], a) => bp.where(f64(a.mask!, a.shape!), x!, y!),
  sum: ([x], a) => bp.sum(x!, a.dims ?? a.dim, a.keepDim),
  mean: ([x], a) => bp.mean(x!, a.dims ?? a.dim, a.keepDim),
  max: ([x], a) => bp.max(x!, a.dims ?? a.dim, a.keepDim),
  min: ([x], a) => bp.min(x!, a.dims ?? a.dim, a.keepDim),
  var: ([x], a) => bp.var(x!, a.dims ?? a.dim, a.keepDim),
  std: ([x], a) => bp.std(x!, a.dims ?? a.dim, a.keepDim),
  norm: ([x], a) => bp.norm(x!, a.dims ?? a.dim, a.keepDim),
  logsumexp: ([x], a) => bp.logsumexp(x!, a.dims ?? a.dim, a.keepDim),
  softmax: ([x], a) => bp.softmax(x!, a.dim!),
  logSoftmax: ([x], a) => bp.logSoftmax(x!, a.dim!),
  matmul: ([x, y]) => bp.matmul(x!, y!),
  reshape: ([x], a) => bp.reshape(x!, a.shape!),
  transpose: ([x], a) => bp.transpose(x!, a.dims![0]!, a.dims![1]!),
  permute: ([x], a) => bp.permute(x!, a.dims!),
  unsqueeze: ([x], a) => bp.unsqueeze(x!, a.dim!),
  squeeze: ([x], a) => bp.squeeze(x!, a.dim),
  flatten: ([x], a) => bp.flatten(x!, a.dim),
  expand: ([x], a) => bp.expand(x!, a.shape!),
  slice: ([x], a) => bp.slice(x!, a.dim!, a.start, a.end),
  cat: (xs, a) => bp.cat(xs, a.dim),
  stack: (xs, a) => bp.stack(xs, a.dim),
  pad: ([x], a) => bp.pad(x!, a.pad!, a.value),
  gather: ([x], a) => bp.gather(x!, a.dim!, int32(a.index!, a.indexShape!)),
  indexSelect: ([x], a) => bp.indexSelect(x!, a.dim!, a.index!),
  conv2d: ([x, w, b], a) =>
    bp.conv2d(x!, w!, b, { stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups }),
  maxPool2d: ([x], a) => bp.maxPool2d(x!, a.kernel!, { stride: a.stride, padding: a.padding }),
  avgPool2d: ([x], a) => bp.avgPool2d(x!, a.kernel!, { stride: a.stride, padding: a.padding }),
};

const sizeOf = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/** Builds a random graph, computing each node's value as it goes so that kinks can be avoided. */
class Builder {
  readonly nodes: GraphNode[] = [];
  readonly values: Tensor[] = [];
  readonly leaves: Tensor[] = [];

  constructor(readonly rng: Rng) {}

  /** A new input of the graph: values uniform in [-2, 2], or in ±[0.5, 2] when `nonzero`. */
  leaf(shape: number[], nonzero = false): number {
    const draw = () =>
      nonzero ? (this.rng() < 0.5 ? -1 : 1) * (0.5 + 1.5 * this.rng()) : 4 * this.rng() - 2;
    const t = f64(Array.from({ length: sizeOf(shape) }, draw), shape);
    this.leaves.push(t);
    return this.push({ op: 'leaf', inputs: [], args: {}, shape }, t);
  }

  push(node: GraphNode, value: Tensor): number {
    this.nodes.push(node);
    this.values.push(value);
    return this.nodes.length - 1;
  }

  /** Adds op on `inputs` if its result is small enough; returns its node or null. */
  add(op: string, inputs: number[], args: Args): number | null {
    const out = APPLY[op]!(
      inputs.map((i) => this.values[i]!),
      args,
    );
    if (out.size === 0 || out.size > MAX_SIZE) return null;
    return this.push({ op, inputs, args, shape: [...out.shape] }, out);
  }

  data(i: number): Float64Array {
    return this.values[i]!.data() as Float64Array;
  }
}

const awayFrom = (v: ArrayLike<number>, points: number[]) =>
  Array.from(v).every((x) => points.every((p) => Math.abs(x - p) > MARGIN));

// The values of x grouped by the reduced dims (all when `dims` is undefined), one group per output.
function groups(x: Tensor, dims: number[] | undefined): number[][] {
  const reduced = (dims ?? x.shape.map((_, d) => d)).map((d) => (d < 0 ? d + x.ndim : d));
  const kept = x.shape.map((_, d) => d).filter((d) => !reduced.includes(d));
  const n = sizeOf(reduced.map((d) => x.shape[d]!));
  const rows = Array.from(bp.reshape(bp.permute(x, [...kept, ...reduced]), [-1, n]).data());
  return Array.from({ length: rows.length / n }, (_, r) => rows.slice(r * n, (r + 1) * n));
}

// Whether the largest (and the smallest) of each group stands MARGIN clear of the next.
function clearExtremes(gs: number[][]): boolean {
  return gs.every((g) => {
    const s = [...g].sort((a, b) => a - b);
    return s.length < 2 || (s[1]! - s[0]! > MARGIN && s[s.length - 1]! - s[s.length - 2]! > MARGIN);
  });
}

/** A shape that broadcasts with `shape`: some dims made 1 (or grown from 1), leading dims dropped or added. */
function broadcastPartner(rng: Rng, shape: readonly number[]): number[] {
  const r = rng();
  if (r < 0.2) return [];
  if (r < 0.4) return [...shape];
  const lead = rng() < 0.3 ? [int(rng, 2, 3)] : [];
  const tail = shape
    .slice(int(rng, 0, shape.length))
    .map((d) => (d === 1 ? int(rng, 1, 3) : rng() < 0.4 ? 1 : d));
  return [...lead, ...tail];
}

function randomDims(rng: Rng, ndim: number): { dim?: number; dims?: number[] } {
  const r = rng();
  if (ndim === 0 || r < 0.25) return {};
  if (r < 0.65) return { dim: int(rng, -ndim, ndim - 1) };
  const dims = Array.from({ length: ndim }, (_, d) => d).filter(() => rng() < 0.5);
  return dims.length ? { dims } : { dim: 0 };
}

function factorize(rng: Rng, size: number): number[] {
  const shape: number[] = [];
  let rest = size;
  while (rest > 1 && shape.length < 3) {
    const divisors = Array.from({ length: rest }, (_, i) => i + 1).filter((d) => rest % d === 0 && d > 1);
    const d = pick(rng, divisors);
    shape.push(d);
    rest /= d;
  }
  if (rest > 1) shape.push(rest);
  return rng() < 0.3 ? [...shape, 1] : shape;
}

type Grow = (b: Builder, x: number) => number | null;
const unary =
  (
    op: string,
    ok: (v: Float64Array) => boolean = () => true,
    args: (b: Builder) => Args = () => ({}),
  ): Grow =>
  (b, x) =>
    ok(b.data(x)) ? b.add(op, [x], args(b)) : null;
const positive = (v: Float64Array) => v.every((e) => e > 0.2 && e < 20);
const clearOfZero = (v: Float64Array) => awayFrom(v, [0]);

/** Each op's generator: picks arguments (and new leaves) for node x, or null where x does not suit it. */
const GROW: Record<string, Grow> = {
  neg: unary('neg'),
  exp: unary('exp', (v) => v.every((e) => e < 3)),
  sin: unary('sin'),
  cos: unary('cos'),
  tanh: unary('tanh'),
  sigmoid: unary('sigmoid'),
  softplus: unary('softplus'),
  square: unary('square', (v) => v.every((e) => Math.abs(e) < 10)),
  log: unary('log', positive),
  sqrt: unary('sqrt', positive),
  reciprocal: unary('reciprocal', positive),
  relu: unary('relu', clearOfZero),
  abs: unary('abs', clearOfZero),
  step: unary('step', clearOfZero),
  leakyRelu: unary('leakyRelu', clearOfZero, (b) => ({ value: pick(b.rng, [0.01, 0.2]) })),
  elu: unary('elu', clearOfZero, (b) => ({ value: pick(b.rng, [0.5, 1]) })),
  clamp: (b, x) => {
    const v = Array.from(b.data(x)).sort((p, q) => p - q);
    const lo = v[int(b.rng, 0, v.length - 1)]! - 0.01;
    const hi = b.rng() < 0.3 ? undefined : lo + 0.5 + b.rng();
    return awayFrom(v, hi === undefined ? [lo] : [lo, hi]) ? b.add('clamp', [x], { lo, hi }) : null;
  },
  powScalar: unary('powScalar', positive, (b) => ({ value: pick(b.rng, [-1.5, 0.5, 2, 3]) })),
  add: (b, x) => binary(b, x, 'add'),
  sub: (b, x) => binary(b, x, 'sub'),
  mul: (b, x) => binary(b, x, 'mul'),
  div: (b, x) => binary(b, x, 'div'),
  pow: (b, x) => (positive(b.data(x)) ? binary(b, x, 'pow') : null),
  maximum: (b, x) => binary(b, x, 'maximum'),
  minimum: (b, x) => binary(b, x, 'minimum'),
  where: (b, x) => binary(b, x, 'where'),
  sum: (b, x) => reduction(b, x, 'sum'),
  mean: (b, x) => reduction(b, x, 'mean'),
  max: (b, x) => reduction(b, x, 'max'),
  min: (b, x) => reduction(b, x, 'min'),
  var: (b, x) => reduction(b, x, 'var'),
  std: (b, x) => reduction(b, x, 'std'),
  norm: (b, x) => reduction(b, x, 'norm'),
  logsumexp: (b, x) => reduction(b, x, 'logsumexp'),
  softmax: (b, x) =>
    b.values[x]!.ndim ? b.add('softmax', [x], { dim: int(b.rng, 0, b.values[x]!.ndim - 1) }) : null,
  logSoftmax: (b, x) =>
    b.values[x]!.ndim ? b.add('logSoftmax', [x], { dim: int(b.rng, -b.values[x]!.ndim, -1) }) : null,
  matmul: (b, x) => matmulWith(b, x),
  reshape: (b, x) => b.add('reshape', [x], { shape: factorize(b.rng, b.values[x]!.size) }),
  transpose: (b, x) => {
    const n = b.values[x]!.ndim;
    return n < 2 ? null : b.add('transpose', [x], { dims: [int(b.rng, 0, n - 1), int(b.rng, -n, -1)] });
  },
  permute: (b, x) => {
    const dims = b.values[x]!.shape.map((_, d) => d);
    for (let i = dims.length - 1; i > 0; i--) {
      const j = int(b.rng, 0, i);
      [dims[i], dims[j]] = [dims[j]!, dims[i]!];
    }
    return b.add('permute', [x], { dims });
  },
  unsqueeze: (b, x) =>
    b.add('unsqueeze', [x], { dim: int(b.rng, -b.values[x]!.ndim - 1, b.values[x]!.ndim) }),
  squeeze: (b, x) => {
    const ones = b.values[x]!.shape.flatMap((d, i) => (d === 1 ? [i] : []));
    return ones.length ? b.add('squeeze', [x], b.rng() < 0.5 ? {} : { dim: pick(b.rng, ones) }) : null;
  },
  flatten: (b, x) => b.add('flatten', [x], { dim: int(b.rng, 0, Math.max(b.values[x]!.ndim - 1, 0)) }),
  expand: (b, x) => {
    const shape = b.values[x]!.shape.map((d) => (d === 1 ? int(b.rng, 1, 3) : d));
    return b.add('expand', [x], { shape: b.rng() < 0.4 ? [2, ...shape] : shape });
  },
  slice: (b, x) => {
    const s = b.values[x]!.shape;
    const dims = s.flatMap((d, i) => (d >= 2 ? [i] : []));
    if (!dims.length) return null;
    const dim = pick(b.rng, dims);
    const start = int(b.rng, 0, s[dim]! - 1);
    return b.add('slice', [x], { dim, start, end: int(b.rng, start + 1, s[dim]!) });
  },
  cat: (b, x) => {
    const s = b.values[x]!.shape;
    if (!s.length) return null;
    const dim = int(b.rng, 0, s.length - 1);
    const other = b.rng() < 0.3 ? x : b.leaf(s.map((d, i) => (i === dim ? int(b.rng, 1, 2) : d)));
    return b.add('cat', [x, other], { dim });
  },
  stack: (b, x) => {
    const other = b.rng() < 0.3 ? x : b.leaf([...b.values[x]!.shape]);
    return b.add('stack', [x, other], { dim: int(b.rng, 0, b.values[x]!.ndim) });
  },
  pad: (b, x) => {
    const n = Math.min(b.values[x]!.ndim, 2);
    if (!n) return null;
    const pad = Array.from({ length: 2 * n }, () => int(b.rng, 0, 2));
    return b.add('pad', [x], { pad, value: pick(b.rng, [0, 0.5]) });
  },
  gather: (b, x) => {
    const s = b.values[x]!.shape;
    if (!s.length) return null;
    const dim = int(b.rng, 0, s.length - 1);
    const indexShape = s.map((d, i) => (i === dim ? int(b.rng, 1, 3) : d));
    const index = Array.from({ length: sizeOf(indexShape) }, () => int(b.rng, 0, s[dim]! - 1));
    return b.add('gather', [x], { dim, index, indexShape });
  },
  indexSelect: (b, x) => {
    const s = b.values[x]!.shape;
    if (!s.length) return null;
    const dim = int(b.rng, 0, s.length - 1);
    const index = Array.from({ length: int(b.rng, 1, 3) }, () => int(b.rng, 0, s[dim]! - 1));
    return b.add('indexSelect', [x], { dim, index });
  },
  conv2d: (b, x) => convWith(b, x),
  maxPool2d: (b, x) => poolWith(b, x, 'maxPool2d'),
  avgPool2d: (b, x) => poolWith(b, x, 'avgPool2d'),
};

function binary(b: Builder, x: number, op: string): number | null {
  const shape = b.values[x]!.shape;
  const y =
    b.rng() < 0.25 && b.nodes.length > 1
      ? int(b.rng, 0, b.nodes.length - 1)
      : op === 'div'
        ? b.leaf(broadcastPartner(b.rng, shape), true)
        : b.leaf(broadcastPartner(b.rng, shape));
  const [xv, yv] = [b.values[x]!, b.values[y]!];
  let out: Tensor;
  try {
    out = bp.sub(xv, yv);
  } catch {
    return null; // the shapes do not broadcast
  }
  if (op === 'div' && !b.data(y).every((e) => Math.abs(e) > 0.2)) return null;
  if ((op === 'maximum' || op === 'minimum') && !awayFrom(out.data(), [0])) return null;
  if (op === 'pow' && !b.data(y).every((e) => Math.abs(e) < 3)) return null;
  if (op === 'where') {
    const mask = Array.from({ length: out.size }, () => (b.rng() < 0.5 ? 1 : 0));
    return b.add('where', [x, y], { mask, shape: [...out.shape] });
  }
  return b.add(op, [x, y], {});
}

function reduction(b: Builder, x: number, op: string): number | null {
  const xv = b.values[x]!;
  const { dim, dims } = randomDims(b.rng, xv.ndim);
  const args: Args = { dim, dims, keepDim: b.rng() < 0.3 };
  const gs = groups(xv, dims ?? (dim === undefined ? undefined : [dim]));
  if ((op === 'max' || op === 'min') && !clearExtremes(gs)) return null;
  if ((op === 'var' || op === 'std') && gs.some((g) => g.length < 2)) return null;
  const spread = (g: number[]) => Math.max(...g) - Math.min(...g);
  if (op === 'std' && gs.some((g) => spread(g) < 0.1)) return null;
  if (op === 'norm' && gs.some((g) => Math.hypot(...g) < 0.1)) return null;
  return b.add(op, [x], args);
}

function matmulWith(b: Builder, x: number): number | null {
  const s = b.values[x]!.shape;
  if (s.length === 0 || s.length > 3) return null;
  const k = s[s.length - 1]!;
  if (s.length === 2 && b.rng() < 0.3) return b.add('matmul', [b.leaf([int(b.rng, 1, 3), s[0]!]), x], {});
  const n = int(b.rng, 1, 3);
  const other = pick(b.rng, [[k], [k, n], s.length === 3 ? [s[0]!, k, n] : [2, k, n]]);
  return b.add('matmul', [x, b.leaf(other)], {});
}

function convWith(b: Builder, x: number): number | null {
  const s = b.values[x]!.shape;
  if (s.length !== 4) return null;
  const [c, h, w] = [s[1]!, s[2]!, s[3]!];
  const groups = c % 2 === 0 && b.rng() < 0.3 ? 2 : 1;
  const [kernel, padding, dilation, stride] = [
    int(b.rng, 1, 3),
    int(b.rng, 0, 1),
    int(b.rng, 1, 2),
    int(b.rng, 1, 2),
  ];
  if (dilation * (kernel - 1) + 1 > Math.min(h, w) + 2 * padding) return null;
  const out = groups * int(b.rng, 1, 2);
  const weight = b.leaf([out, c / groups, kernel, kernel]);
  const inputs = b.rng() < 0.5 ? [x, weight, b.leaf([out])] : [x, weight];
  return b.add('conv2d', inputs, { stride, padding, dilation, groups });
}

function poolWith(b: Builder, x: number, op: 'maxPool2d' | 'avgPool2d'): number | null {
  const s = b.values[x]!.shape;
  if (s.length !== 4) return null;
  const kernel = int(b.rng, 2, 3);
  const [stride, padding] = [int(b.rng, 1, 2), int(b.rng, 0, Math.floor(kernel / 2))];
  if (kernel > Math.min(s[2]!, s[3]!) + 2 * padding) return null;
  if (op === 'maxPool2d' && !clearExtremes(windows(b.values[x]!, kernel, stride, padding))) return null;
  return b.add(op, [x], { kernel, stride, padding });
}

// The in-bounds values of every pooling window, one array per window.
function windows(x: Tensor, k: number, s: number, p: number): number[][] {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const v = x.data();
  const out: number[][] = [];
  for (let plane = 0; plane < n * c; plane++) {
    for (let i = 0; i * s - p + k <= h + p; i++) {
      for (let j = 0; j * s - p + k <= w + p; j++) {
        const win: number[] = [];
        for (let r = Math.max(i * s - p, 0); r < Math.min(i * s - p + k, h); r++) {
          for (let q = Math.max(j * s - p, 0); q < Math.min(j * s - p + k, w); q++)
            win.push(v[plane * h * w + r * w + q]!);
        }
        out.push(win);
      }
    }
  }
  return out;
}

/** A random graph for `seed`: its nodes, its leaves' values and a fixed weight per output node. */
function randomGraph(seed: number) {
  const rng = seeded(seed);
  const b = new Builder(rng);
  const first = pick(rng, [
    [int(rng, 1, 4)],
    [int(rng, 1, 3), int(rng, 1, 4)],
    [int(rng, 1, 2), int(rng, 1, 3), int(rng, 1, 4)],
  ]);
  b.leaf(rng() < 0.3 ? [int(rng, 1, 2), int(rng, 1, 2), int(rng, 3, 5), int(rng, 3, 5)] : first);
  const ops = Object.keys(GROW);
  for (let steps = int(rng, 2, 6), tries = 0; steps > 0 && tries < 60; tries++) {
    // Mostly grow from the newest node, so that graphs are deep as well as wide.
    const x = rng() < 0.6 ? b.nodes.length - 1 : int(rng, 0, b.nodes.length - 1);
    if (GROW[pick(rng, ops)]!(b, x) !== null) steps--;
  }
  const used = new Set(b.nodes.flatMap((n) => n.inputs));
  const sinks = b.nodes.flatMap((_, i) => (used.has(i) ? [] : [i]));
  const weights = sinks.map((i) =>
    f64(
      Array.from({ length: b.values[i]!.size }, () => rng() - 0.5),
      [...b.values[i]!.shape],
    ),
  );
  return { nodes: b.nodes, leaves: b.leaves, sinks, weights };
}

type Graph = ReturnType<typeof randomGraph>;

/** The graph as a function of its leaves: each sink's weighted sum, added up to one scalar. */
function evaluate(g: Graph, leaves: Tensor[]): Tensor {
  const values: Tensor[] = [];
  let next = 0;
  for (const n of g.nodes) {
    values.push(
      n.op === 'leaf'
        ? leaves[next++]!
        : APPLY[n.op]!(
            n.inputs.map((i) => values[i]!),
            n.args,
          ),
    );
  }
  return g.sinks.map((i, k) => bp.sum(bp.mul(values[i]!, g.weights[k]!))).reduce((a, c) => bp.add(a, c));
}

function describeGraph(g: Graph): string {
  return g.nodes
    .map((n, i) => {
      const args = Object.keys(n.args).length ? ` ${JSON.stringify(n.args)}` : '';
      const from = n.inputs.map((j) => `v${j}`).join(', ');
      return `  v${i} = ${n.op}(${from})${args} -> [${n.shape}]`;
    })
    .join('\n');
}

const only = process.env.BACKPROP_PROPERTY_SEED;
const seeds = only === undefined ? Array.from({ length: RUNS }, (_, i) => i + 1) : [Number(only)];

describe('gradients of random graphs of ops match central finite differences (float64)', () => {
  it(`holds for ${seeds.length} random graph(s)`, () => {
    const seen = new Set<string>();
    for (const seed of seeds) {
      let g: Graph | null = null;
      try {
        g = randomGraph(seed);
        for (const n of g.nodes) seen.add(n.op);
        gradcheck(g);
      } catch (e) {
        const graph = g === null ? '  (failed while building it)' : describeGraph(g);
        throw new Error(
          `seed ${seed} (replay: BACKPROP_PROPERTY_SEED=${seed}); graph:\n${graph}\n${(e as Error).message}`,
        );
      }
    }
    // The runs together must reach every op, or the generator has quietly stopped building some.
    if (only === undefined) expect(Object.keys(GROW).filter((op) => !seen.has(op))).toEqual([]);
  });
});

function gradcheck(g: Graph): void {
  const leaves = g.leaves.map((t) => t.detach().clone().requiresGrad_());
  expect(bp.gradcheck((...xs: Tensor[]) => evaluate(g, xs), leaves)).toBe(true);
}
