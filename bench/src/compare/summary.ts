// The text of a finished run: the same markdown goes to the terminal and, after a full run, into
// bench/RESULTS.md between two markers (text outside them is hand-written and left alone).
import { coreSpeedText } from '../core-speed.js';
import type { Machine } from '../machine.js';
import { writeMarkedBlock } from '../results-md.js';
import { type Collector, describeCheck } from './collect.js';
import { ENGINES, type EngineName, WEBGPU_ENGINES } from './engine.js';
import { medianTable, ratioTable } from './report.js';
import { roundsOf } from './spec.js';
import { type TargetResult, targetTable } from './targets.js';

/** Where and how the run happened, beyond the machine itself. */
export interface RunInfo {
  readonly machine: Machine;
  readonly loadAverageEnd: number;
  /** `coreLoopMs` at the start and at the end of the run: whether the cores ran alike. */
  readonly coreLoopMs: { readonly start: number[] | null; readonly end: number[] | null };
  readonly rounds: number;
  readonly quick: boolean;
  readonly plan: string;
  readonly nodeFlags: string;
  readonly wallSec: number;
  /** Pairs that ran fewer rounds because their processes were slow. */
  readonly shortened: string[];
  /** Engines left out of this run, with why (PyTorch where /usr/bin/python3 has no torch). */
  readonly skipped: { readonly engine: EngineName; readonly why: string }[];
  /** The roofline probe's figures, one sentence, when the run measured them. */
  readonly roofline?: string;
}

const BEGIN =
  '<!-- compare:begin (written by pnpm bench:compare after a full run; edit outside the markers) -->';
const END = '<!-- compare:end -->';

function engineCount(c: Collector, w: string): number {
  return new Set(c.cells.filter((x) => x.workload === w).map((x) => x.engine)).size;
}

function agreementLines(c: Collector): string[] {
  return [...c.agreement].map(([w, a]) => {
    const verdict = a.failed === 0 ? 'all agree' : `${a.failed} round(s) DISAGREE and were discarded`;
    const rtol = a.expected.rtol ?? 1e-5;
    return `- ${w}: ${a.expected.what}: ${describeCheck(a.expected)} (${a.reference}); ${a.passed + a.failed} rounds of ${engineCount(c, w)} engines, ${verdict} within ${rtol.toExponential(0)}·max(1, |x|); largest difference ${a.maxDiff.toExponential(1)}`;
  });
}

/**
 * The run as markdown: machine, engines, medians, ratios, targets and the same-result check.
 *
 * @example
 * ```ts
 * console.log(renderSummary(collector, info, checkTargets(collector)));
 * ```
 */
export function renderSummary(c: Collector, info: RunInfo, targets: readonly TargetResult[]): string {
  const m = info.machine;
  const engines = ENGINES.filter((e) => c.setups.has(e) || c.cells.some((x) => x.engine === e));
  // backprop on the CPU beside the CPU engines; backprop-webgpu beside the other webgpu engines.
  const peers = engines.filter(
    (e) => e !== 'backprop' && (e === 'backprop-webgpu' || !WEBGPU_ENGINES.includes(e)),
  );
  const gpuPeers = engines.filter((e) => e !== 'backprop-webgpu' && WEBGPU_ENGINES.includes(e));
  const gpuRatios = engines.includes('backprop-webgpu') && gpuPeers.length > 0;
  const setups = engines.map((e) => {
    const note = c.notes.get(e);
    return `- **${e}**: ${c.setups.get(e) ?? 'did not start'}${note ? `; ${note}` : ''}`;
  });
  const skipped = info.skipped.map((s) => `- **${s.engine}**: skipped: ${s.why}`);
  return [
    `${m.date.slice(0, 16).replace('T', ' ')} UTC, commit \`${m.commit}\`; ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}.`,
    `Load average ${m.loadAverage} at the start, ${info.loadAverageEnd} at the end. A fixed integer loop pinned to each`,
    `core in turn (bench/src/core-speed.ts, median of 3): ${coreSpeedText(info.coreLoopMs.start)} at the start,`,
    `${coreSpeedText(info.coreLoopMs.end)} at the end. ${info.rounds} round(s), each a fresh`,
    `process per engine and workload (\`${info.nodeFlags}\`; scalar-v8 under Node's default flags, ${roundsOf('scalar-v8', info.rounds)} rounds), ${info.plan}; ${Math.round(info.wallSec)} s in all.`,
    ...(info.shortened.length > 0 ? [`Fewer rounds for slow pairs: ${info.shortened.join('; ')}.`] : []),
    '',
    ...setups,
    ...skipped,
    ...(info.roofline ? ['', info.roofline] : []),
    '',
    'Medians over the rounds, (min–max); higher is better everywhere:',
    '',
    medianTable(c, engines),
    '',
    'backprop ÷ peer, medians:',
    '',
    ratioTable(c, peers),
    '',
    ...(gpuRatios ? ['On webgpu, medians:', '', ratioTable(c, gpuPeers, 'backprop-webgpu'), ''] : []),
    'Targets (issue 15 on the CPU, issue 13 on a GPU):',
    '',
    targetTable(targets),
    '',
    'Same computation, checked before timing in every round:',
    '',
    ...agreementLines(c),
  ].join('\n');
}

/**
 * Replaces the marked block of `path` with `body` (appending a "Side by side" section the first
 * time).
 *
 * @example
 * ```ts
 * writeResultsSection('bench/RESULTS.md', renderSummary(collector, info, targets));
 * ```
 */
export function writeResultsSection(path: string, body: string): void {
  writeMarkedBlock(path, { begin: BEGIN, end: END, heading: 'Side by side' }, body);
}
