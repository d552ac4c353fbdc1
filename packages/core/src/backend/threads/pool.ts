import {
  type ConvExports,
  instantiateProducts,
  type MatmulExports,
  sharedConvBinary,
  sharedMatmulBinary,
} from '../wasm/runtime.js';
import { MAX_THREADS } from './job.js';
import { POLL_CLOCK, WORKER_SOURCE } from './worker-source.js';

// Node worker threads that run matmul.wat's `gemm` and conv.wat's `image` on a shared WebAssembly
// memory, so a large product is split by blocks of its output, and a large convolution by images,
// with no copies between the threads. The API is synchronous, so the calling
// thread blocks in Atomics.wait until the helpers are done: allowed in Node (main thread included),
// not on a browser's main thread, so browsers keep one thread. Nothing starts at import: the pool
// starts on the first large product, and that product (and any before the workers are up) runs
// on one thread rather than wait for them. Every failure leaves the caller on one thread. The jobs
// themselves (tables of entries that threads claim one at a time; header in job.ts) are
// wasm/matmul-threads.ts and wasm/conv2d-threads.ts.

const [STATE, READY] = [0, 1];
const [IDLE, POSTED] = [0, 1];
const PAGE = 65536;
// How long the caller polls for a running helper to finish before it sleeps in Atomics.wait. When
// the caller runs out of entries, the helper is at most one entry from done; a caller put to sleep
// woke tens of microseconds after the helper's notify on a 2-core VM. Polling for up to half a
// millisecond made a small CNN's training step (three threaded convolutions) 6.6% faster there
// than sleeping at once (0.1 ms: 2.9%, 2 ms: 6.1%; eight alternating rounds each).
const SETTLE_POLL_MS = 0.5;
/** Largest shared memory, in pages; the shared builds of matmul.wat and conv.wat declare the same maximum. */
const MAX_PAGES = 1024;

interface NodeWorker {
  unref(): void;
  on(event: 'error' | 'exit', listener: () => void): void;
}
type WorkerClass = new (
  code: string,
  options: { eval: true; workerData: unknown; stdout?: boolean; stderr?: boolean },
) => NodeWorker;
interface NodeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

/** One helper thread: its control words (worker-source.ts) and whether it may still be used. */
export interface Helper {
  readonly ctl: Int32Array;
  dead: boolean;
}

/** Helper threads on one shared memory, with the calling thread's own instances of matmul.wat and conv.wat. */
export interface ThreadPool {
  readonly memory: WebAssembly.Memory;
  readonly matmul: MatmulExports;
  readonly conv: ConvExports;
  readonly helpers: readonly Helper[];
}

// undefined: not tried yet; null: one thread only (disabled, unsupported, or failed to start).
let pool: ThreadPool | null | undefined;
// The finish of a job the caller left running on the helpers while it computes something else on
// its own (wasm/matmul.ts's product pairs); run before the memory is handed out again.
let running: (() => void) | null = null;

/**
 * Leaves the job just posted running on the helpers: `finish` (which settles it) runs before
 * `threadPool` hands the memory out again, if its owner has not run `finishRunning` by then.
 */
export function leaveRunning(finish: () => void): void {
  running = finish;
}

/** Finishes the job left running (see `leaveRunning`); false where there was none. */
export function finishRunning(): boolean {
  const finish = running;
  running = null;
  finish?.();
  return finish !== null;
}

/** Threads to use: BACKPROP_THREADS if set (1 disables), else 2, never more than the cores. */
function threadCount(proc: NodeProcess): number {
  const os = proc.getBuiltinModule?.('os') as
    | { availableParallelism?: () => number; cpus: () => unknown[] }
    | undefined;
  const cores = os?.availableParallelism?.() ?? os?.cpus().length ?? 1;
  const asked = Number.parseInt(proc.env?.BACKPROP_THREADS ?? '', 10);
  return Math.min(Number.isInteger(asked) && asked >= 1 ? asked : 2, cores, MAX_THREADS);
}

