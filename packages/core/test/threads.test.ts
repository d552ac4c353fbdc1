// Large float32 products split across worker threads must equal the one-thread products bit for
// bit, and neither vitest nor a plain node process may be kept alive by the helper threads.
import { execFileSync, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { awaitThreads } from '../src/backend/threads/pool.js';
import { matmulRelaxedWasm } from '../src/backend/wasm/kernels.generated.js';
import { decodeBase64, fusedMultiplyAdd } from '../src/backend/wasm/runtime.js';
import { getBackend } from '../src/index.js';
import type { FailureResult } from './threads-failure-child.js';
import { convolutionHashes, fusedProbe, pairHashes, productHashes } from './threads-products.js';

const child = fileURLToPath(new URL('./threads-child.ts', import.meta.url));
const failureChild = fileURLToPath(new URL('./threads-failure-child.ts', import.meta.url));
const idleChild = fileURLToPath(new URL('./threads-idle-child.ts', import.meta.url));

/** What threads-child.ts prints. */
interface ChildResult {
  helpers: number;
  fused: boolean;
  probe: number;
  products: ReturnType<typeof productHashes>;
  pairs: ReturnType<typeof pairHashes>;
  convolutions: ReturnType<typeof convolutionHashes>;
}

/** Node 20's flag for relaxed SIMD. From Node 22 relaxed SIMD is always on and the flag is gone. */
const RELAXED_SIMD = '--experimental-wasm-relaxed-simd';
const flagKnown = spawnSync(process.execPath, [RELAXED_SIMD, '-e', '']).status === 0;
/** Flags for a child with relaxed SIMD: the flag where it exists, none where it is always on. */
const relaxedFlags = flagKnown ? [RELAXED_SIMD] : [];
/** Flags for a child that runs the build this process runs (vitest may run with the flag). */
const sameBuild = fusedMultiplyAdd() ? relaxedFlags : [];

/**
 * Runs threads-child.ts in a plain node process with BACKPROP_THREADS, the backend and node's flags
 * as given (by default, those that give it this process's product build).
 */
function runChild(threads: string | undefined, backend = 'wasm', flags: string[] = sameBuild): ChildResult {
  const env = { ...process.env, BACKPROP_BACKEND: backend, BACKPROP_THREADS: threads };
  if (threads === undefined) delete env.BACKPROP_THREADS;
  // The timeout turns a process kept alive by a helper into a failure rather than a hang.
  const out = execFileSync(process.execPath, [...flags, '--import', 'tsx', child], {
    env,
    timeout: 30_000,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

let failure: FailureResult | undefined;
/** threads-failure-child.ts's result, run once for the tests that read it. */
function failureChildResult(): FailureResult {
  // In a child: a helper left waiting would block this process for good instead of failing.
  failure ??= JSON.parse(
    execFileSync(process.execPath, [...sameBuild, '--import', 'tsx', failureChild], {
      env: { ...process.env, BACKPROP_THREADS: undefined },
      timeout: 30_000,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1)!,
  ) as FailureResult;
  return failure;
}

let oneThread: ChildResult | undefined;
/** threads-child.ts on one thread with this process's backend and build, run once for the tests that compare with it. */
function oneThreadChild(): ChildResult {
  oneThread ??= runChild('1', getBackend().name);
  return oneThread;
}

const wasm = getBackend().name === 'wasm';
const helpers = wasm && process.env.BACKPROP_THREADS !== '1' ? Math.min(2, availableParallelism()) - 1 : 0;

describe('matmul on worker threads', () => {
  it('starts one helper thread where there are two cores (none on the cpu backend or when disabled)', () => {
    if (wasm) expect(awaitThreads()).toBe(helpers);
    else expect(getBackend().name).toBe('cpu');
  });

  it('gives the one-thread products bit for bit: edges, transposes, batches, broadcasts, biases', () => {
    awaitThreads();
    const threaded = productHashes();
    const single = oneThreadChild();
    expect(single.helpers).toBe(0);
    expect(threaded.map((p) => p.shape)).toEqual([
      [257, 263],
      [256, 260],
      [260, 256],
      [3, 130, 300],
      [2, 2, 130, 170],
      [64, 300],
      [48, 524],
      [300, 201],
      [2, 300, 150],
      [4, 260, 130],
      [64, 256],
      [3, 100, 300],
      [260, 301],
    ]);
    expect(threaded).toEqual(single.products);
  });

  it("gives the one-thread gradients bit for bit where a layer's two products run as a pair", () => {
    awaitThreads();
    const paired = pairHashes();
    expect(paired.map((p) => p.shape)).toEqual([
      [64, 256],
      [128, 256],
      [3, 64, 96],
      [96, 80],
      [100, 300],
      [300, 70],
    ]);
    expect(paired).toEqual(oneThreadChild().pairs);
  });

  it('gives the one-thread convolutions bit for bit, forward and both gradients, split by images', () => {
    awaitThreads();
    const threaded = convolutionHashes();
    const single = oneThreadChild();
    expect(threaded.map((c) => c.shape)).toEqual([
      [16, 16, 16, 16],
      [16, 8, 16, 16],
      [16, 8, 3, 3],
      [24, 32, 15, 15],
      [24, 16, 31, 31],
      [32, 8, 3, 3],
      [128, 8, 28, 28],
      [128, 1, 28, 28],
      [8, 1, 3, 3],
      [10, 32, 18, 18],
      [10, 6, 20, 20],
      [32, 6, 5, 5],
    ]);
    expect(threaded).toEqual(single.convolutions);
  });

  it('fuses the multiply-adds where the runtime has relaxed SIMD, on the helper threads too', () => {
    const threaded = runChild(undefined, 'wasm', relaxedFlags);
    const single = runChild('1', 'wasm', relaxedFlags);
    expect([threaded.fused, single.fused]).toEqual([true, true]);
    expect([threaded.probe, single.probe]).toEqual([2 ** -24, 2 ** -24]); // rounded once
    expect(threaded.helpers).toBe(Math.min(2, availableParallelism()) - 1);
    expect(threaded.products).toEqual(single.products);
    // One rounding instead of two changes the last bits of these random products. (Only where a
    // child can run without relaxed SIMD: Node 20, without the flag.)
    if (!flagKnown) return;
    const plain = runChild('1', 'wasm', []);
    expect([plain.fused, plain.probe]).toEqual([false, 0]);
    for (const [i, p] of plain.products.entries())
      expect(p.hash, `product ${i}`).not.toBe(single.products[i]!.hash);
  });

  it('rounds each multiply-add once in this process only where its kernels are the relaxed build', () => {
    // The cpu kernel sums in float64, which keeps the product's low bits too.
    const expected = wasm && !fusedMultiplyAdd() ? 0 : 2 ** -24;
    expect(fusedProbe()).toBe(expected);
    expect(fusedMultiplyAdd()).toBe(WebAssembly.validate(decodeBase64(matmulRelaxedWasm)));
  });

  it('lets a plain node process with helper threads exit by itself, with the same products', () => {
    const result = runChild(undefined);
    expect(result.helpers).toBe(Math.min(2, availableParallelism()) - 1);
    expect(result.products).toEqual(runChild('1').products);
  });

  it('puts an idle helper back to sleep after its short poll, so no core stays busy', () => {
    const out = execFileSync(process.execPath, [...sameBuild, '--import', 'tsx', idleChild], {
      env: { ...process.env, BACKPROP_THREADS: undefined },
      timeout: 30_000,
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
      helpers: number;
      idleMs: number;
      cpuMs: number;
    };
    expect(result.helpers).toBe(Math.min(2, availableParallelism()) - 1);
    // A helper polling all along would use about idleMs of CPU; one that sleeps after its 2 ms, a few.
    expect(result.cpuMs).toBeLessThan(result.idleMs / 3);
  });

  it('lets the helpers go when the calling thread fails mid-product, and runs the next product whole', () => {
    const result = failureChildResult();
    expect(result.helpers).toBe(Math.min(2, availableParallelism()) - 1);
    if (result.helpers === 0) {
      expect(result.error).toBe('no pool'); // one core: threadedMatmul declines, the product runs on one thread
      return;
    }
    expect(result.error).toBe('A cannot be laid out');
    expect(result.worst).toBeLessThan(1e-3);
    expect(result.worst).toBeGreaterThan(0); // float32 sums, so not the float64 sums exactly
  });

  it("finishes a pair's product left running when the caller's own product fails, before the memory is reused", () => {
    const result = failureChildResult();
    expect(result.pairError).toBe('TypeError'); // the copy of a storage that is not a typed array
    // With a helper, the second product was posted before the first failed; with none, it never was.
    expect(result.leftRunning).toBe(result.helpers > 0);
    expect(result.stillRunning).toBe(false); // the next threaded product finished it first
    expect(result.afterSame).toBe(result.helpers > 0);
    expect(result.pairSame).toBe(true);
  });
});
