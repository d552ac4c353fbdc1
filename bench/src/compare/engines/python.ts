// Debian's PyTorch, reached through one long-lived /usr/bin/python3 process per engine process:
// pytorch_engine.py prints its setup, then answers one JSON job per line.
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { TORCH_ENGINES } from '../engine.js';

/** Debian's interpreter, which has torch; the python3 on PATH may be another one. */
export const PYTHON = '/usr/bin/python3';

const SCRIPT = fileURLToPath(new URL('./pytorch_engine.py', import.meta.url));

/**
 * Why PyTorch cannot run here, or null when `/usr/bin/python3 -c 'import torch'` works.
 *
 * @example
 * ```ts
 * const why = torchMissing(); // null on a machine with Debian's python3-torch
 * ```
 */
export function torchMissing(python = PYTHON): string | null {
  const run = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', timeout: 60_000 });
  if (run.error) return `${python} cannot run (${run.error.message})`;
  if (run.status !== 0) return `${python} cannot import torch (${run.stderr.trim().split('\n').at(-1)})`;
  return null;
}

/**
 * Leaves the PyTorch engines out of `engines` when torch cannot be imported (CI), saying why; asks
 * `missing` only when a PyTorch engine was asked for.
 *
 * @example
 * ```ts
 * skipTorchEngines(['backprop', 'pytorch-1t'], () => 'no torch').skipped; // [{ engine: 'pytorch-1t', why: 'no torch' }]
 * ```
 */
export function skipTorchEngines<T extends string>(
  engines: readonly T[],
  missing: () => string | null = torchMissing,
): { engines: T[]; skipped: { engine: T; why: string }[] } {
  const isTorch = (e: T) => (TORCH_ENGINES as readonly string[]).includes(e);
  const wanted = engines.filter(isTorch);
  const why = wanted.length > 0 ? missing() : null;
  if (why === null) return { engines: [...engines], skipped: [] };
  return { engines: engines.filter((e) => !isTorch(e)), skipped: wanted.map((engine) => ({ engine, why })) };
}

/** What pytorch_engine.py reports about itself before the first job. */
export interface TorchSetup {
  readonly torch: string;
  readonly threads: number;
  readonly interopThreads: number;
  readonly env: Record<string, string | null>;
  readonly openblas: { core: string; config: string; threads: number } | null;
  /** The speed-deciding lines of torch.__config__.show(). */
  readonly config: string[];
}

// The script's next stdout line, parsed; rejects if the script exits first.
function readLine(
  child: ChildProcessWithoutNullStreams,
  lines: Interface,
  stderr: () => string,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onClose = (code: number | null) => {
      lines.off('line', onLine);
      reject(new Error(`pytorch_engine.py exited (${code}): ${stderr().trim().split('\n').at(-1)}`));
    };
    const onLine = (line: string) => {
      child.off('close', onClose);
      resolve(JSON.parse(line));
    };
    lines.once('line', onLine);
    child.once('close', onClose);
  });
}

/** A running pytorch_engine.py. */
export class TorchProcess {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: Interface,
    private readonly stderr: () => string,
    /** What the script said about torch, BLAS and threads. */
    readonly setup: TorchSetup,
  ) {}

  /**
   * Starts the script on `threads` threads: torch.set_num_threads, and OpenMP's and OpenBLAS's
   * thread counts in its environment (OPENBLAS_CORETYPE is passed through as it is).
   *
   * @example
   * ```ts
   * const torch = await TorchProcess.start(1);
   * torch.setup.torch; // '1.13.0a0'
   * ```
   */
  static async start(threads: number): Promise<TorchProcess> {
    if (!(Number.isInteger(threads) && threads >= 1)) {
      throw new RangeError(`TorchProcess.start: threads must be a positive integer, got ${threads}`);
    }
    const n = String(threads);
    const env = { ...process.env, OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n };
    const child = spawn(PYTHON, [SCRIPT, n], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString()).slice(-4000);
    });
    const stderr = () => err;
    const lines = createInterface({ input: child.stdout });
    const setup = (await readLine(child, lines, stderr)) as TorchSetup;
    return new TorchProcess(child, lines, stderr, setup);
  }

  /**
   * Sends one job and waits for its answer; a job the script could not run rejects with its error.
   *
   * @example
   * ```ts
   * const out = await torch.request<{ check: number[] }>({ workload: 'scalar', leaves, plan });
   * ```
   */
  async request<T>(job: object): Promise<T> {
    const answer = readLine(this.child, this.lines, this.stderr);
    this.child.stdin.write(`${JSON.stringify(job)}\n`);
    const out = (await answer) as T | { error: string };
    if (typeof out === 'object' && out !== null && 'error' in out) throw new Error(`PyTorch: ${out.error}`);
    return out as T;
  }

  /** Closes the script's stdin, which ends it. */
  close(): void {
    this.child.stdin.end();
  }
}