function startHelper(
  Worker: WorkerClass,
  modules: { readonly matmul: WebAssembly.Module; readonly conv: WebAssembly.Module },
  memory: WebAssembly.Memory,
  id: number,
): Helper {
  const control = new SharedArrayBuffer(2 * 4);
  const helper: Helper = { ctl: new Int32Array(control), dead: false };
  const workerData = { matmul: modules.matmul, conv: modules.conv, memory, control, id };
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
  // Never keep the process alive for the helpers; a helper that dies is simply not used again.
  worker.unref();
  worker.on('error', () => {
    helper.dead = true;
  });
  worker.on('exit', () => {
    helper.dead = true;
  });
  return helper;
}

function startPool(): ThreadPool | null {
  const proc = (globalThis as { process?: NodeProcess }).process;
  if (proc?.getBuiltinModule === undefined || typeof SharedArrayBuffer !== 'function') return null;
  const threads = threadCount(proc);
  const threadsModule = proc.getBuiltinModule('worker_threads') as { Worker?: WorkerClass } | undefined;
  if (threads < 2 || threadsModule?.Worker === undefined) return null;
  // The threads' product must be the one-thread product bit for bit, so both use one build.
  const [matmulBytes, convBytes] = [sharedMatmulBinary(), sharedConvBinary()];
  if (!WebAssembly.validate(matmulBytes) || !WebAssembly.validate(convBytes)) return null;
  const modules = { matmul: new WebAssembly.Module(matmulBytes), conv: new WebAssembly.Module(convBytes) };
  const memory = new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared: true });
  const helpers: Helper[] = [];
  for (let i = 1; i < threads; i++) helpers.push(startHelper(threadsModule.Worker, modules, memory, i));
  return { memory, ...instantiateProducts(modules, memory), helpers };
}

/**
 * The pool, started on first call (unless BACKPROP_THREADS=1, or outside Node), or null: one thread.
 * Null also while the helpers are still starting, so no product ever waits for a thread to boot.
 * `bytes` is the shared memory the caller needs; over 64 MiB it gets null too.
 */
export function threadPool(bytes: number): ThreadPool | null {
  finishRunning();
  if (pool === undefined) {
    try {
      pool = startPool();
    } catch {
      pool = null;
    }
  }
  if (pool === null || bytes > MAX_PAGES * PAGE) return null;
  if (!pool.helpers.every((h) => !h.dead && Atomics.load(h.ctl, READY) === 1)) return null;
  const missing = bytes - pool.memory.buffer.byteLength;
  if (missing > 0) {
    try {
      pool.memory.grow(Math.ceil(missing / PAGE));
    } catch {
      return null;
    }
  }
  return pool;
}

/** Blocks until every helper has started (or `timeoutMs` passed); the count ready. For tests. */
export function awaitThreads(timeoutMs = 5000): number {
  threadPool(0);
  if (!pool) return 0;
  for (const h of pool.helpers) Atomics.wait(h.ctl, READY, 0, timeoutMs);
  return pool.helpers.filter((h) => !h.dead && Atomics.load(h.ctl, READY) === 1).length;
}

/** Wakes helper `h` for the job now in the header. */
export function post(h: Helper): void {
  Atomics.store(h.ctl, STATE, POSTED);
  Atomics.notify(h.ctl, STATE);
}

/**
 * Takes the job back from helper `h` if it has not started on it, else waits (polling first, then
 * asleep) until it has run out of entries to claim: afterwards no helper touches the job, so the
 * caller may read it and reuse the memory. A helper that is not scheduled in time thus never holds
 * the caller up.
 */
export function settle(h: Helper): void {
  if (Atomics.compareExchange(h.ctl, STATE, POSTED, IDLE) === POSTED) return;
  // Polling: see SETTLE_POLL_MS.
  const until = performance.now() + SETTLE_POLL_MS;
  for (let i = 1; Atomics.load(h.ctl, STATE) !== IDLE; i++) {
    if (i % POLL_CLOCK === 0 && performance.now() >= until) break;
  }
  for (let s = Atomics.load(h.ctl, STATE); s !== IDLE; s = Atomics.load(h.ctl, STATE)) {
    Atomics.wait(h.ctl, STATE, s);
  }
}
