import { fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Size } from './graph-layout.js';
import type { GraphVertex } from './graph-walk.js';

/** One line of text on a drawn vertex. */
export interface LabelLine {
  readonly text: string;
  /** title: op or name; shape: shape and dtype; value, grad: numbers of a small tensor. */
  readonly role: 'title' | 'shape' | 'value' | 'grad';
  /** Leading character cells, to line up the rows of a matrix under its first row. */
  readonly indent: number;
}

/** What a label shows. */
export interface LabelOptions {
  names?: Map<Tensor, string> | undefined;
  maxValues: number;
  digits: number;
}

// Type metrics. Without font metrics the widths are estimates: the body is monospace, so exact up
// to the font's advance (0.6 em for the usual monospace fonts); the bold sans title is over-estimated.
export const TITLE_SIZE = 12;
export const BODY_SIZE = 11;
export const LINE_HEIGHT = 14;
const TITLE_ADVANCE = 0.66 * TITLE_SIZE;
export const BODY_ADVANCE = 0.6 * BODY_SIZE;

/**
 * The lines drawn on a vertex: its title (the user's name for the tensor and the op, or the op, or
 * `leaf` / `parameter`), its shape (and dtype when not float32), and for a known tensor of at most
 * `maxValues` elements its value and, once backward has filled it, its gradient.
 */
export function vertexLabel(v: GraphVertex, options: LabelOptions): LabelLine[] {
  const name = v.tensor ? options.names?.get(v.tensor) : undefined;
  const leafKind = v.requiresGrad ? 'parameter' : 'leaf';
  const title = v.kind === 'op' ? (name ? `${name} = ${v.name}` : v.name) : (name ?? leafKind);
  const dtype = v.dtype === 'float32' ? '' : ` ${v.dtype}`;
  const lines: LabelLine[] = [
    { text: title, role: 'title', indent: 0 },
    { text: `${fmtShape(v.shape)}${dtype}`, role: 'shape', indent: 0 },
  ];
  const t = v.tensor;
  if (t === null || t.size === 0 || t.size > options.maxValues) return lines;
  lines.push(...rows(t, options.digits).map((text) => ({ text, role: 'value' as const, indent: 0 })));
  if (t.grad) {
    rows(t.grad, options.digits).forEach((text, i) => {
      lines.push({ text: i === 0 ? `grad ${text}` : text, role: 'grad', indent: i === 0 ? 0 : 5 });
    });
  }
  return lines;
}

/** A number in at most `digits` significant digits, without trailing zeros. */
export function formatNumber(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0'; // also -0
  return String(Number(v.toPrecision(digits)));
}

// A matrix as one line per row, its columns right-aligned; anything else as one line.
function rows(t: Tensor, digits: number): string[] {
  const values = Array.from(t.data(), (v) => formatNumber(v, digits));
  if (t.shape.length === 0) return [values[0]!];
  if (t.shape.length !== 2) return [`[${values.join(', ')}]`];
  const [n, m] = [t.shape[0]!, t.shape[1]!];
  const widths = Array.from({ length: m }, (_, j) =>
    Math.max(...values.filter((_, k) => k % m === j).map((v) => v.length)),
  );
  return Array.from({ length: n }, (_, i) => {
    const row = values.slice(i * m, (i + 1) * m).map((v, j) => v.padStart(widths[j]!));
    return `[${row.join(', ')}]`;
  });
}

/** Width and height of the text block of `lines`, without padding. */
export function measureLabel(lines: readonly LabelLine[]): Size {
  let width = 0;
  for (const line of lines) {
    const advance = line.role === 'title' ? TITLE_ADVANCE : BODY_ADVANCE;
    width = Math.max(width, (line.indent + line.text.length) * advance);
  }
  return { width, height: lines.length * LINE_HEIGHT };
}
