// The decision boundary: a canvas of the network's regions, and a canvas on top of it with the
// points (filled: training, outlined: validation, a cross: misclassified training point), each
// class with its own colour and shape. Both canvases carry a text alternative kept up to date.
import type { Plane } from '../datasets.js';
import type { Boundary, DataInfo } from '../protocol.js';
import { type ClassShape, classCss, classShape, fmt, shapePath } from './colors.js';
import { regionPixels } from './regions.js';

/**
 * Canvas pixel of input-space point (x1, x2): x1 grows to the right, x2 upward.
 *
 * @example
 * ```ts
 * toCanvas({ min: 0, max: 1 }, 100, 0.5, 1); // [50, 0]
 * ```
 */
export function toCanvas(plane: Plane, size: number, x1: number, x2: number): [number, number] {
  const span = plane.max - plane.min;
  return [((x1 - plane.min) / span) * size, ((plane.max - x2) / span) * size];
}

const className = (names: string[], c: number) => names[c] ?? `class ${c + 1}`;

/**
 * The boundary canvas's text alternative: each class's share of the plane.
 *
 * @example
 * ```ts
 * describeRegions(Uint8Array.of(0, 1, 1, 1), 2, ['A', 'B']); // 'Decision regions: A on 25% of the plane, B on 75%.'
 * ```
 */
export function describeRegions(cells: Uint8Array, classes: number, names: string[]): string {
  const counts = new Array<number>(Math.max(2, classes)).fill(0);
  for (const c of cells) counts[c] = (counts[c] ?? 0) + 1;
  const shares = counts.map((n, c) => `${className(names, c)} on ${Math.round((100 * n) / cells.length)}%`);
  return `Decision regions: ${shares[0]} of the plane, ${shares.slice(1).join(', ')}.`;
}

/**
 * Paints the regions: each pixel the class whose interpolated probability is highest, shaded by
 * how sure the network is, or hard-edged when the canvas's discretize switch is on (see
 * `wireDiscretize`).
 *
 * @example
 * ```ts
 * drawBoundary(canvas, snapshot.boundary, info.classes, info.classNames);
 * ```
 */
export function drawBoundary(
  canvas: HTMLCanvasElement,
  boundary: Boundary,
  classes: number,
  names: string[] = [],
): void {
  const size = canvas.width;
  const pixels = regionPixels(boundary, classes, size, canvas.dataset.discretize === 'true');
  canvas.getContext('2d')!.putImageData(new ImageData(pixels, size, size), 0, 0);
  const regression = boundary.values !== undefined;
  canvas.setAttribute(
    'aria-label',
    describeRegions(boundary.classes, classes, regression ? ['negative', 'positive'] : names),
  );
}

/**
 * Makes `checkbox` switch `canvas` between the confidence shading and the hard class regions: it
 * sets the canvas's `data-discretize`, which `drawBoundary` reads, and calls `redraw` (training
 * need not be running, and no new run starts).
 *
 * @example
 * ```ts
 * wireDiscretize(document.querySelector('#discretize')!, boundaryCanvas, () => requestAnimationFrame(draw));
 * ```
 */
export function wireDiscretize(
  checkbox: HTMLInputElement,
  canvas: HTMLCanvasElement,
  redraw: () => void,
): void {
  const apply = () => {
    canvas.dataset.discretize = String(checkbox.checked);
    redraw();
  };
  checkbox.addEventListener('change', apply);
  canvas.dataset.discretize = String(checkbox.checked);
}

// Light axes through the origin and the plane's extent written in two corners, dark on a white
// halo so that the numbers stay readable over any region.
function drawAxes(ctx: CanvasRenderingContext2D, plane: Plane, size: number): void {
  const [ox, oy] = toCanvas(plane, size, 0, 0);
  ctx.strokeStyle = 'rgba(0, 0, 0, 0.15)';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, oy);
  ctx.lineTo(size, oy);
  ctx.moveTo(ox, 0);
  ctx.lineTo(ox, size);
  ctx.stroke();
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 3;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = 'rgba(255, 255, 255, 0.85)';
  ctx.fillStyle = '#222';
  const label = (text: string, x: number, y: number) => {
    ctx.strokeText(text, x, y);
    ctx.fillText(text, x, y);
  };
  label(String(plane.min), 4, size - 4);
  label(String(plane.max), size - 4 - ctx.measureText(String(plane.max)).width, 12);
}

function mark(
  ctx: CanvasRenderingContext2D,
  shape: ClassShape,
  x: number,
  y: number,
  r: number,
  fill: string | null,
) {
  const path = new Path2D(shapePath(shape, x, y, r));
  if (fill) {
    ctx.fillStyle = fill;
    ctx.fill(path);
  }
  ctx.stroke(path);
}

function cross(ctx: CanvasRenderingContext2D, x: number, y: number, r: number): void {
  ctx.beginPath();
  ctx.moveTo(x - r, y - r);
  ctx.lineTo(x + r, y + r);
  ctx.moveTo(x + r, y - r);
  ctx.lineTo(x - r, y + r);
  ctx.stroke();
}

/** What the points layer shows besides the data: the predictions and the example in the graph. */
export interface PointMarks {
  predictions: Int32Array | null;
  selected: number;
}

/**
 * The points canvas's text alternative: the data set, its points per class, how many the network
 * classifies right, and the traced example.
 *
 * @example
 * ```ts
 * describePoints(info, { predictions, selected: 0 });
 * // 'xor: 4 training points (class 0: 2 circles, class 1: 2 squares), 3 of 4 classified right; ...'
 * ```
 */
