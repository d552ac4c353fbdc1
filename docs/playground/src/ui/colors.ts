// Colours and number formatting shared by the page's views.

/** RGB of each class: orange, blue, green (class 0, 1, 2). */
export const CLASS_RGB: [number, number, number][] = [
  [245, 147, 34],
  [8, 119, 189],
  [46, 160, 67],
];

/** How far the boundary's cells go from white toward their class colour at full confidence. */
export const MAX_TINT = 0.7;

/**
 * The boundary's colour of a cell: white mixed toward the class colour by how sure the network is
 * (chance level is white).
 *
 * @example
 * ```ts
 * cellColor(1, 1, 2); // blue at MAX_TINT
 * ```
 */
export function cellColor(cls: number, confidence: number, classes: number): [number, number, number] {
  const chance = 1 / classes;
  const t = MAX_TINT * Math.min(1, Math.max(0, (confidence - chance) / (1 - chance)));
  const rgb = CLASS_RGB[cls % CLASS_RGB.length]!;
  return [0, 1, 2].map((k) => Math.round(255 + (rgb[k]! - 255) * t)) as [number, number, number];
}

/**
 * CSS colour of a class.
 *
 * @example
 * ```ts
 * classCss(0); // 'rgb(245, 147, 34)'
 * ```
 */
export function classCss(cls: number): string {
  const [r, g, b] = CLASS_RGB[cls % CLASS_RGB.length]!;
  return `rgb(${r}, ${g}, ${b})`;
}

/**
 * Colour of a signed quantity: blue for positive, orange for negative (as the classes).
 *
 * @example
 * ```ts
 * signCss(-0.3); // orange
 * ```
 */
export function signCss(value: number): string {
  return value >= 0 ? classCss(1) : classCss(0);
}

/**
 * A number in at most `digits` significant digits, in exponent form when tiny.
 *
 * @example
 * ```ts
 * fmt(0.123456); // '0.123'
 * fmt(-0.0000123); // '-1.2e-5'
 * ```
 */
export function fmt(value: number, digits = 3): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 1e-3) return value.toExponential(1);
  return String(Number(value.toPrecision(digits)));
}
