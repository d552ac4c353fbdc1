// The goals of issue 6 ("Gradient throughput"), checked against the medians of one run.
import type { Collector } from './collect.js';
import type { EngineName } from './engine.js';
import { type Row, rowsOf, summaryOf } from './report.js';
import { fmt3, markdownTable } from './stats.js';

/** One goal: backprop's median on a metric against a floor, or against a multiple of a peer's. */
export interface Target {
  readonly goal: string;
  readonly metric: string;
  /** An absolute floor in the metric's unit. */
  readonly atLeast?: number;
  /** Or: at least `times` × the peer's median. */
  readonly peer?: { readonly engine: EngineName; readonly times: number };
}

/** The goals for two cores and Node 20. */
export const TARGETS: readonly Target[] = [
  { goal: 'MLP step ≥ 400 steps/s', metric: 'mlp step', atLeast: 400 },
  { goal: 'MLP step ≥ 9× TF.js wasm', metric: 'mlp step', peer: { engine: 'tfjs-wasm', times: 9 } },
  { goal: 'MLP step ≥ 2× jax-js jit', metric: 'mlp step', peer: { engine: 'jax-js', times: 2 } },
  { goal: 'CNN step ≥ 100 steps/s', metric: 'cnn step', atLeast: 100 },
  { goal: 'CNN step ≥ 20× jax-js jit', metric: 'cnn step', peer: { engine: 'jax-js', times: 20 } },
  { goal: 'matmul f+b ≥ 25 GFLOP/s (one thread)', metric: 'matmul 1024 f+b', atLeast: 25 },
  { goal: 'matmul f+b ≥ 45 GFLOP/s (two threads)', metric: 'matmul 1024 f+b', atLeast: 45 },
  {
    goal: 'scalar graph f+b within 3× micrograd',
    metric: 'scalar f+b',
    peer: { engine: 'micrograd', times: 1 / 3 },
  },
];

/** How one target came out; `met` is null when a number it needs was not measured. */
export interface TargetResult {
  readonly goal: string;
  readonly measured: string;
  readonly needed: string;
  readonly met: boolean | null;
  /** measured ÷ needed: below 1 says how far short. */
  readonly ratio: number | null;
}

function median(c: Collector, metric: string, engine: EngineName): number | undefined {
  const row: Row | undefined = rowsOf(c).find((r) => r.metric === metric);
  return row ? summaryOf(c, row, engine)?.median : undefined;
}

/**
 * Evaluates every target on the collected medians.
 *
 * @example
 * ```ts
 * checkTargets(collector).filter((t) => t.met === false);
 * ```
 */
export function checkTargets(c: Collector): TargetResult[] {
  return TARGETS.map((t) => {
    const ours = median(c, t.metric, 'backprop');
    const theirs = t.peer ? median(c, t.metric, t.peer.engine) : undefined;
    const needed = t.peer ? (theirs === undefined ? undefined : theirs * t.peer.times) : t.atLeast;
    const unit = c.cells.find((x) => x.metric === t.metric)?.unit ?? '';
    const peerText = t.peer && theirs !== undefined ? ` (${t.peer.engine} ${fmt3(theirs)})` : '';
    return {
      goal: t.goal,
      measured: ours === undefined ? 'not measured' : `${fmt3(ours)} ${unit}`,
      needed: needed === undefined ? 'not measured' : `${fmt3(needed)} ${unit}`.trim() + peerText,
      met: ours === undefined || needed === undefined ? null : ours >= needed,
      ratio: ours === undefined || needed === undefined ? null : ours / needed,
    };
  });
}

/**
 * The targets as a markdown table, with how far off each unmet one is.
 *
 * @example
 * ```ts
 * console.log(targetTable(checkTargets(collector)));
 * ```
 */
export function targetTable(results: readonly TargetResult[]): string {
  const verdict = (r: TargetResult) =>
    r.ratio === null ? 'n/a' : `${r.met ? 'met' : 'not met'}: ${fmt3(r.ratio)}x of needed`;
  return markdownTable(
    ['target', 'backprop', 'needed', ''],
    results.map((r) => [r.goal, r.measured, r.needed, verdict(r)]),
  );
}
