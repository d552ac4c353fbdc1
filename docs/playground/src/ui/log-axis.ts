// A logarithmic axis for the loss curves: on a linear axis a converged run's curves lie flat on
// zero, while on a log axis each tenfold fall of the loss takes the same height.

/** The axis's extent: whole decades from `low` to `high`. */
export interface LogRange {
  low: number;
  high: number;
}

/** The most decades the axis spans: below that a loss is drawn on the bottom line. */
export const MAX_DECADES = 8;

/**
 * The whole decades around the positive finite values (zeros, negatives, NaN and infinities are
 * left out); 0.1 to 1 when there are none. Spans at least one decade and at most MAX_DECADES,
 * dropping the smallest values' decades first.
 *
 * @example
 * ```ts
 * logRange([0.69, 0.02, 0.004]); // { low: 0.001, high: 1 }
 * ```
 */
export function logRange(values: readonly number[]): LogRange {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const v of values) {
    if (!(v > 0) || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === 0) return { low: 0.1, high: 1 };
  const top = Math.ceil(Math.log10(max) - 1e-9);
  let bottom = Math.floor(Math.log10(min) + 1e-9);
  if (bottom >= top) bottom = top - 1;
  bottom = Math.max(bottom, top - MAX_DECADES);
  return { low: 10 ** bottom, high: 10 ** top };
}

/**
 * The tick values of a range, smallest first: every decade, and 2× and 5× within each decade when
 * the range spans two decades or fewer (else a lone decade would leave the axis bare).
 *
 * @example
 * ```ts
 * logTicks({ low: 0.01, high: 1 }); // [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]
 * ```
 */
export function logTicks(range: LogRange): number[] {
  const bottom = Math.round(Math.log10(range.low));
  const top = Math.round(Math.log10(range.high));
  const steps = top - bottom <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let d = bottom; d <= top; d++) {
    for (const m of steps) {
      // Written out as a decimal then read back, so 0.1 × 2 is 0.2 and not 0.20000000000000004.
      const v = Number((m * 10 ** d).toPrecision(1));
      if (v <= range.high * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

/**
 * A tick's label: plain decimals from 0.001 to 1000, powers of ten as 1e-4 beyond.
 *
 * @example
 * ```ts
 * [tickLabel(0.01), tickLabel(2), tickLabel(1e-5), tickLabel(1e5)]; // ['0.01', '2', '1e-5', '1e5']
 * ```
 */
export function tickLabel(value: number): string {
  if (value >= 1e-3 && value <= 1e3) return String(value);
  const [mantissa, exponent] = value.toExponential(0).split('e');
  return `${mantissa}e${Number(exponent)}`;
}

/**
 * Where `value` sits along the axis: 0 at `low` (and below it, zeros and negatives included), 1 at
 * `high` (and above).
 *
 * @example
 * ```ts
 * logPosition({ low: 0.01, high: 1 }, 0.1); // 0.5
 * ```
 */
export function logPosition(range: LogRange, value: number): number {
  if (!(value > range.low)) return 0;
  const t = (Math.log10(value) - Math.log10(range.low)) / (Math.log10(range.high) - Math.log10(range.low));
  return Math.min(1, t);
}
