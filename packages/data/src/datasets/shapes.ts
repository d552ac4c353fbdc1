// 2-D benchmark shapes that no linear classifier separates. Every one is drawn from a seeded
// generator, so the same options give the same points on every platform.
import { Generator, Tensor, ValueError } from '@backprop/core';
import { TensorDataset } from '../dataset.js';
import { permutation } from '../loader.js';

/**
 * Options shared by the 2-D shapes.
 *
 * @example
 * ```ts
 * const options: ShapeOptions = { n: 500, seed: 3, noise: 0.05 };
 * const data = ring(options);
 * ```
 */
export interface ShapeOptions {
  /** Number of points, split evenly across the classes (the first classes get the remainder). Default 200. */
  n?: number;
  /** Seed of a fresh generator; ignored when `generator` is given. Default 0. */
  seed?: number;
  /** Draw from this generator instead (it advances). */
  generator?: Generator;
  /** Standard deviation of Gaussian jitter added to every coordinate after the labels are set. Default 0. */
  noise?: number;
}

type Place = (cls: number, g: Generator) => [number, number];

// Draws `n` points class by class, shuffles them so that any slice mixes the classes, then adds the
// jitter last: the same seed gives the same clean points and order whatever the noise.
function build(op: string, classes: number, options: ShapeOptions, place: Place): TensorDataset {
  const { n = 200, noise = 0 } = options;
  if (!Number.isInteger(n) || n < 0)
    throw new ValueError(`${op}: n must be a non-negative integer, got ${n}`);
  if (!(noise >= 0)) throw new ValueError(`${op}: noise must be >= 0, got ${noise}`);
  const g = options.generator ?? new Generator(options.seed ?? 0);
  const points: [number, number][] = [];
  const labels: number[] = [];
  for (let c = 0; c < classes; c++) {
    const count = Math.floor(n / classes) + (c < n % classes ? 1 : 0);
    for (let k = 0; k < count; k++) {
      points.push(place(c, g));
      labels.push(c);
    }
  }
  const order = permutation(n, g);
  const xs = new Float32Array(2 * n);
  const ys = new Int32Array(n);
  order.forEach((src, i) => {
    const [a, b] = points[src]!;
    xs[2 * i] = noise > 0 ? a + noise * g.normal() : a;
    xs[2 * i + 1] = noise > 0 ? b + noise * g.normal() : b;
    ys[i] = labels[src]!;
  });
  return new TensorDataset(new Tensor(xs, [n, 2]), new Tensor(ys, [n]));
}

// A uniform point in the disc of radius `r` around (cx, cy).
function inDisc(g: Generator, cx: number, cy: number, r: number): [number, number] {
  const rho = r * Math.sqrt(g.random());
  const theta = 2 * Math.PI * g.random();
  return [cx + rho * Math.cos(theta), cy + rho * Math.sin(theta)];
}

/**
 * XOR in the plane: points uniform in [-1, 1]², class 1 where the coordinates' signs differ
 * (quadrants II and IV), class 0 where they agree (I and III). x float32 `[n, 2]`, y int32 `[n]`.
 *
 * @example
 * ```ts
 * const { x, y } = quadrants({ n: 100, seed: 1 });
 * ```
 */
export function quadrants(options: ShapeOptions = {}): TensorDataset {
  return build('quadrants', 2, options, (cls, g) => {
    // 1 - random() lies in (0, 1], so no point sits on an axis, where its quadrant is undefined.
    const a = 1 - g.random();
    const b = 1 - g.random();
    const flip = g.random() < 0.5 ? -1 : 1;
    return cls === 0 ? [flip * a, flip * b] : [flip * a, -flip * b];
  });
}

/**
 * A disc inside a ring: class 0 uniform in the disc ‖x‖ < 1, class 1 uniform in the ring
 * 1 ≤ ‖x‖ ≤ 2 (before `noise`). x float32 `[n, 2]`, y int32 `[n]`.
 *
 * @example
 * ```ts
 * const { x, y } = ring({ n: 200, noise: 0.1 });
 * ```
 */
export function ring(options: ShapeOptions = {}): TensorDataset {
  return build('ring', 2, options, (cls, g) => {
    // Uniform over area: radius² uniform between the inner and outer radius².
    const [r0, r1] = cls === 0 ? [0, 1] : [1, 2];
    const rho = Math.sqrt(r0 * r0 + (r1 * r1 - r0 * r0) * g.random());
    const theta = 2 * Math.PI * g.random();
    return [rho * Math.cos(theta), rho * Math.sin(theta)];
  });
}

/**
 * Three modes on a line, the middle one a different class: class 0 uniform in the unit discs
 * around (-2.5, 0) and (2.5, 0) (half the class in each), class 1 in the unit disc around (0, 0).
 * A line can cut off one outer mode but never both. x float32 `[n, 2]`, y int32 `[n]`.
 *
 * @example
 * ```ts
 * const { x, y } = threeModes({ n: 150, seed: 3 });
 * ```
 */
export function threeModes(options: ShapeOptions = {}): TensorDataset {
  let side = 1;
  return build('threeModes', 2, options, (cls, g) => {
    if (cls === 1) return inDisc(g, 0, 0, 1);
    side = -side; // alternate, so the two outer modes hold the same number of points
    return inDisc(g, 2.5 * side, 0, 1);
  });
}

/**
 * Options of `spirals`.
 *
 * @example
 * ```ts
 * const data = spirals({ n: 600, classes: 3, turns: 1.5 } satisfies SpiralOptions);
 * ```
 */
export interface SpiralOptions extends ShapeOptions {
  /** Number of arms, one class each. Default 2. */
  classes?: number;
  /** Turns each arm makes from the centre to radius 1. Default 1.25. */
  turns?: number;
}

/**
 * Interleaved spiral arms, one class per arm: a point at fraction t of its arm (t uniform in [0, 1))
 * sits at radius t and angle 2π(turns·t + k / classes) for arm k. x float32 `[n, 2]` inside the
 * unit disc (before `noise`), y int32 `[n]` in 0..classes-1.
 *
 * @example
 * ```ts
 * const { x, y } = spirals({ n: 300, classes: 3, noise: 0.02 });
 * ```
 */
export function spirals(options: SpiralOptions = {}): TensorDataset {
  const { classes = 2, turns = 1.25 } = options;
  if (!Number.isInteger(classes) || classes < 1) {
    throw new ValueError(`spirals: classes must be a positive integer, got ${classes}`);
  }
  return build('spirals', classes, options, (cls, g) => {
    const t = g.random();
    const theta = 2 * Math.PI * (turns * t + cls / classes);
    return [t * Math.cos(theta), t * Math.sin(theta)];
  });
}
