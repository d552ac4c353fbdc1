// The regression sets' legend: the predicted value on a diverging scale, orange below 0 through
// white at 0 to blue above 0 (the class colours), as TF Playground draws it; boundary-view.ts paints
// the plane in the same colours.
import { CLASS_RGB, MAX_TINT } from './colors.js';

/** The colour of a cell whose value is not finite: grey, never black. */
export const NOT_FINITE_RGB: [number, number, number] = [200, 200, 200];

/**
 * The scale's colour of `value`: white at 0, toward blue above and orange below, full at |value| ≥ 1.
 *
 * @example
 * ```ts
 * valueRgb(0); // [255, 255, 255]
 * ```
 */
export function valueRgb(value: number): [number, number, number] {
  if (!Number.isFinite(value)) return NOT_FINITE_RGB;
  const rgb = CLASS_RGB[value > 0 ? 1 : 0]!;
  const t = MAX_TINT * Math.min(1, Math.abs(value));
  return [0, 1, 2].map((k) => Math.round(255 + (rgb[k]! - 255) * t)) as [number, number, number];
}

/**
 * The legend of the value scale: -1, 0 and +1 swatches.
 *
 * @example
 * ```ts
 * legend.innerHTML = valueLegendHtml();
 * ```
 */
export function valueLegendHtml(): string {
  const swatch = (v: number, text: string) => {
    const [r, g, b] = valueRgb(v);
    return `<span class="swatch" style="background: rgb(${r}, ${g}, ${b}); outline: 1px solid #bbb"></span>${text}`;
  };
  return `predicted value: ${[swatch(-1, '−1'), swatch(0, '0'), swatch(1, '+1')].join(' ')}`;
}
