// Run by threads.test.ts in a fresh `node` process: a threaded product whose calling thread fails
// while laying out A, after the helper has packed its share of B and waits for it; then the same
// product laid out properly. Prints what was thrown and the second product's largest error against
// float64 sums. A helper left waiting hangs this process, which the test's timeout turns into a failure.
import { awaitThreads } from '../src/backend/threads/pool.js';
import { gemmScratch } from '../src/backend/wasm/matmul.js';
import { threadedMatmul } from '../src/backend/wasm/matmul-threads.js';
import { manualSeed, rand } from '../src/index.js';

/** What this script prints. */
export interface FailureResult {
  helpers: number;
  error: string;
  worst: number;
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
console.log(JSON.stringify({ helpers, error, worst } satisfies FailureResult));
