import { GEMM_ARGS, HEADER_INTS, post, settle, type ThreadPool, threadPool } from '../threads/pool.js';
import { F32 } from './call.js';

// A large float32 product split into blocks of its output across the threads of backend/threads.
// The operands are laid once into the shared memory, after the job header (worker-source.ts), and
// the output cut into blocks of whole 4-row or 8-column panels. Every block packs its rows of A and
// its columns of B, so a cut by rows would pack B again for each block and a cut by columns A
// again: the output is cut along the side whose operand is smaller (rows when m >= n, since A is
// m x k and B is k x n), and where a cut by rows makes several blocks of one product, the caller
// packs B once (matmul.wat's packPanels) and every block reads that packing (gemmPacked): measured
// on 1024², two threads each repacking B for its 128-row blocks ran 3-4% slower than packing once,
// from the memory traffic the two compete for. Each thread claims blocks from a shared counter
// until none are left. Each output element is summed in the same order whichever thread computes
// it, so the result is the one-thread result bit for bit, and claiming (rather than a fixed half
// each) keeps a helper that the OS does not schedule in time from holding the caller up: the
// caller then simply computes more blocks itself.

const [NEXT, COUNT, FAILED, TABLE, PACKED, WORK] = [0, 1, 2, 3, 4, 5];

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

/**
 * Floats of B packed by packPanels for every batch entry where the output is cut into several row
 * blocks, or 0 where the job packs B per block (one block of rows: a cut by columns, or one block).
 */
function packedFloats(l: Layout, [rows]: readonly [number, number]): number {
  return rows < l.m ? l.batch * l.k * Math.ceil(l.n / 8) * 8 : 0;
}

/**
 * Writes the job: header, each thread's buffers, B packed once where `packed` floats are set aside
 * for it, and one table entry per (batch entry, block).
 */
function writeJob(
  pool: ThreadPool,
  ints: Int32Array,
  l: Layout,
  ops: readonly [Placed, Placed],
  threads: number,
  [rows, cols]: readonly [number, number],
  packed: number,
): void {
  const [a, b] = ops;
  const perThread = l.packA + l.packB + 32;
  const work = HEADER_INTS + l.atWork;
  for (let p = 0; p < threads; p++) {
    const pa = work + p * perThread;
    ints.set([pa * F32, (pa + l.packA) * F32, (pa + l.packA + l.packB) * F32], WORK + 3 * p);
  }
  const packedAt = work + threads * perThread;
  // Where each batch entry's B is packed: once per distinct B (a broadcast weight is packed once).
  const packedB = new Map<number, number>();
  for (let e = 0; packed > 0 && e < l.batch; e++) {
    const base = b.bases[e]!;
    if (packedB.has(base)) continue;
    const at = (packedAt + (packed / l.batch) * packedB.size) * F32;
    pool.kernels.packPanels(base, b.rs, b.cs, l.n, l.k, at);
    packedB.set(base, at);
  }
  const table = packedAt + packed;
  let o = table;
  for (let e = 0; e < l.batch; e++) {
    for (let i0 = 0; i0 < l.m; i0 += rows) {
      for (let j0 = 0; j0 < l.n; j0 += cols, o += GEMM_ARGS) {
        const c = (HEADER_INTS + l.atC + e * l.m * l.n + i0 * l.n + j0) * F32;
        const [r, w] = [Math.min(rows, l.m - i0), Math.min(cols, l.n - j0)];
        const at = a.bases[e]! + i0 * a.rs * F32;
        const bt = packedB.get(b.bases[e]!) ?? b.bases[e]! + j0 * b.cs * F32;
        ints.set([r, w, l.k, at, a.rs, a.cs, bt, b.rs, b.cs, c, l.n], o);
      }
    }
  }
  const count = (o - table) / GEMM_ARGS;
  ints.fill(0, o, o + count); // each entry's done flag, which a helper sets once its block is in C
  ints.set([0, count, 0, table, packed > 0 ? 1 : 0], NEXT);
}

