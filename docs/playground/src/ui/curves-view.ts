// The training and validation loss curves against the step count, on a canvas.
import type { History } from '../protocol.js';
import { fmt } from './colors.js';

const MARGIN = { left: 44, right: 12, top: 22, bottom: 24 };
const TRAIN_CSS = '#222';
const VALIDATION_CSS = 'rgb(245, 147, 34)';

function line(
  ctx: CanvasRenderingContext2D,
  xs: number[],
  ys: number[],
  color: string,
  dash: number[],
): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.setLineDash(dash);
  ctx.beginPath();
  xs.forEach((x, i) => {
    if (i === 0) ctx.moveTo(x, ys[i]!);
    else ctx.lineTo(x, ys[i]!);
  });
  ctx.stroke();
  ctx.setLineDash([]);
}

function frame(ctx: CanvasRenderingContext2D, w: number, h: number, maxStep: number, maxLoss: number): void {
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(MARGIN.left, MARGIN.top);
  ctx.lineTo(MARGIN.left, h - MARGIN.bottom);
  ctx.lineTo(w - MARGIN.right, h - MARGIN.bottom);
  ctx.stroke();
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.fillText(fmt(maxLoss), MARGIN.left - 4, MARGIN.top + 4);
  ctx.fillText('0', MARGIN.left - 4, h - MARGIN.bottom);
  ctx.fillText(`step ${maxStep}`, w - MARGIN.right, h - 6);
  ctx.textAlign = 'left';
  ctx.fillStyle = TRAIN_CSS;
  ctx.fillText('— training', MARGIN.left + 6, 12);
  ctx.fillStyle = VALIDATION_CSS;
  ctx.fillText('- - validation', MARGIN.left + 90, 12);
}

/**
 * Redraws both curves; the y axis runs from 0 to the largest loss seen.
 *
 * @example
 * ```ts
 * drawCurves(canvas, snapshot.history);
 * ```
 */
export function drawCurves(canvas: HTMLCanvasElement, history: History): void {
  const ctx = canvas.getContext('2d')!;
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  const finite = [...history.train, ...history.validation].filter(Number.isFinite);
  const maxLoss = Math.max(1e-6, ...finite);
  const maxStep = Math.max(1, history.steps.at(-1) ?? 1);
  frame(ctx, w, h, history.steps.at(-1) ?? 0, maxLoss);
  const xs = history.steps.map((s) => MARGIN.left + (s / maxStep) * (w - MARGIN.left - MARGIN.right));
  const y = (loss: number) =>
    h - MARGIN.bottom - (Math.min(loss, maxLoss) / maxLoss) * (h - MARGIN.top - MARGIN.bottom);
  line(ctx, xs, history.validation.map(y), VALIDATION_CSS, [5, 4]);
  line(ctx, xs, history.train.map(y), TRAIN_CSS, []);
}
