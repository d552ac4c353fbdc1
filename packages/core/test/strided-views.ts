// Random strided views and window geometries for the kernel tests, with naive element access.
import type { StridedView, WindowGeometry } from '../src/backend/backend.js';
import { allocate, type DType } from '../src/dtype.js';
import { int, pick, type Rng } from './seeded.js';

export function randomShape(rng: Rng, maxRank = 4, maxDim = 5): number[] {
  return Array.from({ length: int(rng, 0, maxRank) }, () => (rng() < 0.05 ? 0 : int(rng, 1, maxDim)));
}

/**
 * A view of `shape` over fresh random storage: dense about a third of the time, else with dims laid
 * out in a random memory order, some sliced (gaps between elements), some expanded (stride 0), and a
 * random offset.
 */
export function randomView(rng: Rng, shape: readonly number[], dtype: DType, special = false): StridedView {
  const nd = shape.length;
  const dense = rng() < 0.35;
  const order = Array.from({ length: nd }, (_, i) => i);
  if (!dense) order.sort(() => rng() - 0.5);
  const strides = new Array<number>(nd).fill(0);
  let step = dense ? 1 : int(rng, 1, 2);
  for (let i = nd - 1; i >= 0; i--) {
    const d = order[i]!;
    if (!dense && shape[d]! > 1 && rng() < 0.15) continue;
    strides[d] = step;
    step *= shape[d]! + (dense ? 0 : int(rng, 0, 1));
  }
  const offset = dense ? 0 : int(rng, 0, 3);
  let length = offset + 1;
  for (let d = 0; d < nd; d++) length += Math.max(shape[d]! - 1, 0) * strides[d]!;
  const storage = allocate(dtype, length);
  for (let i = 0; i < length; i++) storage[i] = randomValue(rng, dtype, special);
  return { storage, shape, strides, offset };
}

// Mostly normal-ish values; with `special`, also exact zeros, ties and non-finite values.
export function randomValue(rng: Rng, dtype: DType, special: boolean): number {
  if (special && rng() < 0.2) return pick(rng, [0, -0, 1, -1, Number.NaN, Number.POSITIVE_INFINITY, -2]);
  const v = (rng() - 0.5) * 6;
  return dtype === 'int32' ? Math.round(v) : v;
}

/** Every multi-index of `shape` in row-major order. */
export function* indices(shape: readonly number[]): Generator<number[]> {
  if (shape.some((d) => d === 0)) return;
  const idx = new Array<number>(shape.length).fill(0);
  for (;;) {
    yield idx;
    let d = shape.length - 1;
    while (d >= 0 && ++idx[d]! === shape[d]!) idx[d--] = 0;
    if (d < 0) return;
  }
}

/** The element of `v` at `idx` of a (possibly larger) broadcast shape. */
export function read(v: StridedView, idx: readonly number[]): number {
  const lead = idx.length - v.shape.length;
  let p = v.offset;
  for (let i = 0; i < v.shape.length; i++) if (v.shape[i] !== 1) p += idx[lead + i]! * v.strides[i]!;
  return v.storage[p]!;
}

export function randomGeometry(rng: Rng): WindowGeometry {
  const kernel = [int(rng, 1, 3), int(rng, 1, 3)] as const;
  const stride = rng() < 0.5 ? ([1, 1] as const) : ([int(rng, 1, 3), int(rng, 1, 3)] as const);
  const dilation = rng() < 0.7 ? ([1, 1] as const) : ([int(rng, 1, 2), int(rng, 1, 2)] as const);
  const padding = [int(rng, 0, 2), int(rng, 0, 2)] as const;
  const [height, width] = [int(rng, 1, 7), int(rng, 1, 7)];
  const out = (size: number, i: 0 | 1) =>
    Math.floor((size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1;
  const [outHeight, outWidth] = [out(height, 0), out(width, 1)];
  const [batch, channels] = [int(rng, 1, 2), int(rng, 1, 3)];
  if (outHeight <= 0 || outWidth <= 0) return randomGeometry(rng);
  return { batch, channels, height, width, kernel, stride, padding, dilation, outHeight, outWidth };
}

// Visits the im2col grid in its natural order with the input coordinates of each column entry.
export function eachWindow(
  g: WindowGeometry,
  visit: (col: number, n: number, c: number, y: number, x: number) => void,
) {
  let col = 0;
  for (const [n, c, ky, kx, oy, ox] of indices([g.batch, g.channels, ...g.kernel, g.outHeight, g.outWidth])) {
    const y = oy! * g.stride[0] - g.padding[0] + ky! * g.dilation[0];
    const x = ox! * g.stride[1] - g.padding[1] + kx! * g.dilation[1];
    visit(col++, n!, c!, y, x);
  }
}
