// The job header at byte 0 of the shared memory, in ints: what the calling thread writes and the
// helpers (worker-source.ts, which repeats these indices as numbers) read. A job is a table of
// entries that the threads claim one at a time: gemm calls (wasm/matmul-threads.ts), or the images
// of a convolution (wasm/conv2d-threads.ts).

/** Next entry to claim, entry count, set on a trap, the entries' table (an int index). */
export const [NEXT, COUNT, FAILED, TABLE] = [0, 1, 2, 3];
/**
 * A product's packing jobs, run before any entry: next to claim, count, done (plus 1 once the
 * caller has written the entries), their table.
 */
export const [PACK_NEXT, PACK_COUNT, PACK_DONE, PACK_TABLE] = [4, 5, 6, 7];
/** What the entries are: PRODUCT (gemm calls) or CONVOLUTION (images, conv.wat's `image`). */
export const KIND = 8;
export const [PRODUCT, CONVOLUTION] = [0, 1];
/** Each thread's buffers from here, WORK_INTS apiece (byte addresses): A's packing, B's, the 4x8 tile, columns. */
export const WORK = 9;
const WORK_INTS = 4;
/** Most threads a pool runs (the header has room for their buffers). */
export const MAX_THREADS = 16;
/** Ints of the header: room for MAX_THREADS threads' buffers, rounded up to 16 ints (64 bytes). */
export const HEADER_INTS = Math.ceil((WORK + WORK_INTS * MAX_THREADS) / 16) * 16;
/** Ints per gemm entry of a product: `gemm`'s first eleven arguments (each thread adds its own buffers). */
export const GEMM_ARGS = 11;

/** Floats of each thread's buffers: gemm's A packing, B packing and tile, and a convolution's columns. */
export interface ThreadBuffers {
  readonly packA: number;
  readonly packB: number;
  readonly columns: number;
}

/** Floats of gemm's 4x8 scratch tile. */
const TILE = 32;

/** Floats of one thread's buffers, each on a 16-byte boundary. */
const perThread = (b: ThreadBuffers): number => b.packA + b.packB + TILE + Math.ceil(b.columns / 4) * 4;

/** Floats that `threads` threads' buffers take. */
export const buffersSize = (b: ThreadBuffers, threads: number): number => threads * perThread(b);

/** Lays each thread's buffers out from float index `at` and writes where into the header; returns their end. */
export function writeBuffers(ints: Int32Array, at: number, threads: number, b: ThreadBuffers): number {
  for (let p = 0; p < threads; p++) {
    const pa = at + p * perThread(b);
    const [pb, tile] = [pa + b.packA, pa + b.packA + b.packB];
    ints.set([pa * 4, pb * 4, tile * 4, (tile + TILE) * 4], WORK + WORK_INTS * p);
  }
  return at + buffersSize(b, threads);
}
