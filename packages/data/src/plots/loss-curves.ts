import { ValueError } from '@backprop/core';
import { axes, color, escapeXml, type Frame, legend, px, scale, svgDocument } from './svg.js';

/**
 * One named curve: `values[i]` is plotted at `x[i]` (default i + 1, the epoch).
 *
 * @example
 * ```ts
 * const run: Series = { name: 'train', values: history.map((h) => h.trainLoss) };
 * ```
 */
export interface Series {
  name: string;
  values: readonly number[];
  x?: readonly number[];
}

/**
 * Options of `lossCurves`.
 *
 * @example
 * ```ts
 * lossCurves(runs, { title: 'accuracy', yLabel: 'accuracy', yRange: [0, 1] } satisfies LineChartOptions);
 * ```
 */
export interface LineChartOptions {
  title?: string;
  /** Default `'epoch'`. */
  xLabel?: string;
  /** Default `'loss'`. */
  yLabel?: string;
  /** Pixels; default 640 × 400. */
  width?: number;
  height?: number;
  /** Fixed y range, e.g. `[0, 1]` for accuracies; default the data's range. */
  yRange?: [number, number];
}

function xsOf(run: Series): readonly number[] {
  if (run.x && run.x.length !== run.values.length) {
    throw new ValueError(
      `lossCurves: series '${run.name}' has ${run.values.length} values but ${run.x.length} x positions`,
    );
  }
  return run.x ?? run.values.map((_, i) => i + 1);
}

function extent(values: number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  return [Math.min(...finite), Math.max(...finite)];
}

// A polyline per unbroken stretch of finite values (NaN or Infinity leaves a gap), and a dot on
// every point when there are few enough to tell apart.
function path(
  xs: readonly number[],
  ys: readonly number[],
  sx: (v: number) => number,
  sy: (v: number) => number,
  stroke: string,
): string {
  const lines: string[] = [];
  const dots: string[] = [];
  let points: string[] = [];
  const flush = (): void => {
    if (points.length > 0)
      lines.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${stroke}" stroke-width="2"/>`);
    points = [];
  };
  ys.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      flush();
      return;
    }
    const [cx, cy] = [px(sx(xs[i]!)), px(sy(v))];
    points.push(`${cx},${cy}`);
    if (ys.length <= 40) dots.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${stroke}"/>`);
  });
  flush();
  return [...lines, ...dots].join('\n');
}

/**
 * Several curves on one chart (loss or accuracy per epoch, one series per run), as an SVG string
 * with axes, ticks, axis labels, a title and a legend naming every series.
 *
 * @example
 * ```ts
 * const svg = lossCurves(
 *   [
 *     { name: 'train', values: history.map((h) => h.trainLoss) },
 *     { name: 'validation', values: history.map((h) => h.valLoss ?? Number.NaN) },
 *   ],
 *   { title: 'MLP on MNIST', yLabel: 'cross-entropy' },
 * );
 * await writePlot('out/mlp-loss.svg', svg, { png: true });
 * ```
 */
export function lossCurves(runs: readonly Series[], options: LineChartOptions = {}): string {
  if (runs.length === 0) throw new ValueError('lossCurves: expected at least one series');
  const { width = 640, height = 400, xLabel = 'epoch', yLabel = 'loss' } = options;
  const xs = runs.map(xsOf);
  const [x0, x1] = extent(xs.flat());
  const [lo, hi] = options.yRange ?? extent(runs.flatMap((r) => [...r.values]));
  const pad = (hi - lo) * 0.05 || 0.5;
  const frame: Frame = {
    width,
    height,
    left: 64,
    top: 40,
    right: width - 16,
    bottom: height - 48,
    x: x0 === x1 ? [x0 - 1, x1 + 1] : [x0, x1],
    y: options.yRange ? [lo, hi] : [lo - pad, hi + pad],
  };
  const sx = scale(frame.x[0], frame.x[1], frame.left, frame.right);
  const sy = scale(frame.y[0], frame.y[1], frame.bottom, frame.top);
  const series = runs.map(
    (run, i) =>
      `<g class="series" data-name="${escapeXml(run.name)}" clip-path="url(#plot-area)">\n<title>${escapeXml(run.name)}</title>\n${path(xs[i]!, run.values, sx, sy, color(i))}\n</g>`,
  );
  const entries = runs.map((run, i) => ({ name: run.name, color: color(i) }));
  // Clips curves to the frame (plus room for the dots on its edges) when a fixed yRange cuts them.
  const clip = `<clipPath id="plot-area"><rect x="${frame.left - 4}" y="${frame.top - 4}" width="${frame.right - frame.left + 8}" height="${frame.bottom - frame.top + 8}"/></clipPath>`;
  return svgDocument(width, height, [
    clip,
    axes(frame, { xLabel, yLabel, ...(options.title ? { title: options.title } : {}) }),
    ...series,
    legend(frame, entries),
  ]);
}
