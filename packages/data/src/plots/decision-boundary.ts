import { noGrad, ShapeError, type Tensor, tensor, ValueError } from '@backprop/core';
import { predictions, targetClasses } from '../metrics.js';
import { type PlotLine, plotLines } from './lines.js';
import {
  axes,
  color,
  type Frame,
  legend,
  paddedRange,
  px,
  scale,
  svgDocument,
  svgTitle,
  tint,
} from './svg.js';

/**
 * Options of `decisionBoundary`.
 *
 * @example
 * ```ts
 * decisionBoundary(predict, ring(), { resolution: 60, classNames: ['inside', 'ring'] } satisfies DecisionBoundaryOptions);
 * ```
 */
export interface DecisionBoundaryOptions {
  /** Grid cells per side at which the classifier is evaluated. Default 100. */
  resolution?: number;
  /** Title above the plot. */
  title?: string;
  /** Label of the horizontal axis; default `'x1'`. */
  xLabel?: string;
  /** Label of the vertical axis; default `'x2'`. */
  yLabel?: string;
  /** Legend names of the classes; default `class 0`, `class 1`, .... */
  classNames?: readonly string[];
  /** Pixels; default 480 × 480. */
  width?: number;
  /** Pixels; see `width`. */
  height?: number;
  /** Space around the points, as a fraction of their range. Default 0.1. */
  margin?: number;
  /** Cut for one-score-per-example outputs (see `predictions`). Default 0.5. */
  threshold?: number;
  /** Straight lines w·x + b = 0 drawn over the regions, e.g. a linear classifier's boundary and margins. */
  lines?: readonly PlotLine[];
}

// The predicted class at the centre of every grid cell, row by row from the top.
function classify(predict: (x: Tensor) => Tensor, frame: Frame, n: number, threshold: number): Int32Array {
  const grid = new Float32Array(2 * n * n);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      grid[2 * (r * n + c)] = frame.x[0] + ((c + 0.5) / n) * (frame.x[1] - frame.x[0]);
      grid[2 * (r * n + c) + 1] = frame.y[1] - ((r + 0.5) / n) * (frame.y[1] - frame.y[0]);
    }
  }
  const out = noGrad(() => predict(tensor(grid, { shape: [n * n, 2] })));
  return predictions(out, { threshold }).data() as Int32Array;
}

// One rectangle per run of equal classes along each grid row keeps the file small.
function regions(classes: Int32Array, frame: Frame, n: number): string {
  const cw = (frame.right - frame.left) / n;
  const ch = (frame.bottom - frame.top) / n;
  // Opaque tints rather than transparency: the rects overlap by half a pixel to hide seams, and
  // overlapping transparent rects would show as darker lines.
  const out = ['<g class="regions">'];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; ) {
      const k = classes[r * n + c]!;
      let end = c + 1;
      while (end < n && classes[r * n + end] === k) end++;
      out.push(
        `<rect x="${px(frame.left + c * cw)}" y="${px(frame.top + r * ch)}" width="${px((end - c) * cw + 0.5)}" height="${px(ch + 0.5)}" fill="${tint(color(k), 0.7)}"/>`,
      );
      c = end;
    }
  }
  out.push('</g>');
  return out.join('\n');
}

function largest(values: Int32Array): number {
  let m = 0;
  for (const v of values) m = Math.max(m, v);
  return m;
}

/**
 * A 2-D classifier's decision regions with the dataset's points on top, as an SVG string. `predict`
 * maps an `[M, 2]` batch of points to outputs that `predictions` understands (`[M, C]` scores, one
 * score per point, or class indices); the points are coloured by their label `y`.
 *
 * @example
 * ```ts
 * const data = ring({ n: 200 });
 * const svg = decisionBoundary((x) => model.forward(x), data, { title: 'MLP on ring', resolution: 80 });
 * await writePlot('out/ring.svg', svg);
 * ```
 */
export function decisionBoundary(
  predict: (x: Tensor) => Tensor,
  dataset: { x: Tensor; y: Tensor },
  options: DecisionBoundaryOptions = {},
): string {
  const { x, y } = dataset;
  if (x.ndim !== 2 || x.shape[1] !== 2) {
    throw new ShapeError(
      `decisionBoundary: the dataset's x must be [N, 2] points, got [${x.shape.join(',')}]`,
    );
  }
  const { resolution = 100, width = 480, height = 480, margin = 0.1, threshold = 0.5 } = options;
  if (!Number.isInteger(resolution) || resolution < 1) {
    throw new ValueError(`decisionBoundary: resolution must be a positive integer, got ${resolution}`);
  }
  const points = x.data();
  const xs = points.filter((_, i) => i % 2 === 0);
  const ys = points.filter((_, i) => i % 2 === 1);
  const labels = targetClasses('decisionBoundary', y, xs.length);
  const frame: Frame = {
    width,
    height,
    left: 56,
    top: 40,
    right: width - 16,
    bottom: height - 48,
    x: paddedRange(xs, margin),
    y: paddedRange(ys, margin),
  };
  const classes = classify(predict, frame, resolution, threshold);
  const sx = scale(frame.x[0], frame.x[1], frame.left, frame.right);
  const sy = scale(frame.y[0], frame.y[1], frame.bottom, frame.top);
  const dots = Array.from(
    labels,
    (k, i) =>
      `<circle cx="${px(sx(xs[i]!))}" cy="${px(sy(ys[i]!))}" r="3.5" fill="${color(k)}" stroke="#222" stroke-width="0.8"/>`,
  );
  const count = Math.max(largest(labels), largest(classes)) + 1;
  const names = Array.from({ length: count }, (_, k) => options.classNames?.[k] ?? `class ${k}`);
  return svgDocument(width, height, [
    svgTitle(options.title ?? 'decision regions'),
    regions(classes, frame, resolution),
    plotLines('decisionBoundary', frame, options.lines ?? []),
    `<g class="points">\n${dots.join('\n')}\n</g>`,
    axes(frame, {
      xLabel: options.xLabel ?? 'x1',
      yLabel: options.yLabel ?? 'x2',
      ...(options.title ? { title: options.title } : {}),
    }),
    legend(
      frame,
      names.map((name, k) => ({ name, color: color(k), marker: 'dot' as const })),
    ),
  ]);
}
