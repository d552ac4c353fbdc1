// The scaling run as markdown tables, SVG panels and profile summaries.
import { fmt3, markdownTable, ratioText } from '../compare/stats.js';
import type { ScalingEngine, ScalingResult } from './engines.js';
import type { Sweep } from './points.js';
import type { ProfileSummary } from './profile.js';
import type { Panel } from './svg.js';

/** How each sweep is titled and what its x axis is. */
export const SWEEPS: readonly { sweep: Sweep; title: string; x: 'batch' | 'width' }[] = [
  { sweep: 'mlp-batch', title: 'MLP 784-256-128-10, steps/s by batch', x: 'batch' },
  { sweep: 'cnn-batch', title: 'CNN, steps/s by batch', x: 'batch' },
  { sweep: 'mlp-width', title: 'MLP 784-w-w-10 at batch 64, steps/s by width', x: 'width' },
];

/**
 * Bytes with a binary-free decimal unit, three significant digits.
 *
 * @example
 * ```ts
 * bytesText(1_340_416); // '1.34 MB'
 * ```
 */
export function bytesText(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${fmt3(v)} ${units[u]}`;
}

const xOf = (r: ScalingResult, x: 'batch' | 'width') => (x === 'batch' ? r.point.batch : r.point.width!);

function find(
  results: readonly ScalingResult[],
  sweep: Sweep,
  engine: ScalingEngine,
  x: number,
  axis: 'batch' | 'width',
) {
  return results.find((r) => r.engine === engine && r.point.sweep === sweep && xOf(r, axis) === x);
}

// Heap plus ArrayBuffers, or the heap alone when the ArrayBuffers could not be counted.
function backpropBytes(r: ScalingResult | undefined): string {
  const a = r?.alloc;
  if (!a) return '-';
  if (a.arrayBufferBytes === null) return `${bytesText(a.heapBytes)} heap + buffers n/a`;
  return `${bytesText(a.heapBytes + a.arrayBufferBytes)} (${bytesText(a.heapBytes)} heap)`;
}

/**
 * One markdown table per sweep: steps/s per engine, backprop-1t ÷ pytorch-1t, bytes per step.
 *
 * @example
 * ```ts
 * console.log(scalingTables(results, ['backprop', 'pytorch-1t']));
 * ```
 */
export function scalingTables(results: readonly ScalingResult[], engines: readonly ScalingEngine[]): string {
  return SWEEPS.filter((s) => results.some((r) => r.point.sweep === s.sweep))
    .map(({ sweep, title, x }) => {
      const xs = [...new Set(results.filter((r) => r.point.sweep === sweep).map((r) => xOf(r, x)))].sort(
        (a, b) => a - b,
      );
      const rows = xs.map((v) => {
        const at = (e: ScalingEngine) => find(results, sweep, e, v, x);
        const rate = (e: ScalingEngine) => {
          const r = at(e);
          return r?.stepsPerSec !== undefined ? fmt3(r.stepsPerSec) : r?.error ? 'fails' : '-';
        };
        const torchBytes = at('pytorch-1t')?.torchBytes;
        return [
          String(v),
          ...engines.map(rate),
          ratioText(at('backprop-1t')?.stepsPerSec, at('pytorch-1t')?.stepsPerSec),
          backpropBytes(at('backprop')),
          torchBytes === undefined ? '-' : `≥ ${bytesText(torchBytes)}`,
        ];
      });
      const head = [x, ...engines, 'backprop-1t ÷ pytorch-1t', 'backprop bytes/step', 'PyTorch bytes/step'];
      return `${title}:\n\n${markdownTable(head, rows)}`;
    })
    .join('\n\n');
}

/**
 * The sweeps as log-log panels, one line per engine.
 *
 * @example
 * ```ts
 * writeFileSync('bench/scaling.svg', svgPlot(scalingPanels(results, SCALING_ENGINES)));
 * ```
 */
export function scalingPanels(results: readonly ScalingResult[], engines: readonly ScalingEngine[]): Panel[] {
  return SWEEPS.filter((s) =>
    results.some((r) => r.point.sweep === s.sweep && r.stepsPerSec !== undefined),
  ).map(({ sweep, title, x }) => ({
    title: title.replace(', steps/s by', ' by'),
    xLabel: x === 'batch' ? 'batch size' : 'hidden width',
    yLabel: 'steps/s',
    series: engines
      .map((engine) => ({
        name: engine,
        points: results
          .filter((r) => r.engine === engine && r.point.sweep === sweep && r.stepsPerSec !== undefined)
          .map((r) => [xOf(r, x), r.stepsPerSec!] as const),
      }))
      .filter((s) => s.points.length > 0),
  }));
}

/**
 * A profile as a few lines: the groups, then the functions with the most self time.
 *
 * @example
 * ```ts
 * console.log(profileMarkdown('MLP, batch 1', summarizeProfile(profile)));
 * ```
 */
export function profileMarkdown(label: string, s: ProfileSummary): string {
  const groups = s.groups
    .filter((g) => g.pct >= 0.5)
    .map((g) => `${g.name} ${g.pct.toFixed(1)}%`)
    .join(', ');
  const rows = s.top.map((t) => [t.name, t.group, `${t.pct.toFixed(1)}%`]);
  return [
    `**${label}** (${Math.round(s.totalMs)} ms sampled): ${groups}.`,
    '',
    markdownTable(['function (self time)', 'group', 'share'], rows),
  ].join('\n');
}
