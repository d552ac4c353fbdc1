// Large float32 products split across worker threads must equal the one-thread products bit for
// bit, and neither vitest nor a plain node process may be kept alive by the helper threads.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { awaitThreads } from '../src/backend/threads/pool.js';
import { getBackend } from '../src/index.js';
import { productHashes } from './threads-products.js';

const child = fileURLToPath(new URL('./threads-child.ts', import.meta.url));

/** Runs threads-child.ts in a plain node process with BACKPROP_THREADS and the backend as given. */
function runChild(
  threads: string | undefined,
  backend = 'wasm',
): { helpers: number; products: ReturnType<typeof productHashes> } {
  const env = { ...process.env, BACKPROP_BACKEND: backend, BACKPROP_THREADS: threads };
  if (threads === undefined) delete env.BACKPROP_THREADS;
  // The timeout turns a process kept alive by a helper into a failure rather than a hang.
  const out = execFileSync(process.execPath, ['--import', 'tsx', child], {
    env,
    timeout: 30_000,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const wasm = getBackend().name === 'wasm';
const helpers = wasm && process.env.BACKPROP_THREADS !== '1' ? Math.min(2, availableParallelism()) - 1 : 0;

describe('matmul on worker threads', () => {
  it('starts one helper thread where there are two cores (none on the cpu backend or when disabled)', () => {
    if (wasm) expect(awaitThreads()).toBe(helpers);
    else expect(getBackend().name).toBe('cpu');
  });

  it('gives the one-thread products bit for bit: edges, transposes, batches, broadcasts', () => {
    awaitThreads();
    const threaded = productHashes();
    const single = runChild('1', getBackend().name);
    expect(single.helpers).toBe(0);
    expect(threaded.map((p) => p.shape)).toEqual([
      [257, 263],
      [256, 260],
      [260, 256],
      [3, 130, 300],
      [2, 2, 130, 170],
      [64, 300],
      [48, 524],
    ]);
    expect(threaded).toEqual(single.products);
  });

  it('lets a plain node process with helper threads exit by itself, with the same products', () => {
    const result = runChild(undefined);
    expect(result.helpers).toBe(Math.min(2, availableParallelism()) - 1);
    expect(result.products).toEqual(runChild('1').products);
  });
});
