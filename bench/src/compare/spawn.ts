// Runs one round in a fresh Node process and parses its RESULT line.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENGINE_ENV, type EngineName, RESULT_PREFIX, type WorkerOutput } from './engine.js';
import type { Workload } from './spec.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));

// tsx applies the nearest tsconfig's `paths`; the root one maps @backprop/* to packages/*/src, the
// bench one has none, so @backprop/* resolves through node_modules to the built packages/*/dist.
const TSCONFIG = {
  dist: fileURLToPath(new URL('../../tsconfig.dist.json', import.meta.url)),
  src: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)),
};

/**
 * V8 flags every worker runs with, whatever the engine, except on `scalar-v8` (see workerFlags).
 * Allocation-site pretenuring is off for the reason bench/RESULTS.md gives (it makes the micrograd
 * yardstick bimodal); `pnpm bench` uses it too.
 */
export const WORKER_NODE_FLAGS = ['--no-allocation-site-pretenuring'] as const;

/**
 * The V8 flags a round of `workload` runs with: WORKER_NODE_FLAGS, or none for `scalar-v8`, which
 * measures the scalar graph under Node's defaults as issue 15's scalar target is worded.
 *
 * @example
 * ```ts
 * workerFlags('scalar-v8'); // []
 * ```
 */
export function workerFlags(workload: Workload): readonly string[] {
  return workload === 'scalar-v8' ? [] : WORKER_NODE_FLAGS;
}

/** A round's process: its parsed output, or why there is none. */
export interface RoundOutcome {
  readonly output: WorkerOutput | null;
  /** Set when the process crashed, timed out or printed no RESULT line. */
  readonly crash?: string;
  readonly wallSec: number;
}

/** What a worker script printed after `RESULT `, or why it printed nothing. */
export interface ScriptOutcome {
  /** The JSON text after the prefix, when the script printed a RESULT line. */
  readonly result: string | null;
  /** Set when the process crashed, timed out or printed no RESULT line. */
  readonly crash?: string;
  readonly wallSec: number;
}

/**
 * Spawns `node <v8Flags> [nodeFlags] --import tsx <script> <args>` and waits for it
 * (killed after `timeoutSec`); `@backprop/*` resolves to the built packages unless `source`. Its
 * stderr is kept only to explain a crash.
 *
 * @example
 * ```ts
 * const { result } = await runScript(WORKER, ['backprop', 'mlp'], { source: false, timeoutSec: 120 });
 * ```
 */
export function runScript(
  script: string,
  args: readonly string[],
  opts: {
    source: boolean;
    timeoutSec: number;
    env?: Record<string, string>;
    nodeFlags?: readonly string[];
    /** The V8 flags before `nodeFlags`: WORKER_NODE_FLAGS unless given. */
    v8Flags?: readonly string[];
  },
): Promise<ScriptOutcome> {
  const v8Flags = opts.v8Flags ?? WORKER_NODE_FLAGS;
  const argv = [...v8Flags, ...(opts.nodeFlags ?? []), '--import', 'tsx', script, ...args];
  const started = performance.now();
  return new Promise((resolve) => {
    const env = {
      ...process.env,
      ...opts.env,
      TSX_TSCONFIG_PATH: opts.source ? TSCONFIG.src : TSCONFIG.dist,
    };
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutSec * 1e3);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const wallSec = (performance.now() - started) / 1e3;
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line) resolve({ result: line.slice(RESULT_PREFIX.length), wallSec });
      else {
        const why = signal ? `killed by ${signal} after ${Math.round(wallSec)} s` : `exit code ${code}`;
        const tail = stderr.trim().split('\n').slice(-3).join(' | ');
        resolve({ result: null, crash: `${why}: ${tail}`, wallSec });
      }
    });
  });
}

/**
 * Spawns `node --import tsx worker.ts <engine> <workload>` with the engine's environment
 * (`ENGINE_ENV`) and parses its RESULT line.
 *
 * @example
 * ```ts
 * const { output } = await runRound('backprop', 'mlp', { quick: true, source: false, timeoutSec: 120 });
 * ```
 */
export async function runRound(
  engine: EngineName,
  workload: Workload,
  opts: { quick: boolean; source: boolean; timeoutSec: number },
): Promise<RoundOutcome> {
  const args = [engine, workload, ...(opts.quick ? ['--quick'] : [])];
  const out = await runScript(WORKER, args, {
    ...opts,
    env: ENGINE_ENV[engine],
    v8Flags: workerFlags(workload),
  });
  if (out.result === null) return { output: null, crash: out.crash, wallSec: out.wallSec };
  return { output: JSON.parse(out.result) as WorkerOutput, wallSec: out.wallSec };
}
