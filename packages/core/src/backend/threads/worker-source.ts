// The worker's whole program, as source text: workers are started from it with `eval: true`, so the
// package ships no second file to locate at run time and bundles (ESM, CJS) keep working. Plain
// ES2020 and self-contained on purpose: a bundler never rewrites the inside of a string.
//
// Protocol (pool.ts, threads/job.ts and wasm/matmul-threads.ts, wasm/conv2d-threads.ts hold the
// other side). Each helper has a control Int32Array: [0] its state, 0 idle, 1 job posted, 2
// running; [1] 1 once started (-1: failed). A job lives in the shared memory with a header at byte
// 0 (ints, job.ts): [0] next entry to claim, [1] entry count, [2] set on a trap, [3] the entries'
// table (int index), [4] next packing job to claim, [5] packing job count, [6] packing jobs done,
// plus 1 once the caller has written the entries, [7] the packing jobs' table (packSlice calls),
// [8] the entries' kind: 0 gemm calls (gemmPacked where B was packed first), 1 a convolution's
// images (conv.wat's image, the table being its ints); [9 + 4 id ..] helper id's buffers: A's and
// B's packing, the 4x8 tile, the columns. The helper takes a posted job (1 -> 2, unless the caller
// took it back first), claims packing jobs until none are left, waits until [6] passes [5], claims
// entries until none are left, and goes idle (2 -> 0). Idle, it polls its state for HELPER_POLL_MS
// before it sleeps in Atomics.wait.

/**
 * How long an idle helper polls for the next job before it sleeps. A training step posts its large
 * products a few hundred microseconds apart. Asleep, a helper cost each of them the caller's
 * Atomics.notify (21-25 µs: a futex wake, on a 2-core VM) and its own wake-up before it claimed a
 * block. Measured there with the poll's length switched back and forth within one process (forty
 * pairs of 150 steps): the MLP suite's step ran 4.3-6.8% faster polling 1 ms than sleeping at once
 * (2.7-5.1% while the poll still read the clock every time, see POLL_CLOCK), 2.5% faster polling
 * 3 ms than 0.3 ms; the CNN suite's step the same either way. 2 ms rather than 1: when the VM ran
 * slow (3 ms steps), the step's backward reached its large product more than 1 ms after the
 * forward's, the helper asleep again (the caller's notify back at 43-45 µs); 2 ms against 1 ran the
 * step 0.6% and 2.2% faster. A helper with no job by then sleeps as before, so a process that stops
 * multiplying keeps no core busy for longer than this.
 */
const HELPER_POLL_MS = 2;

/**
 * Polls between two readings of the clock, in the helper's loop and the caller's (pool.ts). In Node
 * 20 every performance.now() (and Date.now()) allocates a heap number, even in optimized code (ten
 * million calls, 156 young-generation collections); read on every poll, it made the helper collect
 * every 15 ms while it waited.
 */
export const POLL_CLOCK = 1024;

/** Source of the worker thread's program (CommonJS, run by Node's `new Worker(code, { eval: true })`). */
export const WORKER_SOURCE = `'use strict';
const { workerData } = require('worker_threads');
const { memory, control, id } = workerData;
const ctl = new Int32Array(control);
let matmul = null;
let conv = null;
try {
  matmul = new WebAssembly.Instance(workerData.matmul, { env: { memory } }).exports;
  conv = new WebAssembly.Instance(workerData.conv, { env: { memory, gemm: matmul.gemm } }).exports;
  Atomics.store(ctl, 1, 1);
} catch (e) {
  matmul = null;
  Atomics.store(ctl, 1, -1);
}
Atomics.notify(ctl, 1);
const ARGS = 11;
const PACK_ARGS = 7;
const POLL_MS = ${HELPER_POLL_MS};
const POLL_CLOCK = ${POLL_CLOCK};
while (matmul !== null) {
  const until = performance.now() + POLL_MS;
  for (let i = 1; Atomics.load(ctl, 0) === 0; i++) {
    if (i % POLL_CLOCK === 0 && performance.now() >= until) break;
  }
  Atomics.wait(ctl, 0, 0);
  if (Atomics.compareExchange(ctl, 0, 1, 2) !== 1) continue;
  const h = new Int32Array(memory.buffer);
  const w = 9 + 4 * id;
  const packs = h[5];
  for (let j = Atomics.add(h, 4, 1); j < packs; j = Atomics.add(h, 4, 1)) {
    const o = h[7] + j * PACK_ARGS;
    try {
      matmul.packSlice(h[o], h[o + 1], h[o + 2], h[o + 3], h[o + 4], h[o + 5], h[o + 6]);
    } catch (e) {
      Atomics.store(h, 2, 1);
    }
    Atomics.add(h, 6, 1);
  }
  while (Atomics.load(h, 6) <= packs) {}
  const gemm = packs > 0 ? matmul.gemmPacked : matmul.gemm;
  const images = h[8] === 1;
  for (let j = Atomics.add(h, 0, 1); j < h[1]; j = Atomics.add(h, 0, 1)) {
    try {
      if (images) {
        conv.image(h[3] * 4, j, h[w + 3], h[w], h[w + 1], h[w + 2]);
      } else {
        const o = h[3] + j * ARGS;
        gemm(h[o], h[o + 1], h[o + 2], h[o + 3], h[o + 4], h[o + 5], h[o + 6], h[o + 7], h[o + 8], h[o + 9],
          h[o + 10], h[w], h[w + 1], h[w + 2]);
      }
    } catch (e) {
      Atomics.store(h, 2, 1);
    }
  }
  Atomics.store(ctl, 0, 0);
  Atomics.notify(ctl, 0);
}
`;
