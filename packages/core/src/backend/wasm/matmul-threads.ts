import { GEMM_ARGS, HEADER_INTS, post, settle, type ThreadPool, threadPool } from '../threads/pool.js';
import { F32 } from './call.js';

// A large float32 product split into blocks of its output across the threads of backend/threads.
// The operands are laid once into the shared memory, after the job header (worker-source.ts), and
// the output cut into blocks of whole 4-row or 8-column panels. Every block packs its rows of A and
// its columns of B, so a cut by rows packs B again for each block and a cut by columns packs A
// again: the output is cut along the side whose operand is smaller (rows when m >= n, since A is
// m x k and B is k x n). Each thread claims blocks from a shared counter until none are left. Each
// output element is summed in the same order whichever thread computes it, so the result is the
// one-thread result bit for bit, and claiming (rather than a fixed half each) keeps a helper that
// the OS does not schedule in time from holding the caller up: the caller then simply computes
// more blocks itself.

const [NEXT, COUNT, FAILED, TABLE, WORK] = [0, 1, 2, 3, 4];

/** An operand placed in memory: each batch entry's byte address, and row and column strides. */
export interface Placed {
  readonly bases: Int32Array;
  readonly rs: number;
  readonly cs: number;
}

/** What matmul.ts has laid out, in floats from some base: A at 0, B, C at `atC`, free from `atWork`. */
export interface Layout {
  readonly batch: number;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly atC: number;
  readonly atWork: number;
  /** Floats of A's packing block and of B's packing panels that one thread needs. */
  readonly packA: number;
  readonly packB: number;
  /** Writes A and B into `mem`, starting at float index `base`. */
  place(mem: Float32Array, base: number): readonly [Placed, Placed];
}

/** Rows per block of a tall output: enough blocks to balance the threads, few enough that B's packing stays cheap. */
function chunkRows(m: number, threads: number): number {
  const rows = Math.min(128, Math.max(Math.ceil(m / (4 * threads)), Math.min(64, Math.ceil(m / threads))));
  return Math.ceil(rows / 4) * 4;
}

/** Rows and columns per output block. */
function blockShape(m: number, n: number, threads: number): readonly [number, number] {
  if (m >= n) return [chunkRows(m, threads), n];
  const cols = Math.max(32, Math.ceil(n / (2 * threads)));
  return [m, Math.ceil(cols / 8) * 8];
}

/** Writes the job: header, each thread's buffers, and one table entry per (batch entry, block). */
function writeJob(
  ints: Int32Array,
  l: Layout,
  ops: readonly [Placed, Placed],
  threads: number,
  [rows, cols]: readonly [number, number],
): void {
  const [a, b] = ops;
  const perThread = l.packA + l.packB + 32;
  const work = HEADER_INTS + l.atWork;
  for (let p = 0; p < threads; p++) {
    const pa = work + p * perThread;
    ints.set([pa * F32, (pa + l.packA) * F32, (pa + l.packA + l.packB) * F32], WORK + 3 * p);
  }
  const table = work + threads * perThread;
  let o = table;
  for (let e = 0; e < l.batch; e++) {
    for (let i0 = 0; i0 < l.m; i0 += rows) {
      for (let j0 = 0; j0 < l.n; j0 += cols, o += GEMM_ARGS) {
        const c = (HEADER_INTS + l.atC + e * l.m * l.n + i0 * l.n + j0) * F32;
        const [r, w] = [Math.min(rows, l.m - i0), Math.min(cols, l.n - j0)];
        const at = a.bases[e]! + i0 * a.rs * F32;
        const bt = b.bases[e]! + j0 * b.cs * F32;
        ints.set([r, w, l.k, at, a.rs, a.cs, bt, b.rs, b.cs, c, l.n], o);
      }
    }
  }
  ints.set([0, (o - table) / GEMM_ARGS, 0, table], NEXT);
}

/** Claims and runs entries of the job in the header on the calling thread (thread 0). */
function claim(pool: ThreadPool, ints: Int32Array): void {
  const [pa, pb, t] = [ints[WORK]!, ints[WORK + 1]!, ints[WORK + 2]!];
  for (let j = Atomics.add(ints, NEXT, 1); j < ints[COUNT]!; j = Atomics.add(ints, NEXT, 1)) {
    const g = ints.subarray(ints[TABLE]! + j * GEMM_ARGS);
    pool.gemm(g[0]!, g[1]!, g[2]!, g[3]!, g[4]!, g[5]!, g[6]!, g[7]!, g[8]!, g[9]!, g[10]!, pa, pb, t);
  }
}

/**
 * The product of `l` on all threads of the pool, or null where there is none (yet), or the memory
 * does not fit: the caller then runs it on one thread.
 */
export function threadedMatmul(l: Layout): Float32Array | null {
  const first = threadPool(0);
  if (first === null) return null;
  const threads = first.helpers.length + 1;
  const block = blockShape(l.m, l.n, threads);
  const entries = l.batch * Math.ceil(l.m / block[0]) * Math.ceil(l.n / block[1]);
  const floats = HEADER_INTS + l.atWork + threads * (l.packA + l.packB + 32) + entries * GEMM_ARGS;
  const pool = threadPool(floats * F32);
  if (pool === null) return null;
  const mem = new Float32Array(pool.memory.buffer);
  const ints = new Int32Array(pool.memory.buffer);
  writeJob(ints, l, l.place(mem, HEADER_INTS), threads, block);
  for (const h of pool.helpers) post(h);
  claim(pool, ints);
  for (const h of pool.helpers) settle(h);
  if (Atomics.load(ints, FAILED) !== 0) {
    // A helper trapped: compute every entry here (each overwrites its rows), and stop using helpers.
    for (const h of pool.helpers) h.dead = true;
    Atomics.store(ints, NEXT, 0);
    claim(pool, ints);
  }
  const atC = HEADER_INTS + l.atC;
  return mem.slice(atC, atC + l.batch * l.m * l.n);
}
