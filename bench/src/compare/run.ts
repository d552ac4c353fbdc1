// Entry point of `pnpm bench:compare`: every engine on every workload, one fresh process per round,
// rounds interleaved across engines so a change in machine load hits them alike; then the tables,
// bench/compare-results.json and (after a full run) the "Side by side" block of bench/RESULTS.md.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { coreLoopMs, coreSpeedText } from '../core-speed.js';
import { describeMachine } from '../machine.js';
import { FULL_PROBE, measureRoofline, peakGflops, QUICK_PROBE, type Roofline } from '../roofline/measure.js';
import { variantSupported } from '../roofline/probe.js';
import { type CompareOptions, PAIR_BUDGET_SEC, parseCompareArgs, USAGE, UsageError } from './cli.js';
import { Collector } from './collect.js';
import { runsWorkload } from './engine.js';
import { skipTorchEngines } from './engines/python.js';
import { rowsOf, summaryOf } from './report.js';
import { runRound, WORKER_NODE_FLAGS } from './spawn.js';
import { roundsOf } from './spec.js';
import { fmt3, round, toJson } from './stats.js';
import { type RunInfo, renderSummary, writeResultsSection } from './summary.js';
import { checkTargets, type Peak } from './targets.js';
import { backpropThreads } from './threads.js';
import { FULL_PLAN, QUICK_PLAN } from './timing.js';

const JSON_OUT = fileURLToPath(new URL('../../compare-results.json', import.meta.url));
const RESULTS_MD = fileURLToPath(new URL('../../RESULTS.md', import.meta.url));

// Runs the rounds; returns the pairs that stopped early for time, as "engine on workload: k of n".
async function runAll(opts: CompareOptions, c: Collector): Promise<string[]> {
  const timeoutSec = opts.quick ? 120 : 240;
  const spent = new Map<string, { sec: number; rounds: number; of: number }>();
  for (const workload of opts.workloads) {
    const engines = opts.engines.filter((e) => runsWorkload(e, workload));
    const rounds = roundsOf(workload, opts.rounds);
    for (let r = 1; r <= rounds; r++) {
      for (const engine of engines) {
        // A workload an engine cannot run fails the same way every round: do not repeat it.
        if (c.failure(workload, engine) !== undefined) continue;
        const pair = spent.get(`${engine} on ${workload}`) ?? { sec: 0, rounds: 0, of: rounds };
        spent.set(`${engine} on ${workload}`, pair);
        if (pair.sec >= PAIR_BUDGET_SEC) continue;
        const outcome = await runRound(engine, workload, {
          quick: opts.quick,
          source: opts.source,
          timeoutSec,
        });
        pair.sec += outcome.wallSec;
        pair.rounds++;
        const line = c.add(engine, workload, outcome);
        const where = `${workload.padEnd(6)} ${engine.padEnd(11)} ${r}/${rounds} ${outcome.wallSec.toFixed(1).padStart(5)} s`;
        console.log(`${where}  ${line}`);
      }
    }
  }
  return [...spent]
    .filter(([, p]) => p.rounds < p.of && p.sec >= PAIR_BUDGET_SEC)
    .map(([pair, p]) => `${pair}: ${p.rounds} of ${p.of} rounds (its processes took ${Math.round(p.sec)} s)`);
}

function planText(quick: boolean): string {
  const p = quick ? QUICK_PLAN : FULL_PLAN;
  return `each measurement warmed up ${p.warmupSec} s (at least one call) then timed ${p.timedSec} s (at least one call)`;
}

// The wasm SIMD peak for the matmul targets: the probe on 1 and 2 threads at once, when backprop
// runs matmul in this run. backprop's products fuse their multiply-adds where the runtime has relaxed
// SIMD without flags (Node 22+), as the engines' processes are started; then the fused probe is the peak.
async function probePeak(opts: CompareOptions): Promise<{ roofline: Roofline; peak?: Peak } | undefined> {
  if (!opts.workloads.includes('matmul') || !opts.engines.includes('backprop')) return undefined;
  const roofline = await measureRoofline(opts.quick ? QUICK_PROBE : FULL_PROBE);
  const threads = backpropThreads();
  const variant = (await variantSupported('relaxed')) ? 'relaxed' : 'muladd';
  const perThread = peakGflops(roofline, 1, variant);
  if (perThread === undefined) return { roofline };
  // A thread count the probe did not run (BACKPROP_THREADS above 2) is read as one thread's peak × threads.
  const gflops = peakGflops(roofline, threads, variant) ?? perThread * threads;
  return { roofline, peak: { gflops, threads, perThread, variant } };
}

