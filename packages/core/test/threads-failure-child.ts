// Run by threads.test.ts in a fresh `node` process: a threaded product whose calling thread fails
// while laying out A, after the helper has packed its share of B and waits for it; then the same
// product laid out properly. Prints what was thrown and the second product's largest error against
// float64 sums. Then a product pair whose first product fails on this thread after the second was
// posted to the helpers: what was thrown, whether the second was left running, whether the next
// threaded product (which finishes it first) and the pair laid out properly come out right. A
// helper left waiting hangs this process, which the test's timeout turns into a failure.
import type { StridedView } from '../src/backend/backend.js';
import { awaitThreads, finishRunning } from '../src/backend/threads/pool.js';
import { gemmScratch, matmul, matmulPair } from '../src/backend/wasm/matmul.js';
import { threadedMatmul } from '../src/backend/wasm/matmul-threads.js';
import { manualSeed, rand } from '../src/index.js';

/** What this script prints. */
export interface FailureResult {
  helpers: number;
  error: string;
  worst: number;
  pairError: string;
  /** Whether the failed pair's second product was left running on the helpers (finished here). */
  leftRunning: boolean;
  /** Whether a failed pair's product was still left running after the next threaded product. */
  stillRunning: boolean;
  /** Whether a threaded product run while a failed pair's product was left running is the one before. */
  afterSame: boolean;
  /** Whether the pair, laid out properly afterwards, gives each product as one thread alone does. */
  pairSame: boolean;
}

const helpers = awaitThreads();
// 512 x 256 by 256 x 256: cut by rows, B packed by both threads while A is laid out.
const [m, k, n] = [512, 256, 256];
const [packA, packB] = gemmScratch(n);
manualSeed(5);
const [a, b] = [rand([m, k]).data() as Float32Array, rand([k, n]).data() as Float32Array];
const placed = (values: Float32Array, at: number, rs: number) => (mem: Float32Array, base: number) => {
  mem.set(values, base + at);
  return { bases: Int32Array.of((base + at) * 4), rs, cs: 1 };
};
const layout = {
  batch: 1,
  m,
  n,
  k,
  kc: 256,
  atC: m * k + k * n,
  atWork: m * k + k * n + m * n,
  packA,
  packB,
  placeA: placed(a, 0, k),
  placeB: placed(b, m * k, n),
  bias: null,
};
const failing = {
  ...layout,
  placeA: () => {
    // Late enough that the helper has packed its share of B and waits for this thread.
    for (const start = performance.now(); performance.now() - start < 50; );
    throw new Error('A cannot be laid out');
  },
};

let error = 'no error';
try {
  if (threadedMatmul(failing) === null) error = 'no pool';
} catch (e) {
  error = (e as Error).message;
}
const c = threadedMatmul(layout);
let worst = Number.NaN;
if (c !== null) {
  worst = 0;
  for (let i = 0; i < m; i += 37) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p]! * b[p * n + j]!;
      worst = Math.max(worst, Math.abs(c[i * n + j]! - sum));
    }
  }
}
// The MLP suite's second layer's gradients: 64x128 by 128x256, and 128x64 by 64x256.
const view = (storage: Float32Array, rows: number, cols: number): StridedView => ({
  storage,
  shape: [rows, cols],
  strides: [cols, 1],
  offset: 0,
});
const [dy, w, dyT, x] = [
  [64, 128],
  [128, 256],
  [128, 64],
  [64, 256],
].map(([r, c]) => view(rand([r!, c!]).data() as Float32Array, r!, c!)) as [
  StridedView,
  StridedView,
  StridedView,
  StridedView,
];
// A storage that passes for a Float32Array but cannot be copied: the first product fails once the
// second has been posted.
const broken: StridedView = { ...dy, storage: new Proxy(dy.storage as Float32Array, {}) };
const failPair = (): string => {
  try {
    matmulPair(broken, w, dyT, x, 'float32');
    return 'no error';
  } catch (e) {
    return (e as Error).constructor.name;
  }
};
const pairError = failPair();
const leftRunning = finishRunning();
failPair();
const again = threadedMatmul(layout);
// Nothing left to finish: laying out `again` finished the failed pair's product first.
const stillRunning = finishRunning();
const same = (p: Float32Array | null, q: Float32Array | null): boolean =>
  p !== null && q !== null && p.length === q.length && p.every((v, i) => Object.is(v, q[i]));
const afterSame = same(c, again);
const [first, second] = matmulPair(dy, w, dyT, x, 'float32');
const pairSame =
  same(first as Float32Array, matmul(dy, w, 'float32') as Float32Array) &&
  same(second as Float32Array, matmul(dyT, x, 'float32') as Float32Array);
console.log(
  JSON.stringify({
    helpers,
    error,
    worst,
    pairError,
    leftRunning,
    stillRunning,
    afterSame,
    pairSame,
  } satisfies FailureResult),
);
