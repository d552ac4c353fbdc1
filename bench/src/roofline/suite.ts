// `pnpm bench roofline`: the wasm SIMD roofline probe as a bench suite. The probe needs worker
// threads and, for relaxed SIMD, a flagged Node, so it runs as its own process (cli.ts) and the
// suite turns its JSON into rows.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BenchSuite, CaseResult } from '../harness.js';
import { ACCUMULATORS, flopsPerIteration, type ProbeVariant, STEPS } from './kernel.js';
import { FULL_PROBE, type Roofline } from './measure.js';
import type { ProbeResult } from './probe.js';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

const LABEL: Record<ProbeVariant, string> = {
  muladd: 'f32x4 mul+add',
  relaxed: 'f32x4 relaxed_madd',
};

function rows(variant: ProbeVariant, results: ProbeResult[] | string, notes: string[]): CaseResult[] {
  if (typeof results === 'string') {
    notes.push(`${LABEL[variant]}: ${results}`);
    return [];
  }
  return results.map((p) => ({
    suite: 'roofline',
    name: `${LABEL[variant]}, ${p.threads} thread${p.threads > 1 ? 's' : ''}`,
    opsPerSec: (1e3 / p.callMs) * p.threads,
    rmePct: p.rmePct,
    samples: p.calls,
    meanMs: p.callMs,
    rate: p.total,
    rateUnit: 'GFLOP/s',
  }));
}

/**
 * The roofline suite: GFLOP/s of register-resident f32x4 multiply-adds on 1 and 2 threads at once.
 *
 * @example
 * ```ts
 * const { cases } = rooflineSuite.run();
 * ```
 */
export const rooflineSuite: BenchSuite = {
  name: 'roofline',
  description: `wasm SIMD peak: a loop of ${ACCUMULATORS} independent f32x4 accumulators, each updated once per step (${flopsPerIteration()} FLOPs per iteration of ${STEPS} steps, no memory access), ${FULL_PROBE.timedSec} s per probe, threads run concurrently; ops/s = calls/s over all threads`,
  run() {
    const run = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--json'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`roofline probe failed: ${run.stderr.trim().split('\n').at(-1)}`);
    const r = JSON.parse(run.stdout) as Roofline;
    const notes: string[] = [];
    const cases = [...rows('muladd', r.muladd, notes), ...rows('relaxed', r.relaxed, notes)];
    const perThread = (x: ProbeResult[] | string) =>
      typeof x === 'string' ? 'n/a' : `${(x[0]!.total).toFixed(1)} GFLOP/s`;
    notes.push(
      `one thread: mul+add ${perThread(r.muladd)}, relaxed madd ${perThread(r.relaxed)} (the relaxed probe runs in a Node started with --experimental-wasm-relaxed-simd)`,
    );
    return { cases, notes };
  },
};
