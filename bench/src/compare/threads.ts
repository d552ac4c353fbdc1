// How many threads backprop's wasm backend splits a large product over, for the report and the
// matmul target (core does not export the count, so its rule is restated here).
import os from 'node:os';

/** Which products the wasm backend splits: packages/core/src/backend/wasm/matmul.ts's THREAD_WORK. */
export const THREAD_WORK_TEXT = 'products of m·n·k ≥ 2^23';

/**
 * The threads core's pool starts (packages/core/src/backend/threads/pool.ts): `BACKPROP_THREADS` if
 * it is a positive integer, else 2; never more than the cores or the pool's cap of 16.
 *
 * @example
 * ```ts
 * backpropThreads({ BACKPROP_THREADS: '1' }); // 1
 * ```
 */
export function backpropThreads(
  env: NodeJS.ProcessEnv = process.env,
  cores = os.availableParallelism(),
): number {
  const asked = Number.parseInt(env.BACKPROP_THREADS ?? '', 10);
  return Math.min(Number.isInteger(asked) && asked >= 1 ? asked : 2, cores, 16);
}