export function describePoints(info: DataInfo, marks: PointMarks): string {
  const n = info.train.labels.length;
  const perClass = Array.from({ length: Math.max(2, info.classes) }, (_, c) => {
    const count = info.train.labels.filter((label) => label === c).length;
    return `${className(info.classNames, c)}: ${count} ${classShape(c)}${count === 1 ? '' : 's'}`;
  });
  let right = '';
  if (marks.predictions) {
    const correct = info.train.labels.filter((label, i) => marks.predictions![i] === label).length;
    right = `, ${correct} of ${n} classified right (${fmt((100 * correct) / n, 3)}%)`;
  }
  const validation = info.sameValidation
    ? 'the training points are also the validation set'
    : `${info.validation.labels.length} validation points drawn as outlines`;
  const traced = marks.selected >= 0 && marks.selected < n ? `; example ${marks.selected + 1} is traced` : '';
  return `${info.name}: ${n} training points (${perClass.join(', ')})${right}; ${validation}${traced}. Click a point to trace it.`;
}

const drawnPoints = new WeakMap<HTMLCanvasElement, { info: DataInfo; marks: PointMarks }>();

function samePoints(a: PointMarks, b: PointMarks): boolean {
  if (a.selected !== b.selected || (a.predictions === null) !== (b.predictions === null)) return false;
  if (!a.predictions || !b.predictions) return true;
  return (
    a.predictions.length === b.predictions.length && a.predictions.every((p, i) => p === b.predictions![i])
  );
}

/**
 * Draws the points over a cleared canvas and updates its text alternative.
 *
 * @example
 * ```ts
 * drawPoints(canvas, info, { predictions: snapshot.predictions, selected: 0 });
 * ```
 */
export function drawPoints(canvas: HTMLCanvasElement, info: DataInfo, marks: PointMarks): void {
  // While training, the predictions mostly stay as they were: then there is nothing to redraw.
  const before = drawnPoints.get(canvas);
  if (before && before.info === info && samePoints(before.marks, marks)) return;
  drawnPoints.set(canvas, { info, marks: { ...marks, predictions: marks.predictions?.slice() ?? null } });
  const ctx = canvas.getContext('2d')!;
  const size = canvas.width;
  const d = info.inputs.length;
  const big = info.train.labels.length <= 20;
  ctx.clearRect(0, 0, size, size);
  drawAxes(ctx, info.plane, size);
  const at = (x: Float32Array, i: number) => toCanvas(info.plane, size, x[i * d]!, x[i * d + 1]!);
  if (!info.sameValidation) {
    ctx.lineWidth = 1.5;
    info.validation.labels.forEach((label, i) => {
      const [x, y] = at(info.validation.x, i);
      ctx.strokeStyle = classCss(label);
      mark(ctx, classShape(label), x, y, 3.5, null);
    });
  }
  info.train.labels.forEach((label, i) => {
    const [x, y] = at(info.train.x, i);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.7)';
    ctx.lineWidth = 1;
    mark(ctx, classShape(label), x, y, big ? 9 : 4, classCss(label));
    if (marks.predictions && marks.predictions[i] !== label) {
      ctx.strokeStyle = '#b00020';
      ctx.lineWidth = 2;
      cross(ctx, x, y, big ? 6 : 3);
    }
  });
  if (marks.selected >= 0 && marks.selected < info.train.labels.length) {
    const [x, y] = at(info.train.x, marks.selected);
    ctx.strokeStyle = '#222';
    ctx.lineWidth = 2;
    mark(ctx, 'circle', x, y, big ? 14 : 8, null);
  }
  canvas.setAttribute('aria-label', describePoints(info, marks));
}

/**
 * Index of the training point nearest to canvas pixel (px, py).
 *
 * @example
 * ```ts
 * nearestPoint(info, canvas.width, event.offsetX, event.offsetY);
 * ```
 */
export function nearestPoint(info: DataInfo, size: number, px: number, py: number): number {
  const d = info.inputs.length;
  let best = 0;
  let bestDistance = Number.POSITIVE_INFINITY;
  info.train.labels.forEach((_, i) => {
    const [x, y] = toCanvas(info.plane, size, info.train.x[i * d]!, info.train.x[i * d + 1]!);
    const distance = (x - px) ** 2 + (y - py) ** 2;
    if (distance < bestDistance) [best, bestDistance] = [i, distance];
  });
  return best;
}

/**
 * The legend: per class its shape in its colour (an inline SVG, hidden from screen readers) and
 * its name with the shape's name, so that neither colour nor shape alone carries the class.
 *
 * @example
 * ```ts
 * legendHtml(2, ['0', '1']); // '<span class="legend-item" data-class="0" data-shape="circle">…'
 * ```
 */
export function legendHtml(classes: number, names: string[]): string {
  return Array.from({ length: Math.max(2, classes) }, (_, c) => {
    const shape = classShape(c);
    const icon =
      `<svg class="swatch" width="14" height="14" viewBox="-2 -2 16 16" aria-hidden="true">` +
      `<path d="${shapePath(shape, 6, 6, 5)}" fill="${classCss(c)}" stroke="rgba(0, 0, 0, 0.7)"/></svg>`;
    const name = escapeHtml(className(names, c));
    return `<span class="legend-item" data-class="${c}" data-shape="${shape}">${icon}${name} (${shape})</span>`;
  }).join(' ');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
