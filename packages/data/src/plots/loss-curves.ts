import { ValueError } from '@backprop/core';
import {
  axes,
  color,
  escapeXml,
  extent,
  type Frame,
  legend,
  px,
  scale,
  svgDocument,
  svgTitle,
} from './svg.js';

/**
 * One named curve: `values[i]` is plotted at `x[i]` (default i + 1, the epoch).
 *
 * @example
 * ```ts
 * const run: Series = { name: 'train', values: history.map((h) => h.trainLoss) };
 * ```
 */
export interface Series {
  /** Legend name. */
  name: string;
  /** The y values, one per point. */
  values: readonly number[];
  /** x positions, as many as `values`; default 1, 2, 3, ... (the epoch). */
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
  /** Title above the chart. */
  title?: string;
  /** Default `'epoch'`. */
  xLabel?: string;
  /** Default `'loss'`. */
  yLabel?: string;
  /** Pixels; default 640 × 400. */
  width?: number;
  /** Pixels; see `width`. */
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

type Point = [number, number];

// The part of segment a–b whose y lies in [top, bottom] (pixel rows), or null when none does. A
// crossing point is placed exactly on its row: from a point at y = 1e32, t alone would round off.
function clipSegment(a: Point, b: Point, top: number, bottom: number): [Point, Point] | null {
  const inside = (y: number) => y >= top && y <= bottom;
  if (inside(a[1]) && inside(b[1])) return [a, b];
  const dy = b[1] - a[1];
  if (dy === 0) return null;
  const cross = (row: number): [number, Point] => {
    const t = (row - a[1]) / dy;
    return [t, [a[0] + t * (b[0] - a[0]), row]];
  };
  // Going down the picture (dy > 0) the segment meets the top row first, going up the bottom one.
  const [first, second] = dy > 0 ? [top, bottom] : [bottom, top];
  const [tIn, pIn] = inside(a[1]) ? [0, a] : cross(first);
  const [tOut, pOut] = inside(b[1]) ? [1, b] : cross(second);
  if (tIn < 0 || tOut > 1 || tIn > tOut) return null;
  return [pIn, pOut];
}

// The polylines through the visible pieces of a curve; null points (non-finite values) break it.
function clippedLines(points: readonly (Point | null)[], top: number, bottom: number): Point[][] {
  const lines: Point[][] = [];
  let current: Point[] = [];
  const flush = (): void => {
    if (current.length > 0) lines.push(current);
    current = [];
  };
  let previous: Point | null = null;
  for (const p of points) {
    const piece = previous && p ? clipSegment(previous, p, top, bottom) : null;
    if (piece) {
      if (current.at(-1) !== piece[0]) flush();
      if (current.length === 0) current.push(piece[0]);
      current.push(piece[1]);
    } else if (previous === null && p !== null && p[1] >= top && p[1] <= bottom) {
      current.push(p); // the first point of a stretch, joined by the next segment if it is visible
    } else {
      flush();
    }
    previous = p;
  }
  flush();
  return lines;
}

// A polyline per unbroken stretch of finite values (NaN or Infinity leaves a gap), and a dot on
// every point when there are few enough to tell apart. Curves are cut to the band of rows
// [top, bottom] here rather than left to the clip path alone: resvg aborts the process on an element
// that lies wholly outside its clip path, and drops lines through the huge coordinates
// (-6.7e+35) a diverging run produces.
function path(
  xs: readonly number[],
  ys: readonly number[],
  sx: (v: number) => number,
  sy: (v: number) => number,
  stroke: string,
  [top, bottom]: [number, number],
): string {
  const points = ys.map((v, i): Point | null => (Number.isFinite(v) ? [sx(xs[i]!), sy(v)] : null));
  const lines = clippedLines(points, top, bottom).map((line) => {
    const list = line.map(([x, y]) => `${px(x)},${px(y)}`).join(' ');
    return `<polyline points="${list}" fill="none" stroke="${stroke}" stroke-width="2"/>`;
  });
  const dots =
    ys.length > 40
      ? []
      : points
          .filter((p): p is Point => p !== null && p[1] >= top && p[1] <= bottom)
          .map(([x, y]) => `<circle cx="${px(x)}" cy="${px(y)}" r="2.5" fill="${stroke}"/>`);
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
  const [x0, x1] = extent(xs.flat()) ?? [0, 1];
  const [lo, hi] = options.yRange ?? extent(runs.flatMap((r) => [...r.values])) ?? [0, 1];
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
  // The clip rectangle's rows (the frame plus room for the dots on its edges).
  const band: [number, number] = [frame.top - 4, frame.bottom + 4];
  const series = runs.map(
    (run, i) =>
      `<g class="series" data-name="${escapeXml(run.name)}" clip-path="url(#plot-area)">\n<title>${escapeXml(run.name)}</title>\n${path(xs[i]!, run.values, sx, sy, color(i), band)}\n</g>`,
  );
  const entries = runs.map((run, i) => ({ name: run.name, color: color(i) }));
  // Clips curves to the frame (plus room for the dots on its edges) when a fixed yRange cuts them.
  const clip = `<clipPath id="plot-area"><rect x="${frame.left - 4}" y="${frame.top - 4}" width="${frame.right - frame.left + 8}" height="${frame.bottom - frame.top + 8}"/></clipPath>`;
  return svgDocument(width, height, [
    svgTitle(options.title ?? 'loss curves'),
    clip,
    axes(frame, { xLabel, yLabel, ...(options.title ? { title: options.title } : {}) }),
    ...series,
    legend(frame, entries),
  ]);
}
