// Pure helpers for the side-by-side report: medians, spreads, ratios, loss agreement, number
// formatting and markdown tables. No I/O, so they are unit-tested (stats.test.ts).

/**
 * Median of a non-empty list (mean of the middle two for even lengths); NaN for an empty one.
 *
 * @example
 * ```ts
 * median([3, 1, 2]); // 2
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median, extremes and the relative spread `(max - min) / median` of some rounds. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly spreadPct: number;
}

/**
 * Summarizes a non-empty list of per-round values.
 *
 * @example
 * ```ts
 * summarize([10, 12, 11]); // { median: 11, min: 10, max: 12, spreadPct: 18.18... }
 * ```
 */
export function summarize(values: readonly number[]): Summary {
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: m, min, max, spreadPct: m > 0 ? ((max - min) / m) * 100 : Number.NaN };
}

/**
 * Three significant digits, thousands separators from 1,000 up (as bench's `fmt`).
 *
 * @example
 * ```ts
 * fmt3(0.01234); // '0.0123'
 * fmt3(12345.6); // '12,346'
 * ```
 */
export function fmt3(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}

/**
 * A ratio as `12.3x`, or `-` when either side is missing.
 *
 * @example
 * ```ts
 * ratioText(40, 4); // '10.0x'
 * ratioText(40, undefined); // '-'
 * ```
 */
export function ratioText(ours: number | undefined, theirs: number | undefined): string {
  if (ours === undefined || theirs === undefined || !(theirs > 0)) return '-';
  return `${fmt3(ours / theirs)}x`;
}

/**
 * Whether two float32 results agree: |a − b| ≤ rtol · max(1, |b|). The default 1e-5 is about a
 * hundred float32 ulps, room for sums taken in a different order.
 *
 * @example
 * ```ts
 * agrees(2.3100507, 2.3100519); // true
 * agrees(2.31, 2.32); // false
 * ```
 */
export function agrees(a: number, b: number, rtol = 1e-5): boolean {
  return Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b));
}

/**
 * A markdown table; numeric-looking columns are right-aligned. Cells are padded so the raw text
 * reads as a table too.
 *
 * @example
 * ```ts
 * markdownTable(['a', 'b'], [['x', '1.0']]);
 * // '| a | b   |\n| - | --: |\n| x | 1.0 |'
 * ```
 */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const right = head.map((_, i) => i > 0 && rows.some((r) => /^[\d,.]/.test(r[i] ?? '')));
  const cell = (text: string, i: number) => (right[i] ? text.padStart(widths[i]!) : text.padEnd(widths[i]!));
  const line = (cells: readonly string[]) => `| ${head.map((_, i) => cell(cells[i] ?? '', i)).join(' | ')} |`;
  const rule = `| ${widths.map((w, i) => (right[i] ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w))).join(' | ')} |`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

/**
 * JSON.stringify with two-space indent, but arrays of numbers on one line, as biome formats them.
 *
 * @example
 * ```ts
 * toJson({ v: [1, 2] }); // '{\n  "v": [1, 2]\n}\n'
 * ```
 */
export function toJson(value: unknown): string {
  const text = JSON.stringify(value, null, 2);
  return `${text.replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`)}\n`;
}

/**
 * Rounds to `digits` significant digits, for storing noisy measurements without false precision.
 *
 * @example
 * ```ts
 * round(14.845611513554097); // 14.85
 * ```
 */
export function round(x: number, digits = 4): number {
  return Number.isFinite(x) && x !== 0 ? Number(x.toPrecision(digits)) : x;
}

/**
 * The 99% margin of error of the mean of `values`, relative to it, in percent (what benchmark.js
 * reports as `rme`); 0 for fewer than two values.
 *
 * @example
 * ```ts
 * relativeMarginPct([10, 10, 10]); // 0
 * ```
 */
export function relativeMarginPct(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1);
  return ((2.576 * Math.sqrt(variance / n)) / mean) * 100;
}
