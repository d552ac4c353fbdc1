import { ShapeError, Tensor, ValueError } from '@backprop/core';
import { axes, color, type Frame, legend, paddedRange, px, scale, svgDocument, svgTitle } from './svg.js';

/**
 * Options of `scatterPlot`.
 *
 * @example
 * ```ts
 * scatterPlot(points, labels, { title: 't-SNE', classNames: ['0', '1'], radius: 3 } satisfies ScatterOptions);
 * ```
 */
export interface ScatterOptions {
  /** Title above the plot. */
  title?: string;
  /** Default `'x1'`. */
  xLabel?: string;
  /** Default `'x2'`. */
  yLabel?: string;
  /** Legend names of the classes; default `class 0`, `class 1`, .... */
  classNames?: readonly string[];
  /** Pixels; default 560 × 480. */
  width?: number;
  /** Pixels; see `width`. */
  height?: number;
  /** Space around the points, as a fraction of their range. Default 0.05. */
  margin?: number;
  /** Dot radius in pixels. Default 3. */
  radius?: number;
  /** Dot opacity, below 1 so that dense clusters show their density. Default 0.8. */
  opacity?: number;
}

type Points = Tensor | readonly (readonly number[])[];

// The points as two coordinate arrays, checked to be N pairs of finite numbers.
function coordinates(points: Points): [Float64Array, Float64Array] {
  const shape = points instanceof Tensor ? points.shape : [points.length, points[0]?.length ?? 2];
  const rows = points instanceof Tensor ? null : points;
  if (shape.length !== 2 || shape[1] !== 2 || rows?.some((p) => p.length !== 2)) {
    throw new ShapeError(`scatterPlot: points must be [N, 2], got [${shape.join(',')}]`);
  }
  const flat = points instanceof Tensor ? points.data() : Float64Array.from(rows!.flat());
  const n = shape[0]!;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = flat[2 * i]!;
    ys[i] = flat[2 * i + 1]!;
    if (!Number.isFinite(xs[i]!) || !Number.isFinite(ys[i]!)) {
      throw new ValueError(`scatterPlot: point ${i} is (${xs[i]}, ${ys[i]}), not finite`);
    }
  }
  return [xs, ys];
}

function classLabels(labels: Tensor | ArrayLike<number>, n: number): Int32Array {
  const values = labels instanceof Tensor ? labels.data() : labels;
  if (values.length !== n) throw new ShapeError(`scatterPlot: ${n} points but ${values.length} labels`);
  const out = Int32Array.from(values);
  out.forEach((k, i) => {
    if (k < 0 || k !== values[i]) {
      throw new ValueError(`scatterPlot: label ${i} is ${values[i]}; labels must be class indices 0, 1, ...`);
    }
  });
  return out;
}

/**
 * A 2-D scatter plot of points coloured by class, as an SVG string with axes, a title and a
 * legend (beside the plot, so it never hides points) naming every class present. `points` is an `[N, 2]`
 * tensor or array of pairs; `labels` holds N class indices (a tensor or an array). Made for
 * embeddings such as PCA or t-SNE of a network's hidden features.
 *
 * @example
 * ```ts
 * const svg = scatterPlot(embedding, digits.y, {
 *   title: 't-SNE of the hidden layer',
 *   classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
 * });
 * await writePlot('out/tsne.svg', svg, { png: true });
 * ```
 */
export function scatterPlot(
  points: Points,
  labels: Tensor | ArrayLike<number>,
  options: ScatterOptions = {},
): string {
  const [xs, ys] = coordinates(points);
  const classes = classLabels(labels, xs.length);
  const { width = 560, height = 480, margin = 0.05, radius = 3, opacity = 0.8 } = options;
  const present = [...new Set(classes)].sort((a, b) => a - b);
  const names = present.map((k) => options.classNames?.[k] ?? `class ${k}`);
  // Room on the right for the legend, as wide as the legend helper draws it.
  const legendWidth = names.length > 0 ? 34 + 7 * Math.max(...names.map((s) => s.length)) + 16 : 0;
  const frame: Frame = {
    width,
    height,
    left: 56,
    top: 40,
    right: width - 16 - legendWidth,
    bottom: height - 48,
    x: paddedRange(xs, margin),
    y: paddedRange(ys, margin),
  };
  const sx = scale(frame.x[0], frame.x[1], frame.left, frame.right);
  const sy = scale(frame.y[0], frame.y[1], frame.bottom, frame.top);
  const dots = Array.from(
    classes,
    (k, i) => `<circle cx="${px(sx(xs[i]!))}" cy="${px(sy(ys[i]!))}" r="${radius}" fill="${color(k)}"/>`,
  );
  const legendFrame = { ...frame, right: width - 8, top: frame.top - 8 };
  return svgDocument(width, height, [
    svgTitle(options.title ?? 'scatter plot'),
    `<g class="points" fill-opacity="${opacity}">\n${dots.join('\n')}\n</g>`,
    axes(frame, {
      xLabel: options.xLabel ?? 'x1',
      yLabel: options.yLabel ?? 'x2',
      ...(options.title ? { title: options.title } : {}),
    }),
    legend(
      legendFrame,
      present.map((k, i) => ({ name: names[i]!, color: color(k), marker: 'dot' as const })),
    ),
  ]);
}
