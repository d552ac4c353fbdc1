// `pnpm --filter @backprop/bench scaling [--quick] [--engines a,b] [--no-profile]`: MLP and CNN
// steps/s and bytes allocated per step as the batch and the width grow, backprop beside PyTorch, one
// fresh process per engine and point (engines interleaved point by point); then CPU profiles of
// backprop at batch 1 and 1024. Writes bench/scaling-results.json; a full run (no --quick, no
// --engines) also writes bench/scaling.svg and the "Steps/s as work grows" block of RESULTS.md.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_ENV } from '../compare/engine.js';
import { skipTorchEngines } from '../compare/engines/python.js';
import { runScript } from '../compare/spawn.js';
import { agrees, toJson } from '../compare/stats.js';
import { coreLoopMs, coreSpeedText } from '../core-speed.js';
import { describeMachine } from '../machine.js';
import { writeMarkedBlock } from '../results-md.js';
import { SCALING_ENGINES, type ScalingEngine, type ScalingResult } from './engines.js';
import { describePoint, parsePoint, pointArg, type ScalingPoint, scalingPoints } from './points.js';
import { type CpuProfile, summarizeProfile } from './profile.js';
import { profileMarkdown, scalingPanels, scalingTables } from './report.js';
import { svgPlot } from './svg.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
const BENCH = fileURLToPath(new URL('../../', import.meta.url));
const BLOCK = {
  begin: '<!-- scaling:begin (written by pnpm --filter @backprop/bench scaling after a full run) -->',
  end: '<!-- scaling:end -->',
  heading: 'Steps/s as work grows (issue 15)',
};

/** The points profiled: each end of the batch sweeps, backprop at its default threads. */
const PROFILED = ['mlp-batch:1', 'mlp-batch:1024', 'cnn-batch:1', 'cnn-batch:1024'].map(parsePoint);

interface Options {
  readonly quick: boolean;
  readonly engines: ScalingEngine[];
  readonly profile: boolean;
  readonly complete: boolean;
}

function parse(argv: readonly string[]): Options {
  const i = argv.indexOf('--engines');
  const asked = i >= 0 ? (argv[i + 1] ?? '').split(',') : [...SCALING_ENGINES];
  const unknown = asked.filter((e) => !SCALING_ENGINES.includes(e as ScalingEngine));
  if (unknown.length > 0) {
    throw new Error(`scaling: unknown engine(s) ${unknown.join(', ')}; known: ${SCALING_ENGINES.join(', ')}`);
  }
  const quick = argv.includes('--quick');
  return {
    quick,
    engines: SCALING_ENGINES.filter((e) => asked.includes(e)),
    profile: !argv.includes('--no-profile'),
    complete: !quick && i < 0,
  };
}

// Allocations are counted once per point for each library: backprop at default threads (threads
// do not change what a step allocates) and PyTorch at one thread.
const COUNTS_ALLOCATION: readonly ScalingEngine[] = ['backprop', 'pytorch-1t'];

async function runPoint(engine: ScalingEngine, point: ScalingPoint, quick: boolean): Promise<ScalingResult> {
  const args = [engine, pointArg(point), ...(quick ? ['--quick'] : [])];
  if (!COUNTS_ALLOCATION.includes(engine)) args.push('--no-alloc');
  const out = await runScript(WORKER, args, {
    source: false,
    timeoutSec: 300,
    env: ENGINE_ENV[engine],
    nodeFlags: engine === 'backprop' ? ['--expose-gc'] : [],
  });
  return out.result === null
    ? { engine, point, setup: '', error: out.crash }
    : (JSON.parse(out.result) as ScalingResult);
}

// Losses of each engine's first two steps against backprop's at the same point.
function disagreements(results: readonly ScalingResult[]): string[] {
  return results.flatMap((r) => {
    const ref = results.find((b) => b.engine === 'backprop' && pointArg(b.point) === pointArg(r.point));
    if (!r.losses || !ref?.losses || r === ref) return [];
    const ok = r.losses.every((v, i) => agrees(v, ref.losses![i]!, 1e-4));
    return ok
      ? []
      : [
          `${describePoint(r.point)}: ${r.engine} losses ${r.losses.join(', ')}, backprop ${ref.losses.join(', ')}`,
        ];
  });
}

