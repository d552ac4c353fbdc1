import type { StridedView } from '../backend.js';
import {
  buffersSize,
  COUNT,
  FAILED,
  GEMM_ARGS,
  HEADER_INTS,
  KIND,
  NEXT,
  PACK_COUNT,
  PACK_DONE,
  PACK_NEXT,
  PACK_TABLE,
  PRODUCT,
  TABLE,
  WORK,
  writeBuffers,
} from '../threads/job.js';
import { finishRunning, leaveRunning, post, settle, type ThreadPool, threadPool } from '../threads/pool.js';
import { copyIn, F32, sliceOut } from './call.js';

// A large float32 product split into blocks of its output across the threads of backend/threads.
// The operands are laid into the shared memory, after the job header (worker-source.ts), and the
// output cut into blocks of whole 4-row or 8-column panels. Every block packs its rows of A and
// its columns of B, so a cut by rows would pack B again for each block and a cut by columns A
// again: the output is cut along the side whose operand is smaller (rows when m >= n, since A is
// m x k and B is k x n). Where a cut by rows makes several blocks of one product, B is packed once
// for all of them (gemmPacked reads that packing): measured on 1024², two threads each repacking B
// for its 128-row blocks ran 3-4% slower than packing once, from the memory traffic the two compete
// for. The threads share that packing too, one k-slice each at a time, and start on it while the
// caller is still laying A out: the caller places B, writes the packing jobs and wakes the helpers
// before it places A and writes the table of blocks, and no thread takes a block before both are
// done. Each thread claims blocks from a shared counter until none are left. Each output element
// is summed in the same order whichever thread computes it, so the result is the one-thread result
// bit for bit, and claiming (rather than a fixed half each) keeps a helper that the OS does not
// schedule in time from holding the caller up: the caller then simply does more itself (a short
// wide output has one block per thread, see blockShape: a helper that has not started in time
// leaves its block to the caller, one that stalls inside it is waited for). C is
// copied out in one block copy once every thread is done: copying each block as it finished (a
// helper's once it had flagged it done), row by row for a block of columns, kept the caller busy
// 100 µs a block at 256·64·784 on a 2-core VM, the helper long idle by then (see RESULTS.md).

/** Ints per packing job: packSlice's arguments. */
const PACK_ARGS = 7;
/**
 * Column pieces that each of the last row blocks (one per thread) is cut into, so that the threads
 * finish within a quarter block of each other rather than a whole one. Each piece packs its block's
 * rows of A again, so only the last blocks are cut.
 */
const TAIL_PIECES = 4;
/** PACK_DONE past any job count: what the caller stores to let the helpers past the packing's barrier at once. */
const RELEASED = 2 ** 30;

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
  /** matmul.wat's k-slice: rows of B that one packSlice packs. */
  readonly kc: number;
  readonly atC: number;
  readonly atWork: number;
  /** Floats of A's packing block and of B's packing panels that one thread needs. */
  readonly packA: number;
  readonly packB: number;
  /** Write A, and B, into `mem`, laid out from float index `base`. */
  placeA(mem: Float32Array, base: number): Placed;
  placeB(mem: Float32Array, base: number): Placed;
  /** A dense float32 row of `n` to add to every row of C once the threads are done, or null. */
  readonly bias: StridedView | null;
}

/** Rows per block of a tall output: enough blocks to balance the threads, few enough that B's packing stays cheap. */
function chunkRows(m: number, threads: number): number {
  const rows = Math.min(128, Math.max(Math.ceil(m / (4 * threads)), Math.min(64, Math.ceil(m / threads))));
  return Math.ceil(rows / 4) * 4;
}

/**
 * Rows and columns per output block. A block of columns packs all of A again, so a short wide
 * output is cut into one block per thread: two per thread (64 columns each at 64·256·784, the MLP
 * suite's first layer) packed A twice per thread and ran the MLP step 1.3-3.3% slower, the main
 * job's 300-unit net 3.3% and a batch of 256 2.0% (both variants alternating in one process).
 */
function blockShape(m: number, n: number, threads: number): readonly [number, number] {
  if (m >= n) return [chunkRows(m, threads), n];
  const cols = Math.max(32, Math.ceil(n / threads));
  return [m, Math.ceil(cols / 8) * 8];
}

/** A block of the output: batch entry, first row, rows, first column, columns. */
type Block = readonly [number, number, number, number, number];

/** The output's blocks, in the order the threads claim them. */
function blocks(l: Layout, [rows, cols]: readonly [number, number], threads: number): Block[] {
  const out: Block[] = [];
  const rowBlocks = l.batch * Math.ceil(l.m / rows);
  const piece = Math.max(64, Math.ceil(l.n / TAIL_PIECES / 8) * 8);
  for (let e = 0, index = 0; e < l.batch; e++) {
    for (let i0 = 0; i0 < l.m; i0 += rows, index++) {
      const r = Math.min(rows, l.m - i0);
      const width = cols === l.n && rowBlocks > threads && index >= rowBlocks - threads ? piece : cols;
      for (let j0 = 0; j0 < l.n; j0 += width) out.push([e, i0, r, j0, Math.min(width, l.n - j0)]);
    }
  }
  return out;
}

