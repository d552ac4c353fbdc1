import type { ConvBlocks } from '../conv-by-columns.js';
import {
  buffersSize,
  CONVOLUTION,
  COUNT,
  FAILED,
  HEADER_INTS,
  NEXT,
  PACK_DONE,
  TABLE,
  WORK,
  writeBuffers,
} from '../threads/job.js';
import { post, settle, type ThreadPool, threadPool } from '../threads/pool.js';
import { F32, layout } from './call.js';
import { type ConvCall, callResult, callScratch, callSizes, columnsSize, writeCall } from './conv-job.js';

// A float32 convolution split by images over the threads of backend/threads: the operands are laid
// into the shared memory once, after the job header (threads/job.ts), and every thread claims
// images one at a time and runs conv.wat's `image` on each, in its own columns and packing buffers,
// as conv2d.ts runs them on one thread; so each image's output is the one-thread output bit for bit,
// and the weight's gradient adds the images' outputs afterwards in image order, as one thread does.

/**
 * Multiply-adds (images x output channels x rows x positions) from which a convolution is split.
 * Below it the helper's wake-up and the result's copy out of the shared memory cost more than half
 * the images save: the bench CNN's first layer (1.8M, 5 µs an image) ran 216 -> 280-314 µs split.
 */
export const THREAD_WORK = 1 << 22;

/** A convolution's multiply-adds, the measure THREAD_WORK is in. */
export const convWork = (s: ConvBlocks): number => s.n * s.groups * s.oc * s.rows * s.l;

/**
 * `call` with its images split over the threads, or null where there are none (yet), it is too
 * small to gain, or the memory does not fit: conv2d.ts then runs it on one thread.
 */
export function threadedConv(call: ConvCall): Float32Array | null {
  const { s } = call;
  if (s.n < 2 || convWork(s) < THREAD_WORK) return null;
  const first = threadPool(0);
  if (first === null) return null;
  const threads = first.helpers.length + 1;
  const [packA, packB] = callScratch(call);
  const buffers = { packA, packB, columns: columnsSize(s) };
  const { end } = layout(callSizes(call));
  const pool = threadPool((HEADER_INTS + end + buffersSize(buffers, threads)) * F32);
  if (pool === null) return null;
  const mem = new Float32Array(pool.memory.buffer);
  const ints = new Int32Array(pool.memory.buffer);
  // Posted before the operands are copied in, so that the helpers' wake-up (tens of microseconds
  // on a VM) overlaps the copies: no packing jobs and no images yet, and PACK_DONE 0, on which a
  // helper waits before it claims any; it turns 1 once the images are in the header.
  ints.set([0, 0, 0, 0, 0, 0, 0, 0, CONVOLUTION], NEXT);
  for (const h of pool.helpers) post(h);
  let out = 0;
  try {
    const written = writeCall(call, mem, ints, HEADER_INTS);
    out = written.out;
    writeBuffers(ints, HEADER_INTS + end, threads, buffers);
    ints.set([0, s.n, 0, written.job / F32], NEXT);
    Atomics.store(ints, PACK_DONE, 1);
    claimImages(pool, ints);
  } finally {
    // Releases a waiting helper even if the copies threw (it then finds no images to claim).
    Atomics.store(ints, PACK_DONE, 1);
    for (const h of pool.helpers) settle(h);
  }
  if (Atomics.load(ints, FAILED) !== 0) {
    // A helper trapped: run every image here (each overwrites its output), and stop using helpers.
    for (const h of pool.helpers) h.dead = true;
    Atomics.store(ints, NEXT, 0);
    claimImages(pool, ints);
  }
  return callResult(call, pool.conv, mem, out);
}

/** Claims and runs images of the job in the header on the calling thread (thread 0). */
function claimImages(pool: ThreadPool, ints: Int32Array): void {
  const [pa, pb, t, cols] = [ints[WORK]!, ints[WORK + 1]!, ints[WORK + 2]!, ints[WORK + 3]!];
  const job = ints[TABLE]! * F32;
  for (let j = Atomics.add(ints, NEXT, 1); j < ints[COUNT]!; j = Atomics.add(ints, NEXT, 1)) {
    pool.conv.image(job, j, cols, pa, pb, t);
  }
}
