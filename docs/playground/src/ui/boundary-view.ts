// The decision boundary: a heatmap canvas of the network's regions, and a canvas on top of it
// with the points (filled: training, ringed: validation, a cross: misclassified training point).
import type { Plane } from '../datasets.js';
import type { Boundary, DataInfo } from '../protocol.js';
import { CLASS_RGB, cellColor, classCss } from './colors.js';

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

/**
 * Paints the regions: one cell per grid point, scaled up with smoothing to the canvas.
 *
 * @example
 * ```ts
 * drawBoundary(canvas, snapshot.boundary, info.classes);
 * ```
 */
export function drawBoundary(canvas: HTMLCanvasElement, boundary: Boundary, classes: number): void {
  const { resolution: res } = boundary;
  const cells = document.createElement('canvas');
  cells.width = res;
  cells.height = res;
  const image = new ImageData(res, res);
  for (let i = 0; i < res * res; i++) {
    const [r, g, b] = cellColor(boundary.classes[i]!, boundary.confidence[i]!, classes);
    image.data.set([r, g, b, 255], 4 * i);
  }
  cells.getContext('2d')!.putImageData(image, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
}

// Light axes through the origin and the plane's extent written in two corners.
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
  ctx.fillStyle = 'rgba(0, 0, 0, 0.55)';
  ctx.font = '11px system-ui, sans-serif';
  ctx.fillText(String(plane.min), 4, size - 4);
  ctx.fillText(String(plane.max), size - 4 - ctx.measureText(String(plane.max)).width, 12);
}

function dot(ctx: CanvasRenderingContext2D, x: number, y: number, r: number, fill: string | null): void {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  if (fill) {
    ctx.fillStyle = fill;
    ctx.fill();
  }
  ctx.stroke();
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
 * Draws the points over a cleared canvas.
 *
 * @example
 * ```ts
 * drawPoints(canvas, info, { predictions: snapshot.predictions, selected: 0 });
 * ```
 */
export function drawPoints(canvas: HTMLCanvasElement, info: DataInfo, marks: PointMarks): void {
  const ctx = canvas.getContext('2d')!;
  const size = canvas.width;
  const d = info.inputs.length;
  const big = info.train.labels.length <= 20;
  ctx.clearRect(0, 0, size, size);
  drawAxes(ctx, info.plane, size);
  const at = (x: Float32Array, i: number) => toCanvas(info.plane, size, x[i * d]!, x[i * d + 1]!);
  ctx.lineWidth = 1.5;
  info.validation.labels.forEach((label, i) => {
    if (info.sameValidation) return;
    const [x, y] = at(info.validation.x, i);
    ctx.strokeStyle = classCss(label);
    dot(ctx, x, y, 3.5, null);
  });
  info.train.labels.forEach((label, i) => {
    const [x, y] = at(info.train.x, i);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.7)';
    ctx.lineWidth = 1;
    dot(ctx, x, y, big ? 9 : 4, classCss(label));
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
    dot(ctx, x, y, big ? 14 : 8, null);
  }
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

/** The legend's swatches, one per class. */
export function legendHtml(classes: number, names: string[]): string {
  return Array.from({ length: classes }, (_, c) => {
    const [r, g, b] = CLASS_RGB[c % CLASS_RGB.length]!;
    return `<span class="swatch" style="background: rgb(${r}, ${g}, ${b})"></span>${names[c] ?? `class ${c}`}`;
  }).join(' ');
}
