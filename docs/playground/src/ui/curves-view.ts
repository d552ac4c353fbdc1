// The training and validation loss curves against the step count, on a canvas with a log axis.
import type { History } from '../protocol.js';
import { CLASS_TEXT_CSS, fmt } from './colors.js';
import { type LogRange, logPosition, logRange, logTicks, tickLabel } from './log-axis.js';

const MARGIN = { left: 44, right: 12, top: 22, bottom: 24 };
const TRAIN_CSS = '#222';
/** The validation curve and its label: orange darkened to 4.9:1 on white (the orange is 2.2:1). */
const VALIDATION_CSS = CLASS_TEXT_CSS[0]!;

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

// The axes, a light grid line and a label at every tick, and the key.
function frame(ctx: CanvasRenderingContext2D, w: number, h: number, maxStep: number, range: LogRange): void {
  const plotHeight = h - MARGIN.top - MARGIN.bottom;
  ctx.font = '11px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.lineWidth = 1;
  for (const tick of logTicks(range)) {
    const y = h - MARGIN.bottom - logPosition(range, tick) * plotHeight;
    ctx.strokeStyle = '#eee';
    ctx.beginPath();
    ctx.moveTo(MARGIN.left, y);
    ctx.lineTo(w - MARGIN.right, y);
    ctx.stroke();
    ctx.fillStyle = '#555';
    ctx.fillText(tickLabel(tick), MARGIN.left - 4, y + 4);
  }
  ctx.strokeStyle = '#999';
  ctx.beginPath();
  ctx.moveTo(MARGIN.left, MARGIN.top);
  ctx.lineTo(MARGIN.left, h - MARGIN.bottom);
  ctx.lineTo(w - MARGIN.right, h - MARGIN.bottom);
  ctx.stroke();
  ctx.fillStyle = '#555';
  ctx.fillText(`step ${maxStep}`, w - MARGIN.right, h - 6);
  ctx.textAlign = 'left';
  ctx.fillText('loss (log scale)', MARGIN.left + 180, 12);
  ctx.fillStyle = TRAIN_CSS;
  ctx.fillText('— training', MARGIN.left + 6, 12);
  ctx.fillStyle = VALIDATION_CSS;
  ctx.fillText('- - validation', MARGIN.left + 90, 12);
}

/**
 * The curves canvas's text alternative: the latest losses and where they started.
 *
 * @example
 * ```ts
 * describeCurves({ steps: [0, 100], train: [0.7, 0.01], validation: [0.7, 0.02] });
 * // 'Loss curves on a log scale over 100 steps: training loss from 0.7 to 0.01, validation loss from 0.7 to 0.02.'
 * ```
 */
export function describeCurves(history: History): string {
  if (history.steps.length === 0) return 'Loss curves: no steps yet.';
  const span = (values: number[]) => `from ${fmt(values[0]!, 3)} to ${fmt(values.at(-1)!, 3)}`;
  return (
    `Loss curves on a log scale over ${history.steps.at(-1)} steps: training loss ${span(history.train)}, ` +
    `validation loss ${span(history.validation)}.`
  );
}

/**
 * Redraws both curves on a log axis spanning the decades of every loss seen, and updates the
 * canvas's text alternative; `data-ticks` lists the axis's ticks.
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
  const range = logRange([...history.train, ...history.validation]);
  const maxStep = Math.max(1, history.steps.at(-1) ?? 1);
  frame(ctx, w, h, history.steps.at(-1) ?? 0, range);
  const xs = history.steps.map((s) => MARGIN.left + (s / maxStep) * (w - MARGIN.left - MARGIN.right));
  const y = (loss: number) => h - MARGIN.bottom - logPosition(range, loss) * (h - MARGIN.top - MARGIN.bottom);
  line(ctx, xs, history.validation.map(y), VALIDATION_CSS, [5, 4]);
  line(ctx, xs, history.train.map(y), TRAIN_CSS, []);
  canvas.dataset.ticks = logTicks(range).map(tickLabel).join(' ');
  canvas.setAttribute('aria-label', describeCurves(history));
}