/** Columns of B's packing: n rounded up to whole 8-column panels. */
const packedWidth = (n: number): number => Math.ceil(n / 8) * 8;

/** Whether B is packed once for the whole product: where the output is cut into several row blocks. */
function packsOnce(l: Layout, [rows]: readonly [number, number]): boolean {
  return rows < l.m;
}

/** Floats of B's packing that `packsOnce` needs: every batch entry's B, all k rows, n rounded up to panels. */
function packedFloats(l: Layout): number {
  return l.batch * l.k * packedWidth(l.n);
}

/**
 * Writes one packing job per k-slice of each distinct B (a broadcast weight is packed once) into the
 * table at `table`, the packings from `packedAt`; returns each B's packing address by its base.
 */
function writePacking(
  ints: Int32Array,
  l: Layout,
  b: Placed,
  packedAt: number,
  table: number,
): Map<number, number> {
  const packedB = new Map<number, number>();
  const width = packedWidth(l.n);
  let o = table;
  for (let e = 0; e < l.batch; e++) {
    const base = b.bases[e]!;
    if (packedB.has(base)) continue;
    const at = packedAt + l.k * width * packedB.size;
    for (let p0 = 0; p0 < l.k; p0 += l.kc, o += PACK_ARGS) {
      ints.set([base, b.rs, b.cs, l.n, p0, Math.min(l.kc, l.k - p0), (at + p0 * width) * F32], o);
    }
    packedB.set(base, at * F32);
  }
  ints.set([0, (o - table) / PACK_ARGS, 0, table], PACK_NEXT);
  return packedB;
}

/** Writes the table of gemm calls at `table`, one per block. */
function writeTable(
  ints: Int32Array,
  l: Layout,
  [a, b]: readonly [Placed, Placed],
  parts: readonly Block[],
  packedB: ReadonlyMap<number, number> | null,
  table: number,
): void {
  const width = packedWidth(l.n);
  let o = table;
  for (const [e, i0, r, j0, w] of parts) {
    const c = (HEADER_INTS + l.atC + e * l.m * l.n + i0 * l.n + j0) * F32;
    const at = a.bases[e]! + i0 * a.rs * F32;
    const packed = packedB?.get(b.bases[e]!);
    const bArgs = packed === undefined ? [b.bases[e]! + j0 * b.cs * F32, b.rs, b.cs] : [packed, width, j0];
    ints.set([r, w, l.k, at, a.rs, a.cs, ...bArgs, c, l.n], o);
    o += GEMM_ARGS;
  }
  // Not FAILED, which a helper's packing may have set already.
  [ints[NEXT], ints[COUNT], ints[TABLE]] = [0, parts.length, table];
}

/**
 * Runs the packing jobs this thread claims, then waits until every one is done and the caller has
 * written the table of blocks (its token: PACK_DONE reaches the job count + 1).
 */
function packShare(pool: ThreadPool, ints: Int32Array): void {
  const count = ints[PACK_COUNT]!;
  for (let j = Atomics.add(ints, PACK_NEXT, 1); j < count; j = Atomics.add(ints, PACK_NEXT, 1)) {
    const g = ints.subarray(ints[PACK_TABLE]! + j * PACK_ARGS);
    pool.matmul.packSlice(g[0]!, g[1]!, g[2]!, g[3]!, g[4]!, g[5]!, g[6]!);
    Atomics.add(ints, PACK_DONE, 1);
  }
  // A short spin: the others' last slice is a fraction of a millisecond away.
  while (Atomics.load(ints, PACK_DONE) <= count) {}
}

/** Claims and runs entries of the job in the header on the calling thread (thread 0). */
function claim(pool: ThreadPool, ints: Int32Array): void {
  const [pa, pb, t] = [ints[WORK]!, ints[WORK + 1]!, ints[WORK + 2]!];
  const gemm = ints[PACK_COUNT]! > 0 ? pool.matmul.gemmPacked : pool.matmul.gemm;
  for (let j = Atomics.add(ints, NEXT, 1); j < ints[COUNT]!; j = Atomics.add(ints, NEXT, 1)) {
    const g = ints.subarray(ints[TABLE]! + j * GEMM_ARGS);
    gemm(g[0]!, g[1]!, g[2]!, g[3]!, g[4]!, g[5]!, g[6]!, g[7]!, g[8]!, g[9]!, g[10]!, pa, pb, t);
  }
}

/** A product posted to the helpers (`postProduct`): what `finishProduct` needs to complete it. */
interface Posted {
  readonly pool: ThreadPool;
  readonly l: Layout;
  readonly ints: Int32Array;
  readonly mem: Float32Array;
  /** Float index of the bias row's copy, past the table. */
  readonly atBias: number;
}

