// Colours, class shapes and number formatting shared by the page's views. The class colours are
// from Okabe and Ito's palette, chosen to stay apart under protanopia and deuteranopia, and every
// class has a shape too, so that no reading depends on hue alone.

/** An RGB triple, each channel 0–255. */
export type Rgb = [number, number, number];

/** RGB of each class, from the Okabe–Ito palette: orange, blue, bluish green (class 0, 1, 2). */
export const CLASS_RGB: Rgb[] = [
  [230, 159, 0],
  [0, 114, 178],
  [0, 158, 115],
];

/** Shape of each class's points and legend swatch, in class order (repeating past three). */
export const CLASS_SHAPES = ['circle', 'square', 'triangle'] as const;
export type ClassShape = (typeof CLASS_SHAPES)[number];

/**
 * Text in a class's colour, darkened where needed to keep 4.5:1 against white (the orange itself
 * has 2.2:1, too faint for text).
 */
export const CLASS_TEXT_CSS = ['rgb(168, 94, 0)', 'rgb(0, 114, 178)', 'rgb(0, 118, 86)'];

/** How far the boundary's cells go from white toward their class colour at full confidence. */
export const MAX_TINT = 0.7;

/**
 * White mixed toward `rgb` by `t` (0: white, 1: the colour itself), rounded to whole channels.
 *
 * @example
 * ```ts
 * tint([0, 114, 178], 0.5); // [128, 185, 217]
 * ```
 */
export function tint(rgb: Rgb, t: number): Rgb {
  return [
    Math.round(255 + (rgb[0] - 255) * t),
    Math.round(255 + (rgb[1] - 255) * t),
    Math.round(255 + (rgb[2] - 255) * t),
  ];
}

/**
 * The colour of class `cls` (the palette repeats past its length).
 *
 * @example
 * ```ts
 * classRgb(1); // [0, 114, 178]
 * ```
 */
export function classRgb(cls: number): Rgb {
  return CLASS_RGB[cls % CLASS_RGB.length]!;
}

/**
 * The shape of class `cls`.
 *
 * @example
 * ```ts
 * classShape(2); // 'triangle'
 * ```
 */
export function classShape(cls: number): ClassShape {
  return CLASS_SHAPES[cls % CLASS_SHAPES.length]!;
}

/**
 * The boundary's colour of a cell: white mixed toward the class colour by how sure the network is
 * (chance level is white).
 *
 * @example
 * ```ts
 * cellColor(1, 1, 2); // blue at MAX_TINT
 * ```
 */
export function cellColor(cls: number, confidence: number, classes: number): Rgb {
  const chance = 1 / classes;
  return tint(classRgb(cls), MAX_TINT * Math.min(1, Math.max(0, (confidence - chance) / (1 - chance))));
}

/**
 * CSS colour of a class.
 *
 * @example
 * ```ts
 * classCss(0); // 'rgb(230, 159, 0)'
 * ```
 */
export function classCss(cls: number): string {
  const [r, g, b] = classRgb(cls);
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
 * Colour of a value on a signed scale: white at 0, toward blue as `t` goes to 1 and toward orange as
 * it goes to −1 (as the signs of weights), clamped beyond.
 *
 * @example
 * ```ts
 * divergingRgb(0); // [255, 255, 255]
 * divergingRgb(-1); // orange at 0.9
 * ```
 */
export function divergingRgb(t: number): Rgb {
  const clamped = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  return tint(clamped >= 0 ? CLASS_RGB[1]! : CLASS_RGB[0]!, 0.9 * Math.abs(clamped));
}

/**
 * SVG path data of a class's shape centred on (x, y), of about the area of a circle of radius r:
 * circle, square, triangle (pointing up). Canvas draws it with `new Path2D(d)`.
 *
 * @example
 * ```ts
 * shapePath('square', 10, 10, 4); // 'M6.46 6.46h7.09v7.09h-7.09Z'
 * ```
 */
export function shapePath(shape: ClassShape, x: number, y: number, r: number): string {
  const n = (v: number) => String(Number(v.toFixed(2)));
  if (shape === 'circle')
    return `M${n(x - r)} ${n(y)}a${n(r)} ${n(r)} 0 1 0 ${n(2 * r)} 0a${n(r)} ${n(r)} 0 1 0 ${n(-2 * r)} 0Z`;
  if (shape === 'square') {
    const h = r * Math.sqrt(Math.PI) * 0.5; // half the side of the square with the circle's area
    return `M${n(x - h)} ${n(y - h)}h${n(2 * h)}v${n(2 * h)}h${n(-2 * h)}Z`;
  }
  // The equilateral triangle with the circle's area, its centroid on (x, y).
  const side = r * Math.sqrt((4 * Math.PI) / Math.sqrt(3));
  const height = (side * Math.sqrt(3)) / 2;
  return `M${n(x)} ${n(y - (2 * height) / 3)}L${n(x + side / 2)} ${n(y + height / 3)}L${n(x - side / 2)} ${n(y + height / 3)}Z`;
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