/** Claims and runs entries of the job in the header on the calling thread (thread 0), copying C out as it goes. */
function claim(pool: ThreadPool, ints: Int32Array, out: Output): void {
  const [pa, pb, t] = [ints[WORK]!, ints[WORK + 1]!, ints[WORK + 2]!];
  const gemm = ints[PACKED] === 1 ? pool.kernels.gemmPacked : pool.kernels.gemm;
  for (let j = Atomics.add(ints, NEXT, 1); j < ints[COUNT]!; j = Atomics.add(ints, NEXT, 1)) {
    const g = ints.subarray(ints[TABLE]! + j * GEMM_ARGS);
    gemm(g[0]!, g[1]!, g[2]!, g[3]!, g[4]!, g[5]!, g[6]!, g[7]!, g[8]!, g[9]!, g[10]!, pa, pb, t);
    out.take(j);
    out.takeFinished();
  }
}

/**
 * The product's result, filled block by block: the caller copies each block out of the shared
 * memory as soon as it is computed (its own right away, while still in its cache; a helper's once
 * the helper has flagged it done), so the copy runs while the helpers still compute, not after.
 */
class Output {
  readonly data: Float32Array;
  private readonly copied: Uint8Array;
  private readonly done: number;
  private lowest = 0;

  constructor(
    private readonly mem: Float32Array,
    private readonly ints: Int32Array,
    private readonly atC: number,
    size: number,
  ) {
    this.data = new Float32Array(size);
    const count = ints[COUNT]!;
    this.copied = new Uint8Array(count);
    this.done = ints[TABLE]! + count * GEMM_ARGS;
  }

  /** Copies entry `j`'s block of C: `r` rows of `w` floats, `ldc` apart. */
  take(j: number): void {
    const g = this.ints.subarray(this.ints[TABLE]! + j * GEMM_ARGS);
    const [r, w, ldc] = [g[0]!, g[1]!, g[10]!];
    const from = g[9]! / F32;
    const to = from - this.atC;
    // A block of whole rows is one run; a block of columns one run per row.
    const [runs, run] = w === ldc ? [1, r * w] : [r, w];
    for (let i = 0; i < runs; i++) {
      this.data.set(this.mem.subarray(from + i * ldc, from + i * ldc + run), to + i * ldc);
    }
    this.copied[j] = 1;
  }

  /** Copies every block flagged done and not copied yet. */
  takeFinished(): void {
    const claimed = Math.min(Atomics.load(this.ints, NEXT), this.copied.length);
    for (let j = this.lowest; j < claimed; j++) {
      if (this.copied[j] === 0 && Atomics.load(this.ints, this.done + j) === 1) this.take(j);
    }
    while (this.lowest < this.copied.length && this.copied[this.lowest] === 1) this.lowest++;
  }

  /** Copies every block: after the helpers have settled, those not copied yet. */
  takeRest(): void {
    for (let j = this.lowest; j < this.copied.length; j++) if (this.copied[j] === 0) this.take(j);
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
  const packed = packedFloats(l, block);
  const floats =
    HEADER_INTS + l.atWork + threads * (l.packA + l.packB + 32) + packed + entries * (GEMM_ARGS + 1);
  const pool = threadPool(floats * F32);
  if (pool === null) return null;
  const mem = new Float32Array(pool.memory.buffer);
  const ints = new Int32Array(pool.memory.buffer);
  writeJob(pool, ints, l, l.place(mem, HEADER_INTS), threads, block, packed);
  for (const h of pool.helpers) post(h);
  // Made after the helpers are woken: zeroing the result's array is then work done while they run.
  const out = new Output(mem, ints, HEADER_INTS + l.atC, l.batch * l.m * l.n);
  claim(pool, ints, out);
  for (const h of pool.helpers) settle(h);
  if (Atomics.load(ints, FAILED) !== 0) {
    // A helper trapped: compute every entry here (each overwrites its rows), and stop using helpers.
    for (const h of pool.helpers) h.dead = true;
    Atomics.store(ints, NEXT, 0);
    claim(pool, ints, out);
  }
  out.takeRest();
  return out.data;
}
