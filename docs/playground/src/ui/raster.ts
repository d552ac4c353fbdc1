// A small software rasterizer for the graph view's canvas. A network of six layers of 32 has over
// 5000 edges; stroked one by one through the 2-D canvas, each costs the browser's rasterizer some
// 20 µs of path set-up (over 100 ms a frame on a 2-core machine). Here each edge only adds its
// coverage to a density buffer, a few nanoseconds a pixel, and one pass turns the densities into
// pixels; the hidden nodes' heatmaps are sampled straight into those pixels too.
import type { Rgb } from './colors.js';

/** Pixels of a canvas-sized image: `width` × `height`, row-major. */
export interface Raster {
  width: number;
  height: number;
}

/**
 * Adds the antialiased coverage of a line from (x1, y1) to (x2, y2), `lineWidth` pixels wide with
 * butt ends, times `alpha`, to `density` (one number per pixel). With `dash` set, only the first
 * `dash[0]` pixels of every `dash[0] + dash[1]` along the line are drawn.
 *
 * @example
 * ```ts
 * const density = new Float32Array(10 * 10);
 * addLine(density, { width: 10, height: 10 }, 0, 5, 10, 5, 2, 1, null);
 * density.reduce((a, b) => a + b); // 20: a 10 × 2 rectangle
 * ```
 */
export function addLine(
  density: Float32Array,
  raster: Raster,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  lineWidth: number,
  alpha: number,
  dash: readonly [number, number] | null,
): void {
  const steep = Math.abs(y2 - y1) > Math.abs(x2 - x1);
  // Walk along the major axis (a), one pixel column (or row) at a time; across it (b) the line
  // covers the span centre ± half, where half is the width's extent along b.
  let [a1, b1, a2, b2] = steep ? [y1, x1, y2, x2] : [x1, y1, x2, y2];
  if (a2 < a1) [a1, b1, a2, b2] = [a2, b2, a1, b1];
  if (a2 === a1) return;
  const slope = (b2 - b1) / (a2 - a1);
  const secant = Math.sqrt(1 + slope * slope); // line length per step along a
  const half = (lineWidth / 2) * secant;
  const along = steep ? raster.height : raster.width;
  const across = steep ? raster.width : raster.height;
  const strideA = steep ? raster.width : 1;
  const strideB = steep ? 1 : raster.width;
  const first = Math.max(0, Math.floor(a1));
  const last = Math.min(along - 1, Math.ceil(a2) - 1);
  const period = dash ? dash[0] + dash[1] : 0;
  for (let a = first; a <= last; a++) {
    const inside = Math.min(a + 1, a2) - Math.max(a, a1); // the ends cover part of their pixel
    if (inside <= 0) continue;
    if (dash && ((a + 0.5 - a1) * secant) % period >= dash[0]) continue;
    const centre = b1 + (a + 0.5 - a1) * slope;
    const low = Math.max(0, centre - half);
    const high = Math.min(across, centre + half);
    if (high <= low) continue;
    const k = alpha * inside;
    const from = Math.floor(low);
    const to = Math.min(across - 1, Math.floor(high));
    const at = a * strideA;
    if (from === to) {
      density[at + from * strideB]! += k * (high - low);
      continue;
    }
    // Partly covered end pixels, fully covered ones between them.
    density[at + from * strideB]! += k * (from + 1 - low);
    for (let b = from + 1; b < to; b++) density[at + b * strideB]! += k;
    density[at + to * strideB]! += k * (high - to);
  }
}

/**
 * Turns two density buffers into RGBA pixels: each pixel's opacity is 1 − e^(−density), as many
 * translucent strokes over one another add up, and its colour is the two colours mixed by their
 * shares of the density. Pixels with no density become transparent.
 *
 * @example
 * ```ts
 * densityToPixels(positive, negative, blue, orange, image.data);
 * ```
 */
export function densityToPixels(
  first: Float32Array,
  second: Float32Array,
  firstRgb: Rgb,
  secondRgb: Rgb,
  out: Uint8ClampedArray,
): void {
  for (let i = 0; i < first.length; i++) {
    const p = first[i]!;
    const n = second[i]!;
    const o = 4 * i;
    const sum = p + n;
    if (sum <= 0) {
      out[o + 3] = 0;
      continue;
    }
    const share = p / sum;
    out[o] = secondRgb[0] + (firstRgb[0] - secondRgb[0]) * share;
    out[o + 1] = secondRgb[1] + (firstRgb[1] - secondRgb[1]) * share;
    out[o + 2] = secondRgb[2] + (firstRgb[2] - secondRgb[2]) * share;
    out[o + 3] = 255 * (1 - Math.exp(-sum));
  }
}

/**
 * Paints a disc of radius `r` centred on (cx, cy) over `out`, each pixel the colour `lut` gives the
 * map's value there: `map` is a res × res grid over the disc's square, row 0 at the top, sampled
 * bilinearly; `lut` holds RGB for `(value / scale + 1) * half`, 0 … 2·half. The rim is antialiased.
 *
 * @example
 * ```ts
 * paintDisc(image.data, raster, 40, 40, 12, unitMap, 10, 1, HEAT_LUT, 128);
 * ```
 */
export function paintDisc(
  out: Uint8ClampedArray,
  raster: Raster,
  cx: number,
  cy: number,
  r: number,
  map: Float32Array,
  res: number,
  scale: number,
  lut: Uint8Array,
  half: number,
): void {
  const top = Math.max(0, Math.floor(cy - r));
  const bottom = Math.min(raster.height - 1, Math.ceil(cy + r));
  const left = Math.max(0, Math.floor(cx - r));
  const right = Math.min(raster.width - 1, Math.ceil(cx + r));
  const cell = (2 * r) / res;
  for (let y = top; y <= bottom; y++) {
    const dy = y + 0.5 - cy;
    const v = Math.min(res - 1, Math.max(0, (y + 0.5 - (cy - r)) / cell - 0.5));
    const r0 = Math.floor(v);
    const r1 = Math.min(res - 1, r0 + 1);
    const ty = v - r0;
    for (let x = left; x <= right; x++) {
      const dx = x + 0.5 - cx;
      const coverage = Math.min(1, Math.max(0, r + 0.5 - Math.sqrt(dx * dx + dy * dy)));
      if (coverage <= 0) continue;
      const u = Math.min(res - 1, Math.max(0, (x + 0.5 - (cx - r)) / cell - 0.5));
      const c0 = Math.floor(u);
      const c1 = Math.min(res - 1, c0 + 1);
      const tx = u - c0;
      const upper = map[r0 * res + c0]! + (map[r0 * res + c1]! - map[r0 * res + c0]!) * tx;
      const lower = map[r1 * res + c0]! + (map[r1 * res + c1]! - map[r1 * res + c0]!) * tx;
      const value = upper + (lower - upper) * ty;
      const index = Math.round((Math.max(-1, Math.min(1, value / scale)) + 1) * half);
      const l = 4 * (Number.isFinite(index) ? index : half);
      const o = 4 * (y * raster.width + x);
      // Over what is there, flattened onto the white behind the canvas, by the rim's coverage.
      const under = out[o + 3]! / 255;
      const keep = 1 - coverage;
      for (let k = 0; k < 3; k++) {
        out[o + k] = (out[o + k]! * under + 255 * (1 - under)) * keep + lut[l + k]! * coverage;
      }
      out[o + 3] = 255;
    }
  }
}
