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
/** Ints of the header: room for MAX_THREADS threads' buffers. */
export const HEADER_INTS = WORK + WORK_INTS * MAX_THREADS + 7;
/** Ints per gemm entry of a product: `gemm`'s first eleven arguments (each thread adds its own buffers). */
export const GEMM_ARGS = 11;

/** Floats of each thread's buffers: gemm's A packing, B packing and tile, and a convolution's columns. */
export interface ThreadBuffers {
  readonly packA: number;
  readonly packB: number;
  readonly columns: number;
}

/** Floats that `threads` threads' buffers take. */
export const buffersSize = (b: ThreadBuffers, threads: number): number =>
  threads * (b.packA + b.packB + 32 + Math.ceil(b.columns / 4) * 4);

/** Lays each thread's buffers out from float index `at` and writes where into the header; returns their end. */
export function writeBuffers(ints: Int32Array, at: number, threads: number, b: ThreadBuffers): number {
  const cols = Math.ceil(b.columns / 4) * 4;
  let o = at;
  for (let p = 0; p < threads; p++) {
    ints.set(
      [o * 4, (o + b.packA) * 4, (o + b.packA + b.packB) * 4, (o + b.packA + b.packB + 32) * 4],
      WORK + WORK_INTS * p,
    );
    o += b.packA + b.packB + 32 + cols;
  }
  return o;
}
