// Separable points in the plane whose maximum margin is known by construction, and a check of it.
import { Generator, rand, type Tensor, tensor } from '@backprop/core';

/** The separating line of the construction: u·x = offset, u = (cos angle, sin angle). */
export interface Construction {
  angle: number;
  offset: number;
  /** Half the margin: the support points lie at this distance from the line. */
  half: number;
}

export const CONSTRUCTION: Construction = { angle: Math.PI / 6, offset: 0.2, half: 0.5 };

/** Points `x` [N, 2] and labels `y` [N] in {−1, +1}. */
export interface Separable {
  x: Tensor;
  y: Tensor;
  /** The true maximum margin, 2 · half. */
  maxMargin: number;
}

/**
 * `n` points: three pinned support points, two on the +1 side at distance `half` from the line
 * (1.5 apart along it on either side) and one on the −1 side at distance `half` between them, then
 * seeded uniform points in [−3, 3]² kept only when at least 1.3 · half from the line. The three
 * support points make u·x = offset the unique widest separating line: tilting it by φ shrinks the
 * gap to 2·half·cos φ − 1.5·|sin φ|. So the maximum margin is exactly 2 · half.
 */
export function separablePoints(n: number, seed: number, c: Construction = CONSTRUCTION): Separable {
  const u = [Math.cos(c.angle), Math.sin(c.angle)] as const;
  const v = [-u[1], u[0]] as const;
  const at = (across: number, along: number) => [
    (c.offset + across) * u[0] + along * v[0],
    (c.offset + across) * u[1] + along * v[1],
  ];
  const points = [at(c.half, 1.5), at(c.half, -1.5), at(-c.half, 0)];
  const labels = [1, 1, -1];
  const generator = new Generator(seed);
  while (points.length < n) {
    const [p, q] = rand([2], { generator }).mul(6).sub(3).data() as Float32Array;
    const distance = p! * u[0] + q! * u[1] - c.offset;
    if (Math.abs(distance) < 1.3 * c.half) continue;
    points.push([p!, q!]);
    labels.push(distance > 0 ? 1 : -1);
  }
  return { x: tensor(points), y: tensor(labels), maxMargin: 2 * c.half };
}

// The gap between the classes along direction θ: min of u·x over +1 minus max over −1.
function gap(xs: ArrayLike<number>, ys: ArrayLike<number>, theta: number): number {
  const [a, b] = [Math.cos(theta), Math.sin(theta)];
  let [lowPos, highNeg] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let i = 0; i < ys.length; i++) {
    const s = a * xs[2 * i]! + b * xs[2 * i + 1]!;
    if (ys[i]! > 0) lowPos = Math.min(lowPos, s);
    else highNeg = Math.max(highNeg, s);
  }
  return lowPos - highNeg;
}

/**
 * The maximum margin of labelled 2-D points found without any SVM: the widest gap between the two
 * classes over all directions, by a scan of 3600 angles refined by golden-section search. A check
 * on the construction, independent of training.
 */
export function maxMarginByScan(x: Tensor, y: Tensor): number {
  const [xs, ys] = [x.data(), y.data()];
  let best = 0;
  const steps = 3600;
  for (let k = 1; k < steps; k++)
    if (gap(xs, ys, (2 * Math.PI * k) / steps) > gap(xs, ys, (2 * Math.PI * best) / steps)) best = k;
  let [lo, hi] = [(2 * Math.PI * (best - 1)) / steps, (2 * Math.PI * (best + 1)) / steps];
  const r = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 60; i++) {
    const [m1, m2] = [hi - r * (hi - lo), lo + r * (hi - lo)];
    if (gap(xs, ys, m1) < gap(xs, ys, m2)) lo = m1;
    else hi = m2;
  }
  return gap(xs, ys, (lo + hi) / 2);
}
