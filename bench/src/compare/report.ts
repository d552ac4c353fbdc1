// Turns collected cells into the printed tables: medians with their range, backprop's ratio to each
// peer, and where backprop stands against the targets.
import type { Collector } from './collect.js';
import type { EngineName } from './engine.js';
import { WORKLOADS, type Workload } from './spec.js';
import { fmt3, markdownTable, ratioText, type Summary, summarize } from './stats.js';

/** A table row: one metric of one workload. */
export interface Row {
  readonly workload: Workload;
  readonly metric: string;
  readonly unit: string;
}

/**
 * The rows present in the collected cells, in workload order, then in order of first appearance.
 *
 * @example
 * ```ts
 * rowsOf(collector).map((r) => r.metric); // ['mlp step', 'cnn step', ...]
 * ```
 */
export function rowsOf(c: Collector): Row[] {
  const rows: Row[] = [];
  for (const w of WORKLOADS) {
    for (const cell of c.cells) {
      if (cell.workload === w && !rows.some((r) => r.workload === w && r.metric === cell.metric)) {
        rows.push({ workload: w, metric: cell.metric, unit: cell.unit });
      }
    }
  }
  return rows;
}

/**
 * The summary of `engine` on `row`, if it has values.
 *
 * @example
 * ```ts
 * summaryOf(collector, row, 'backprop')?.median;
 * ```
 */
export function summaryOf(c: Collector, row: Row, engine: EngineName): Summary | undefined {
  const cell = c.cells.find(
    (x) => x.workload === row.workload && x.metric === row.metric && x.engine === engine,
  );
  return cell && cell.values.length > 0 ? summarize(cell.values) : undefined;
}

// A failed workload shows as "fails (a)" with the error as footnote (a) under the table.
function cellText(c: Collector, row: Row, engine: EngineName, footnotes: string[]): string {
  const s = summaryOf(c, row, engine);
  if (s) return s.min === s.max ? fmt3(s.median) : `${fmt3(s.median)} (${fmt3(s.min)}–${fmt3(s.max)})`;
  const failure = c.failure(row.workload, engine);
  if (failure === undefined) return '-';
  const note = `${engine} on ${row.workload}: ${failure}`;
  if (!footnotes.includes(note)) footnotes.push(note);
  return `fails (${String.fromCharCode(97 + footnotes.indexOf(note))})`;
}

/**
 * Medians over the rounds with (min–max), one column per engine; failures as lettered footnotes.
 *
 * @example
 * ```ts
 * console.log(medianTable(collector, ['backprop', 'jax-js']));
 * ```
 */
export function medianTable(c: Collector, engines: readonly EngineName[]): string {
  const footnotes: string[] = [];
  const rows = rowsOf(c).map((r) => [r.metric, r.unit, ...engines.map((e) => cellText(c, r, e, footnotes))]);
  const notes = footnotes.map((n, i) => `- (${String.fromCharCode(97 + i)}) ${n}`);
  return [
    markdownTable(['workload', 'unit', ...engines], rows),
    ...(notes.length ? ['', ...notes] : []),
  ].join('\n');
}

/**
 * backprop's median (or `us`'s) divided by each peer's (higher is better for backprop in every unit used).
 *
 * @example
 * ```ts
 * console.log(ratioTable(collector, ['tfjs-wasm', 'jax-js']));
 * ```
 */
export function ratioTable(c: Collector, peers: readonly EngineName[], us: EngineName = 'backprop'): string {
  const rows = rowsOf(c).flatMap((r) => {
    const ours = summaryOf(c, r, us)?.median;
    // Rows backprop has no number for (jax-js's jit-only scalar row) have no ratios either.
    return ours === undefined
      ? []
      : [[r.metric, ...peers.map((p) => ratioText(ours, summaryOf(c, r, p)?.median))]];
  });
  return markdownTable([`${us} ÷`, ...peers], rows);
}
