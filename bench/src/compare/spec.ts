// The side-by-side workloads, defined once as plain numbers so every engine starts from the
// same weights and data: engines only convert these arrays into their own tensors and layouts.

/**
 * Workload names, in table order. `scalar-v8` is the scalar graph's forward+backward again, in
 * processes run under Node's default V8 flags (issue 15's wording of the scalar target), where
 * every other workload runs without allocation-site pretenuring (spawn.ts's WORKER_NODE_FLAGS).
 */
export const WORKLOADS = ['mlp', 'cnn', 'matmul', 'scalar', 'scalar-v8'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** MLP 784-256-128-10 with ReLU, batch 64, mean cross-entropy, plain SGD. */
export const MLP = { sizes: [784, 256, 128, 10], batch: 64, lr: 0.01 } as const;

/**
 * CNN conv 3x3 1→8 (pad 1), ReLU, maxpool 2, conv 3x3 8→16 (pad 1), ReLU, maxpool 2, linear
 * 784→10, on a batch of 32 1x28x28 images, mean cross-entropy, plain SGD.
 */
export const CNN = { batch: 32, side: 28, c1: 8, c2: 16, classes: 10, lr: 0.01 } as const;

/** Square float32 matmul size; f+b is `Y = A·B` then `dA = G·Bᵀ`, `dB = Aᵀ·G` for a fixed `G`. */
export const MATMUL_N = 1024;

/** The size issue 13's GPU matmul target is measured at (webgpu engines on a real GPU only). */
export const GPU_MATMUL_N = 4096;

/** The row name of `scalar-v8`: the scalar graph's forward+backward under Node's default V8 flags. */
export const SCALAR_V8_METRIC = 'scalar f+b, V8 defaults';

/**
 * How many times `scalar-v8` runs for each round of the others. Its target compares fastest rounds
 * (targets.ts), and micrograd under the default flags is pretenured, and 8x slower, in anywhere
 * from none to most of a run's processes: three rounds left its fastest one on a slow phase of the
 * machine or a pretenured process (2026-12-07: 5.89 M nodes/s against 8.38-8.94 in other runs).
 * A round of it takes about 3 s an engine.
 */
export const SCALAR_V8_ROUNDS_PER_ROUND = 3;

/**
 * The rounds `workload` runs in a run of `rounds` rounds.
 *
 * @example
 * ```ts
 * roundsOf('scalar-v8', 3); // 9
 * ```
 */
export function roundsOf(workload: Workload, rounds: number): number {
  return workload === 'scalar-v8' ? rounds * SCALAR_V8_ROUNDS_PER_ROUND : rounds;
}

/** The row name of the GPU's float32 FMA peak, which backprop-webgpu's matmul workload measures. */
export const GPU_PEAK_METRIC = 'webgpu FMA peak';

/**
 * A seeded uniform [0, 1) generator (mulberry32): small, fast and the same in every process.
 *
 * @example
 * ```ts
 * const rng = seeded(1);
 * rng(); // 0.627...
 * ```
 */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` draws from U(-bound, bound): PyTorch's default Linear/Conv2d init when bound = 1/√fanIn. */
export function uniform(rng: () => number, count: number, bound: number): Float32Array {
  return Float32Array.from({ length: count }, () => (rng() * 2 - 1) * bound);
}

/** `count` standard normal draws (Box-Muller). */
export function normal(rng: () => number, count: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const u = 1 - rng();
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
  }
  return out;
}

/** Class labels in [0, classes). */
export function labels(rng: () => number, count: number, classes: number): Int32Array {
  return Int32Array.from({ length: count }, () => Math.floor(rng() * classes));
}

/** A dense layer in PyTorch's layout: `w` is `[out, in]` row-major, `b` is `[out]`. */
export interface DenseInit {
  readonly inF: number;
  readonly outF: number;
  readonly w: Float32Array;
  readonly b: Float32Array;
}

/** A conv layer in PyTorch's layout: `w` is `[outC, inC, 3, 3]` row-major, `b` is `[outC]`. */
export interface ConvInit {
  readonly inC: number;
  readonly outC: number;
  readonly w: Float32Array;
  readonly b: Float32Array;
}

function dense(rng: () => number, inF: number, outF: number): DenseInit {
  const bound = 1 / Math.sqrt(inF);
  return { inF, outF, w: uniform(rng, outF * inF, bound), b: uniform(rng, outF, bound) };
}

function convLayer(rng: () => number, inC: number, outC: number): ConvInit {
  const bound = 1 / Math.sqrt(inC * 9);
  return { inC, outC, w: uniform(rng, outC * inC * 9, bound), b: uniform(rng, outC, bound) };
}

/** Initial MLP weights and the one fixed batch (`x` is `[batch, sizes[0]]`, `y` holds class indices). */
export interface MlpProblem {
  /** Layer widths, input first: `[784, 256, 128, 10]` for the side-by-side MLP. */
  readonly sizes: readonly number[];
  readonly batch: number;
  readonly layers: readonly DenseInit[];
  readonly x: Float32Array;
  readonly y: Int32Array;
}

function checkPositive(what: string, values: readonly number[]): void {
  const bad = values.find((v) => !(Number.isInteger(v) && v >= 1));
  if (bad !== undefined) throw new RangeError(`${what} must be positive integers, got ${bad}`);
}

/**
 * The MLP problem every engine trains on: by default the side-by-side one (784-256-128-10, batch
 * 64); other widths and batches (the scaling script's) draw from the same seed in the same order.
 *
 * @example
 * ```ts
 * mlpProblem().layers.map((l) => l.outF); // [256, 128, 10]
 * mlpProblem([784, 1024, 1024, 10], 8).x.length; // 6272
 * ```
 */
export function mlpProblem(sizes: readonly number[] = MLP.sizes, batch: number = MLP.batch): MlpProblem {
  if (sizes.length < 2)
    throw new RangeError(`mlpProblem: sizes needs an input and an output width, got [${sizes.join(', ')}]`);
  checkPositive('mlpProblem: sizes', sizes);
  checkPositive('mlpProblem: batch', [batch]);
  const rng = seeded(1);
  const layers = sizes.slice(1).map((outF, i) => dense(rng, sizes[i]!, outF));
  return { sizes, batch, layers, x: normal(rng, batch * sizes[0]!), y: labels(rng, batch, sizes.at(-1)!) };
}

/** Initial CNN weights and the one fixed batch (`x` is `[batch, 1, 28, 28]`). */
export interface CnnProblem {
  readonly batch: number;
  readonly conv1: ConvInit;
  readonly conv2: ConvInit;
  /** `[10, 784]`, its inputs in PyTorch's flatten order (channel, row, column). */
  readonly fc: DenseInit;
  readonly x: Float32Array;
  readonly y: Int32Array;
}

/**
 * The CNN problem every engine trains on: by default batch 32; other batches (the scaling
 * script's) draw the same weights, then their images.
 *
 * @example
 * ```ts
 * cnnProblem().fc.inF; // 784
 * cnnProblem(8).y.length; // 8
 * ```
 */
export function cnnProblem(batch: number = CNN.batch): CnnProblem {
  checkPositive('cnnProblem: batch', [batch]);
  const rng = seeded(2);
  const conv1 = convLayer(rng, 1, CNN.c1);
  const conv2 = convLayer(rng, CNN.c1, CNN.c2);
  const fc = dense(rng, CNN.c2 * 7 * 7, CNN.classes);
  const x = normal(rng, batch * CNN.side * CNN.side);
  return { batch, conv1, conv2, fc, x, y: labels(rng, batch, CNN.classes) };
}

/** The matmul operands: `a`, `b` and the output gradient `g`, all `[n, n]` row-major. */
export function matmulProblem(n = MATMUL_N): { a: Float32Array; b: Float32Array; g: Float32Array } {
  const rng = seeded(3);
  return { a: normal(rng, n * n), b: normal(rng, n * n), g: normal(rng, n * n) };
}

/** A scalar draw source for the scalar-graph workload, same numbers in every engine. */
export function scalarDraws(): (count: number) => number[] {
  const rng = seeded(4);
  return (count) => Array.from(normal(rng, count));
}
