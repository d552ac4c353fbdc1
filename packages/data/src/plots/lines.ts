// Straight lines across a 2-D chart, such as a linear classifier's boundary w·x + b = 0 and margins.
import { ValueError } from '@backprop/core';
import { escapeXml, type Frame, px, scale } from './svg.js';

/**
 * A straight line w·x + b = 0 in the plane, drawn across a chart (see `DecisionBoundaryOptions.lines`).
 *
 * @example
 * ```ts
 * // A linear SVM's boundary w·x + b = 0 (solid) and its margins w·x + b = ±1 (dashed):
 * const lines: PlotLine[] = [0, 1, -1].map((level) => ({ weight: [w1, w2], bias: b - level, dashed: level !== 0 }));
 * ```
 */
export interface PlotLine {
  /** The normal w = [w1, w2]; not both zero. */
  weight: readonly [number, number];
  /** The offset b: the line is w·x + b = 0. */
  bias: number;
  /** Dashed instead of solid. Default false. */
  dashed?: boolean;
  /** Stroke colour. Default `'#222'`. */
  color?: string;
  /** Shown as the line's tooltip. */
  name?: string;
}

// The ends of the part of w·x + b = 0 inside the frame's data ranges, or null when it misses them.
function ends(
  frame: Frame,
  { weight: [a, b], bias: c }: PlotLine,
): [[number, number], [number, number]] | null {
  const [[x0, x1], [y0, y1]] = [frame.x, frame.y];
  const slack = 1e-9 * (Math.abs(x1 - x0) + Math.abs(y1 - y0));
  const inside = ([x, y]: [number, number]) =>
    x >= x0 - slack && x <= x1 + slack && y >= y0 - slack && y <= y1 + slack;
  const hits: [number, number][] = [];
  if (b !== 0) for (const x of [x0, x1]) hits.push([x, -(a * x + c) / b]);
  if (a !== 0) for (const y of [y0, y1]) hits.push([-(b * y + c) / a, y]);
  const kept = hits.filter(inside);
  if (kept.length < 2) return null;
  // Order along the line's direction (−b, a) and keep the two extremes (corners give duplicates).
  const along = ([x, y]: [number, number]) => -b * x + a * y;
  kept.sort((p, q) => along(p) - along(q));
  return [kept[0]!, kept.at(-1)!];
}

/** @internal Each line's part inside `frame`, as SVG `<line>` elements in a group. */
export function plotLines(op: string, frame: Frame, lines: readonly PlotLine[]): string {
  if (lines.length === 0) return '';
  const sx = scale(frame.x[0], frame.x[1], frame.left, frame.right);
  const sy = scale(frame.y[0], frame.y[1], frame.bottom, frame.top);
  const out = ['<g class="lines" fill="none">'];
  lines.forEach((line, i) => {
    const [a, b] = line.weight;
    if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(line.bias)) || (a === 0 && b === 0)) {
      throw new ValueError(
        `${op}: line ${i} needs a finite weight, not both zero, and a finite bias; got weight [${a}, ${b}], bias ${line.bias}`,
      );
    }
    const e = ends(frame, line);
    if (!e) return;
    const [[xa, ya], [xb, yb]] = e;
    const dash = line.dashed ? ' stroke-dasharray="7 5"' : '';
    const title = line.name ? `<title>${escapeXml(line.name)}</title>` : '';
    out.push(
      `<line x1="${px(sx(xa))}" y1="${px(sy(ya))}" x2="${px(sx(xb))}" y2="${px(sy(yb))}" stroke="${line.color ?? '#222'}" stroke-width="2"${dash}>${title}</line>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}