/** However the caller failed, the helpers must not wait for it: no entries left, the barrier lifted. */
function release(pool: ThreadPool, ints: Int32Array): void {
  Atomics.store(ints, COUNT, 0);
  Atomics.store(ints, PACK_DONE, RELEASED);
  for (const h of pool.helpers) settle(h);
}

/**
 * Lays the product of `l` out in the shared memory and posts it to the helpers, who start on it;
 * null where there is no pool (yet), or the memory does not fit.
 */
function postProduct(l: Layout): Posted | null {
  const first = threadPool(0);
  if (first === null) return null;
  const threads = first.helpers.length + 1;
  const block = blockShape(l.m, l.n, threads);
  const parts = blocks(l, block, threads);
  const packed = packsOnce(l, block) ? packedFloats(l) : 0;
  const packJobs = packed > 0 ? l.batch * Math.ceil(l.k / l.kc) : 0;
  const buffers = { packA: l.packA, packB: l.packB, columns: 0 };
  const floats =
    HEADER_INTS +
    l.atWork +
    buffersSize(buffers, threads) +
    packed +
    packJobs * PACK_ARGS +
    parts.length * GEMM_ARGS +
    (l.bias === null ? 0 : l.n);
  const pool = threadPool(floats * F32);
  if (pool === null) return null;
  const mem = new Float32Array(pool.memory.buffer);
  const ints = new Int32Array(pool.memory.buffer);
  const packedAt = writeBuffers(ints, HEADER_INTS + l.atWork, threads, buffers);
  ints[KIND] = PRODUCT;
  const b = l.placeB(mem, HEADER_INTS);
  const packTable = packedAt + packed;
  const table = packTable + packJobs * PACK_ARGS;
  const packedB = packed > 0 ? writePacking(ints, l, b, packedAt, packTable) : null;
  if (packedB === null) ints.set([0, 0, 0, packTable], PACK_NEXT);
  ints[FAILED] = 0;
  for (const h of pool.helpers) post(h);
  try {
    // The helpers pack B (if anything) while A is laid out; the token lets them on to the blocks.
    const a = l.placeA(mem, HEADER_INTS);
    writeTable(ints, l, [a, b], parts, packedB, table);
    Atomics.add(ints, PACK_DONE, 1);
  } catch (error) {
    release(pool, ints);
    throw error;
  }
  return { pool, l, ints, mem, atBias: table + parts.length * GEMM_ARGS };
}

/** Joins the helpers on a posted product until every entry is done, and returns C (plus the bias). */
function finishProduct({ pool, l, ints, mem, atBias }: Posted): Float32Array {
  try {
    packShare(pool, ints);
    claim(pool, ints);
  } catch (error) {
    release(pool, ints);
    throw error;
  }
  for (const h of pool.helpers) settle(h);
  if (Atomics.load(ints, FAILED) !== 0) {
    // A helper trapped: pack and compute everything here (each entry overwrites its part), and stop
    // using helpers.
    for (const h of pool.helpers) h.dead = true;
    ints.set([0, ints[PACK_COUNT]!, 1], PACK_NEXT); // PACK_DONE 1: the table is written
    Atomics.store(ints, NEXT, 0);
    packShare(pool, ints);
    claim(pool, ints);
  }
  const atC = HEADER_INTS + l.atC;
  if (l.bias !== null) {
    // In wasm, as on one thread: addBiasRows, a pass of TypeScript over C, took 26-28 µs at 64x256.
    copyIn(mem, atBias, l.bias, l.n);
    pool.conv.addBias(atC * F32, atBias * F32, l.batch * l.m, l.n);
  }
  return sliceOut(mem, atC, l.batch * l.m * l.n);
}

/**
 * The product of `l` on all threads of the pool, or null where there is none (yet), or the memory
 * does not fit: the caller then runs it on one thread.
 */
export function threadedMatmul(l: Layout): Float32Array | null {
  const posted = postProduct(l);
  return posted && finishProduct(posted);
}

/** A product left running on the helpers: `take` joins them and returns it (or throws what it threw). */
export interface RunningProduct {
  take(): Float32Array;
}

/**
 * Posts the product of `l` to the helpers and returns while they compute it, so that the caller can
 * compute something else on one thread meanwhile (never on the pool's memory: a threaded product
 * or convolution finishes this one first, through pool.ts's `leaveRunning`). `take` then claims
 * whatever entries are left. Null where threadedMatmul would be.
 */
export function runningMatmul(l: Layout): RunningProduct | null {
  const posted = postProduct(l);
  if (posted === null) return null;
  let outcome: { readonly result: Float32Array } | { readonly error: unknown } | undefined;
  leaveRunning(() => {
    try {
      outcome = { result: finishProduct(posted) };
    } catch (error) {
      outcome = { error };
    }
  });
  return {
    take(): Float32Array {
      finishRunning();
      if (outcome === undefined) throw new Error('matmul: a product left running was never finished');
      if ('error' in outcome) throw outcome.error;
      return outcome.result;
    },
  };
}
