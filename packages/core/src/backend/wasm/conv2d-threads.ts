import {
  buffersSize,
  CONVOLUTION,
  COUNT,
  FAILED,
  HEADER_INTS,
  NEXT,
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
const THREAD_WORK = 1 << 22;

/**
 * `call` with its images split over the threads, or null where there are none (yet), it is too
 * small to gain, or the memory does not fit: conv2d.ts then runs it on one thread.
 */
export function threadedConv(call: ConvCall): Float32Array | null {
  const { s } = call;
  if (s.n < 2 || s.n * s.groups * s.oc * s.rows * s.l < THREAD_WORK) return null;
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
  const { job, out } = writeCall(call, mem, ints, HEADER_INTS);
  writeBuffers(ints, HEADER_INTS + end, threads, buffers);
  // No packing jobs (and the table written: PACK_DONE 1); the images are the entries.
  ints.set([0, s.n, 0, job / F32, 0, 0, 1, 0, CONVOLUTION], NEXT);
  for (const h of pool.helpers) post(h);
  try {
    claimImages(pool, ints);
  } finally {
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
