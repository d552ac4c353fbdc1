// Times the probe loop on n worker threads at once: each thread warms up alone (until V8 has
// tiered the function up), then all start together on a shared gate and time calls for the same
// window, so the n-thread figure is what n cores sustain side by side.
import { Worker } from 'node:worker_threads';
import { median, relativeMarginPct } from '../compare/stats.js';
import { flopsPerIteration, type ProbeVariant, probeBytes } from './kernel.js';

/** What one probe on `threads` concurrent threads measured; GFLOP/s figures are medians over calls. */
export interface ProbeResult {
  readonly variant: ProbeVariant;
  readonly threads: number;
  /** Each thread's median GFLOP/s over its timed calls. */
  readonly perThread: number[];
  /** The threads' medians summed: what they sustain together. */
  readonly total: number;
  /** The threads' fastest calls summed. */
  readonly best: number;
  /** Timed calls over all threads. */
  readonly calls: number;
  /** Median milliseconds of one call (all threads' calls together). */
  readonly callMs: number;
  /** The largest of the threads' relative margins of error of their mean rate (99%), in percent. */
  readonly rmePct: number;
}

/** How long to warm up and to time each thread, in seconds. */
export interface ProbePlan {
  readonly warmupSec: number;
  readonly timedSec: number;
}

// Plain JS run by `eval`, so the threads need no TypeScript loader. gate[0] counts threads ready,
// gate[1] turns 1 when the timed window opens.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const { module, iterations, warmupMs, timedMs, flops, gate } = workerData;
const run = new WebAssembly.Instance(module).exports.run;
const g = new Int32Array(gate);
let sink = 0;
// Short calls while warming up: V8 tiers a wasm function up between calls, never inside one.
const warm = performance.now();
do sink += run(Math.ceil(iterations / 100)); while (performance.now() - warm < warmupMs);
Atomics.add(g, 0, 1);
Atomics.notify(g, 0);
Atomics.wait(g, 1, 0);
const rates = [];
const start = performance.now();
do {
  const t = performance.now();
  sink += run(iterations);
  rates.push((iterations * flops) / ((performance.now() - t) * 1e6));
} while (performance.now() - start < timedMs);
parentPort.postMessage({ rates, callMs: rates.map((r) => (iterations * flops) / (r * 1e6)), sink });
`;

// Iterations for one call of about `targetMs` on this thread, once V8 has optimized the loop: many
// short calls first (tier-up happens between calls), then the fastest of a few timed ones.
function calibrate(module: WebAssembly.Module, targetMs: number): number {
  const run = (new WebAssembly.Instance(module).exports as { run: (n: number) => number }).run;
  const warm = performance.now();
  while (performance.now() - warm < 200) run(1000);
  const iterations = 100_000;
  let ms = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    run(iterations);
    ms = Math.min(ms, performance.now() - t);
  }
  return Math.max(1, Math.round((iterations * targetMs) / Math.max(ms, 1e-3)));
}

/**
 * Runs the `variant` probe on `threads` threads concurrently. Rejects when this runtime cannot
 * compile the variant (relaxed SIMD without its flag): check with `variantSupported` first.
 *
 * @example
 * ```ts
 * const r = await probe('muladd', 2, { warmupSec: 0.3, timedSec: 1 });
 * console.log(r.total / r.threads, 'GFLOP/s per thread');
 * ```
 */
export async function probe(variant: ProbeVariant, threads: number, plan: ProbePlan): Promise<ProbeResult> {
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new RangeError(`probe: threads must be a positive integer, got ${threads}`);
  }
  const bytes = await probeBytes(variant);
  if (!WebAssembly.validate(bytes)) {
    throw new Error(
      `probe: this runtime cannot compile the ${variant} probe (relaxed SIMD needs --experimental-wasm-relaxed-simd in Node 20)`,
    );
  }
  // Compiled once and shared: the threads reuse the code V8 optimized here.
  const module = new WebAssembly.Module(bytes);
  const iterations = calibrate(module, 10);
  const gate = new SharedArrayBuffer(8);
  const g = new Int32Array(gate);
  const workerData = {
    module,
    iterations,
    warmupMs: plan.warmupSec * 1e3,
    timedMs: plan.timedSec * 1e3,
    flops: flopsPerIteration(),
    gate,
  };
  let failure: Error | undefined;
  const workers = Array.from(
    { length: threads },
    () => new Worker(WORKER_SOURCE, { eval: true, workerData }),
  );
  const done = workers.map((worker) => {
    const result = new Promise<{ rates: number[]; callMs: number[] }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`probe: a thread exited with code ${code}`)));
    });
    result.catch((e: Error) => {
      failure ??= e;
    });
    return result;
  });
  // Open the gate once every thread is warm (polled: the main thread must keep its event loop free).
  const giveUp = performance.now() + 60_000 + plan.warmupSec * 1e3;
  while (Atomics.load(g, 0) < threads) {
    const why =
      failure ??
      (performance.now() > giveUp
        ? new Error(`probe: ${threads - Atomics.load(g, 0)} thread(s) never got ready`)
        : undefined);
    if (why) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw why;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  Atomics.store(g, 1, 1);
  Atomics.notify(g, 1);
  const timed = await Promise.all(done);
  const rates = timed.map((t) => t.rates);
  const perThread = rates.map(median);
  return {
    variant,
    threads,
    perThread,
    total: perThread.reduce((a, b) => a + b, 0),
    best: rates.reduce((a, r) => a + Math.max(...r), 0),
    calls: rates.reduce((a, r) => a + r.length, 0),
    callMs: median(timed.flatMap((t) => t.callMs)),
    rmePct: Math.max(...rates.map(relativeMarginPct)),
  };
}

/**
 * Whether this runtime compiles `variant` (relaxed SIMD needs a flag in Node 20).
 *
 * @example
 * ```ts
 * await variantSupported('relaxed'); // false without --experimental-wasm-relaxed-simd
 * ```
 */
export async function variantSupported(variant: ProbeVariant): Promise<boolean> {
  return WebAssembly.validate(await probeBytes(variant));
}