async function profiles(): Promise<string[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'backprop-scaling-'));
  try {
    const out: string[] = [];
    for (const point of PROFILED) {
      const file = path.join(dir, `${pointArg(point).replace(/:/g, '-')}.cpuprofile`);
      const run = await runScript(WORKER, ['backprop', pointArg(point), '--profile', file], {
        source: false,
        timeoutSec: 300,
      });
      if (run.result === null) {
        out.push(`**${describePoint(point)}**: profile failed (${run.crash})`);
        continue;
      }
      const r = JSON.parse(run.result) as ScalingResult;
      const summary = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
      const rate =
        r.stepsPerSec === undefined ? r.error : `${r.stepsPerSec.toFixed(1)} steps/s while profiled`;
      out.push(profileMarkdown(`${describePoint(point)}, backprop (${rate})`, summary));
      console.log(
        `profiled ${describePoint(point)}: ${summary.groups
          .slice(0, 4)
          .map((g) => `${g.name} ${g.pct.toFixed(0)}%`)
          .join(', ')}`,
      );
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: readonly string[]): Promise<void> {
  let opts = parse(argv);
  const machine = describeMachine();
  console.log(
    `${machine.cpu} (${machine.cores} cores), node ${machine.node}, load ${machine.loadAverage}, commit ${machine.commit}`,
  );
  const coreLoop = { start: coreLoopMs(), end: null as number[] | null };
  console.log(`a fixed loop pinned to each core in turn: ${coreSpeedText(coreLoop.start)}`);
  const torch = skipTorchEngines(opts.engines);
  opts = { ...opts, engines: torch.engines };
  const skipped = torch.skipped.map((s) => `${s.engine} skipped: ${s.why}`);
  for (const s of skipped) console.log(s);
  const started = performance.now();
  const results: ScalingResult[] = [];
  for (const point of scalingPoints()) {
    for (const engine of opts.engines) {
      const r = await runPoint(engine, point, opts.quick);
      results.push(r);
      const what = r.stepsPerSec !== undefined ? `${r.stepsPerSec.toFixed(1)} steps/s` : `fails: ${r.error}`;
      console.log(`${describePoint(point).padEnd(36)} ${engine.padEnd(11)} ${what}`);
    }
  }
  const profileText = opts.profile && opts.engines.includes('backprop') ? await profiles() : [];
  const loadEnd = Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
  coreLoop.end = coreLoopMs();
  const wallSec = Math.round((performance.now() - started) / 1e3);
  const mismatches = disagreements(results);
  const tables = scalingTables(results, opts.engines);
  const setups = opts.engines.map(
    (e) => `- **${e}**: ${results.find((r) => r.engine === e && r.setup)?.setup ?? 'did not start'}`,
  );
  const report = [
    `${machine.date.slice(0, 16).replace('T', ' ')} UTC, commit \`${machine.commit}\`; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}. Load average ${machine.loadAverage} at the start, ${loadEnd} at the end; a fixed integer loop pinned to each core in turn (bench/src/core-speed.ts, median of 3) ${coreSpeedText(coreLoop.start)} at the start, ${coreSpeedText(coreLoop.end)} at the end; ${wallSec} s in all.`,
    '',
    ...setups,
    ...skipped.map((s) => `- ${s}`),
    '',
    '![steps/s by batch and by width, log-log](scaling.svg)',
    '',
    tables,
    '',
    mismatches.length === 0
      ? "Every engine reproduced backprop's first two losses at every point (within 1e-4·max(1, |x|))."
      : `Losses that disagree with backprop's:\n\n${mismatches.map((m) => `- ${m}`).join('\n')}`,
    ...(profileText.length > 0
      ? [
          '',
          'Profiles of the timed steps (V8 CPU profiler, main thread, 100 µs sampling):',
          '',
          ...profileText.flatMap((p) => [p, '']),
        ]
      : []),
  ]
    .join('\n')
    .trimEnd();
  console.log(`\n${report}\n`);
  const json = path.join(BENCH, 'scaling-results.json');
  writeFileSync(
    json,
    toJson({
      machine: { ...machine, loadAverageEnd: loadEnd, coreLoopMs: coreLoop },
      wallSec,
      skipped,
      results,
      mismatches,
    }),
  );
  console.log(`wrote ${json}`);
  if (opts.complete) {
    writeFileSync(path.join(BENCH, 'scaling.svg'), svgPlot(scalingPanels(results, opts.engines)));
    writeMarkedBlock(path.join(BENCH, 'RESULTS.md'), BLOCK, report);
    console.log(`wrote ${path.join(BENCH, 'scaling.svg')} and the scaling block of RESULTS.md`);
  }
  if (mismatches.length > 0) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
