// Both probe variants at 1 and 2 threads. The relaxed-SIMD FMA needs a V8 flag in Node 20, so when
// this process lacks it the relaxed probe runs in a child Node started with the flag.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ProbeVariant } from './kernel.js';
import { type ProbePlan, type ProbeResult, probe, variantSupported } from './probe.js';

/** Node's flag for relaxed SIMD (on by default from Node 22's V8). */
export const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';

/** Thread counts probed: the two cores the bench machines have, one and both. */
export const PROBE_THREADS = [1, 2] as const;

/** Full runs time each probe 1.5 s after 0.3 s of warm-up; `--quick` 0.5 s. */
export const FULL_PROBE: ProbePlan = { warmupSec: 0.3, timedSec: 1.5 };
export const QUICK_PROBE: ProbePlan = { warmupSec: 0.3, timedSec: 0.5 };

/** Both variants' results, or why a variant has none. */
export interface Roofline {
  readonly muladd: ProbeResult[] | string;
  readonly relaxed: ProbeResult[] | string;
}

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

/**
 * Runs one variant at every thread count in this process.
 *
 * @example
 * ```ts
 * const [one, two] = await probeVariant('muladd', QUICK_PROBE);
 * ```
 */
export async function probeVariant(variant: ProbeVariant, plan: ProbePlan): Promise<ProbeResult[]> {
  const out: ProbeResult[] = [];
  for (const threads of PROBE_THREADS) out.push(await probe(variant, threads, plan));
  return out;
}

// The relaxed probe in a child Node with the flag; its results, or why there are none.
function relaxedInChild(plan: ProbePlan): Promise<ProbeResult[] | string> {
  const quick = plan === QUICK_PROBE ? ['--quick'] : [];
  const args = [RELAXED_FLAG, '--import', 'tsx', CLI, '--json', '--variant', 'relaxed', ...quick];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) {
        const why = signal ? `killed by ${signal}` : `exit ${code}`;
        return resolve(`relaxed probe failed (${why}): ${stderr.trim().split('\n').at(-1)}`);
      }
      try {
        resolve((JSON.parse(stdout) as Roofline).relaxed);
      } catch {
        resolve(`relaxed probe printed no JSON: ${stdout.slice(0, 200)}`);
      }
    });
  });
}

/**
 * Measures the roofline: f32x4 mul+add here, relaxed madd here or in a flagged child.
 *
 * @example
 * ```ts
 * const r = await measureRoofline(FULL_PROBE);
 * peakGflops(r, 2); // what two threads sustain together
 * ```
 */
export async function measureRoofline(
  plan: ProbePlan,
  variants: readonly ProbeVariant[] = ['muladd', 'relaxed'],
): Promise<Roofline> {
  const muladd = variants.includes('muladd') ? await probeVariant('muladd', plan) : 'not run';
  let relaxed: ProbeResult[] | string = 'not run';
  if (variants.includes('relaxed')) {
    relaxed = (await variantSupported('relaxed'))
      ? await probeVariant('relaxed', plan)
      : await relaxedInChild(plan);
  }
  return { muladd, relaxed };
}

/**
 * The probe's peak for `variant` (f32x4 mul+add by default: what backprop's kernels use without
 * relaxed SIMD) on `threads` threads run together, or undefined when that count was not probed.
 *
 * @example
 * ```ts
 * peakGflops(await measureRoofline(QUICK_PROBE), 2); // e.g. 90
 * ```
 */
export function peakGflops(
  r: Roofline,
  threads: number,
  variant: ProbeVariant = 'muladd',
): number | undefined {
  const results = r[variant];
  return typeof results === 'string' ? undefined : results.find((p) => p.threads === threads)?.total;
}
