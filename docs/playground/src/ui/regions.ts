// The boundary's pixels, computed from the coarse grid the worker sends. Scaling the grid's colours
// up with smoothing draws a beaded seam where the regions meet (each white, unsure cell becomes a
// blurred blob); instead each pixel interpolates the network's class probabilities bilinearly
// between the four nearest grid cells and takes their argmax, so the boundary is a smooth curve.
import type { Boundary } from '../protocol.js';
import { classRgb, MAX_TINT, type Rgb, tint } from './colors.js';

/**
 * Each class's score at every grid cell, class-major: the predicted class gets its probability
 * and the others share the rest (exact for two classes). For regression (`boundary.values`) class
 * 1 scores the value and class 0 its negative, so that the argmax is the value's sign.
 *
 * @example
 * ```ts
 * scoreFields({ resolution: 1, classes: Uint8Array.of(1), confidence: Float32Array.of(0.8) }, 2);
 * // Float32Array [0.2, 0.8]
 * ```
 */
export function scoreFields(boundary: Boundary, classes: number): Float32Array {
  const cells = boundary.resolution * boundary.resolution;
  if (boundary.values) {
    const fields = new Float32Array(2 * cells);
    for (let i = 0; i < cells; i++) {
      fields[i] = -boundary.values[i]!;
      fields[cells + i] = boundary.values[i]!;
    }
    return fields;
  }
  const fields = new Float32Array(classes * cells);
  for (let i = 0; i < cells; i++) {
    const confidence = boundary.confidence[i]!;
    const rest = (1 - confidence) / (classes - 1);
    for (let k = 0; k < classes; k++) fields[k * cells + i] = rest;
    fields[boundary.classes[i]! * cells + i] = confidence;
  }
  return fields;
}

// For one axis of the output: each pixel's two neighbouring grid cells and the second one's weight.
function axisSamples(
  size: number,
  resolution: number,
): { low: Int32Array; high: Int32Array; t: Float32Array } {
  const low = new Int32Array(size);
  const high = new Int32Array(size);
  const t = new Float32Array(size);
  for (let p = 0; p < size; p++) {
    // Grid cell c's centre is at (c + 0.5) / resolution of the side, pixel p's at (p + 0.5) / size.
    const u = Math.min(resolution - 1, Math.max(0, ((p + 0.5) * resolution) / size - 0.5));
    low[p] = Math.floor(u);
    high[p] = Math.min(resolution - 1, low[p]! + 1);
    t[p] = u - low[p]!;
  }
  return { low, high, t };
}

/**
 * RGBA pixels of the regions on a `size` × `size` canvas: each pixel the colour of its argmax class,
 * tinted from white (chance) toward the class colour by how sure the network is, or at full tint
 * everywhere when `discretize` is set (the hard class regions).
 *
 * @example
 * ```ts
 * const pixels = regionPixels(snapshot.boundary, info.classes, 360, false);
 * ctx.putImageData(new ImageData(pixels, 360, 360), 0, 0);
 * ```
 */
export function regionPixels(
  boundary: Boundary,
  classes: number,
  size: number,
  discretize: boolean,
): Uint8ClampedArray<ArrayBuffer> {
  const res = boundary.resolution;
  if (!(Number.isInteger(size) && size > 0))
    throw new Error(`regionPixels: size must be a positive integer, got ${size}`);
  if (boundary.classes.length !== res * res)
    throw new Error(`regionPixels: a ${res}² grid needs ${res * res} cells, got ${boundary.classes.length}`);
  const regression = boundary.values !== undefined;
  const k = regression ? 2 : Math.max(2, classes);
  const fields = scoreFields(boundary, k);
  const cells = res * res;
  const chance = regression ? 0 : 1 / k;
  const palette: Rgb[] = Array.from({ length: k }, (_, c) => classRgb(c));
  const solid = palette.map((rgb) => tint(rgb, MAX_TINT));
  const x = axisSamples(size, res);
  const y = axisSamples(size, res);
  const out = new Uint8ClampedArray(size * size * 4);
  for (let py = 0; py < size; py++) {
    const top = y.low[py]! * res;
    const bottom = y.high[py]! * res;
    const ty = y.t[py]!;
    for (let px = 0; px < size; px++) {
      const left = x.low[px]!;
      const right = x.high[px]!;
      const tx = x.t[px]!;
      let best = 0;
      let bestScore = Number.NEGATIVE_INFINITY;
      if (k === 2) {
        // Two classes: one field decides (the other is its complement, or its negative).
        const upper =
          fields[cells + top + left]! + (fields[cells + top + right]! - fields[cells + top + left]!) * tx;
        const lower =
          fields[cells + bottom + left]! +
          (fields[cells + bottom + right]! - fields[cells + bottom + left]!) * tx;
        const second = upper + (lower - upper) * ty;
        const first = regression ? -second : 1 - second;
        best = second > first ? 1 : 0;
        bestScore = second > first ? second : first;
      } else {
        for (let c = 0; c < k; c++) {
          const f = c * cells;
          const upper = fields[f + top + left]! + (fields[f + top + right]! - fields[f + top + left]!) * tx;
          const lower =
            fields[f + bottom + left]! + (fields[f + bottom + right]! - fields[f + bottom + left]!) * tx;
          const score = upper + (lower - upper) * ty;
          if (score > bestScore) {
            best = c;
            bestScore = score;
          }
        }
      }
      const o = 4 * (py * size + px);
      if (!Number.isFinite(bestScore)) {
        // A cell the network gave no number for: grey, never black.
        out.fill(200, o, o + 3);
        out[o + 3] = 255;
        continue;
      }
      const rgb = discretize ? solid[best]! : palette[best]!;
      // Chance is white, certainty MAX_TINT of the class colour (the channels are written inline: a
      // triple per pixel would be 130 000 allocations a frame).
      const t = discretize ? 1 : MAX_TINT * Math.min(1, Math.max(0, (bestScore - chance) / (1 - chance)));
      out[o] = 255 + (rgb[0] - 255) * t;
      out[o + 1] = 255 + (rgb[1] - 255) * t;
      out[o + 2] = 255 + (rgb[2] - 255) * t;
      out[o + 3] = 255;
    }
  }
  return out;
}