function rooflineText(r: Roofline): string {
  const fig = (x: Roofline['muladd']) =>
    typeof x === 'string' ? x : x.map((p) => `${fmt3(p.total)} on ${p.threads}`).join(', ');
  return `wasm SIMD roofline (bench/src/roofline, run once before the rounds), GFLOP/s on threads run at once: f32x4.mul + f32x4.add ${fig(r.muladd)}; f32x4.relaxed_madd (relaxed SIMD: Node 22+, or Node 20 with --experimental-wasm-relaxed-simd) ${fig(r.relaxed)}.`;
}

function results(c: Collector) {
  return rowsOf(c).flatMap((row) =>
    c.cells
      .filter((x) => x.workload === row.workload && x.metric === row.metric)
      .map((x) => {
        const s = summaryOf(c, row, x.engine)!;
        const stats = { median: round(s.median), min: round(s.min), max: round(s.max) };
        return { ...row, engine: x.engine, values: x.values.map((v) => round(v)), ...stats };
      }),
  );
}

function writeJson(
  c: Collector,
  info: RunInfo,
  opts: CompareOptions,
  targets: ReturnType<typeof checkTargets>,
  roofline: Roofline | undefined,
) {
  const { machine, loadAverageEnd, coreLoopMs: coreLoop, nodeFlags, ...run } = info;
  const setups = [...c.setups].map(([engine, setup]) => ({
    engine,
    setup,
    note: c.notes.get(engine) ?? null,
  }));
  const failures = [...c.failures].map(([key, error]) => {
    const [workload, engine] = key.split('|');
    return { workload, engine, error };
  });
  const agreement = [...c.agreement].map(([workload, a]) => ({ workload, ...a }));
  const body = {
    // The machine as the parent saw it, with the flags its workers ran under.
    machine: { ...machine, nodeFlags, loadAverageEnd, coreLoopMs: coreLoop },
    run: {
      ...run,
      wallSec: Math.round(run.wallSec),
      shortened: run.shortened.map((text) => ({ text })),
      engines: opts.engines.join(', '),
      workloads: opts.workloads.join(', '),
    },
    setups,
    results: results(c),
    failures,
    agreement,
    mismatches: c.mismatches.map((text) => ({ text })),
    targets,
    roofline: roofline ?? null,
  };
  writeFileSync(JSON_OUT, toJson(body));
}

async function main(argv: readonly string[]): Promise<void> {
  const asked = parseCompareArgs(argv);
  // PyTorch's engines need Debian's torch; where it is missing (CI) they are left out, with why.
  const { engines, skipped } = skipTorchEngines(asked.engines);
  const opts = { ...asked, engines };
  const machine = describeMachine();
  console.log(
    `${machine.cpu} (${machine.cores} cores), node ${machine.node}, load ${machine.loadAverage}, commit ${machine.commit}`,
  );
  const started = performance.now();
  const coreLoopStart = coreLoopMs();
  console.log(`a fixed loop pinned to each core in turn: ${coreSpeedText(coreLoopStart)}`);
  for (const s of skipped) console.log(`skipping ${s.engine}: ${s.why}`);
  const probed = await probePeak(opts);
  if (probed) console.log(rooflineText(probed.roofline));
  console.log(`${opts.rounds} round(s) of ${opts.engines.join(', ')} on ${opts.workloads.join(', ')}\n`);
  const c = new Collector();
  const shortened = await runAll(opts, c);
  const info: RunInfo = {
    machine,
    loadAverageEnd: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
    coreLoopMs: { start: coreLoopStart, end: coreLoopMs() },
    rounds: opts.rounds,
    quick: opts.quick,
    plan: planText(opts.quick),
    nodeFlags: WORKER_NODE_FLAGS.join(' '),
    wallSec: (performance.now() - started) / 1e3,
    shortened,
    skipped,
    roofline: probed ? rooflineText(probed.roofline) : undefined,
  };
  const targets = checkTargets(c, probed?.peak);
  const summary = renderSummary(c, info, targets);
  console.log(`\n${summary}\n`);
  writeJson(c, info, opts, targets, probed?.roofline);
  console.log(`wrote ${JSON_OUT}`);
  if (opts.complete) {
    writeResultsSection(RESULTS_MD, summary);
    console.log(`updated the "Side by side" block of ${RESULTS_MD}`);
  }
  if (c.mismatches.length > 0) {
    console.error(`\nRESULT MISMATCH in ${c.mismatches.length} round(s):\n${c.mismatches.join('\n')}`);
    process.exitCode = 1;
  }
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof UsageError ? `${e.message}\n${USAGE}` : e);
  process.exitCode = 1;
});
