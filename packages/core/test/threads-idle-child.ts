// Run by threads.test.ts in a fresh `node` process: one product on the helper threads, then this
// thread sleeps for IDLE_MS while the process's CPU time (every thread's, helpers included) is
// measured. A helper polls for its next job for a while after each one (worker-source.ts); it must
// then sleep too, rather than keep a core busy for as long as the process lives.
import { awaitThreads } from '../src/backend/threads/pool.js';
import { randn } from '../src/index.js';

const IDLE_MS = 300;

const helpers = awaitThreads();
randn([256, 256]).matmul(randn([256, 256])); // 2^24 multiply-adds: split across the threads
const before = process.cpuUsage();
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, IDLE_MS);
const used = process.cpuUsage(before);
console.log(JSON.stringify({ helpers, idleMs: IDLE_MS, cpuMs: (used.user + used.system) / 1000 }));
