import type { DType } from '../../dtype.js';
import { type MaxPooled, type WindowGeometry, windowSizes } from '../backend.js';
import type { GpuStorage } from './storage.js';
import {
  allocateGpu,
  binding,
  contextOf,
  entry,
  f32Word,
  type GpuView,
  HEADER,
  launch,
  nanTest,
  wgslType,
} from './wgsl.js';

// Sliding windows over NCHW input (convolution and pooling), one thread per output element.
// Geometry words: count, N, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, then the input's
// offset and four strides.

const GEOMETRY = /* wgsl */ `
struct Geo { n: u32, c: u32, h: u32, w: u32, kh: u32, kw: u32, sh: u32, sw: u32, ph: u32, pw: u32, dh: u32, dw: u32, oh: u32, ow: u32, off: u32, s0: u32, s1: u32, s2: u32, s3: u32 }
fn geo() -> Geo {
  return Geo(info[1], info[2], info[3], info[4], info[5], info[6], info[7], info[8], info[9], info[10], info[11], info[12], info[13], info[14], info[15], info[16], info[17], info[18], info[19]);
}
`;

function geometry(count: number, g: WindowGeometry, x: GpuView): number[] {
  return [count, g.batch, g.channels, ...windowSizes(g), x.offset, ...x.strides];
}

export function unfold(x: GpuView, g: WindowGeometry, padValue: number, outDtype: DType): GpuStorage {
  const ctx = contextOf(x);
  const [kh, kw] = g.kernel;
  const n = g.batch * g.channels * kh * kw * g.outHeight * g.outWidth;
  const out = allocateGpu(ctx, outDtype, n, 'unfold');
  const xT = wgslType(x.storage.dtype, 'unfold');
  const outT = wgslType(outDtype, 'unfold');
  launch(
    ctx,
    `unfold:${xT}:${outT}`,
    () =>
      HEADER +
      GEOMETRY +
      binding(1, 'x', xT) +
      binding(2, 'out', outT, 'read_write') +
      entry(`
  let g = geo();
  let ox = i % g.ow;
  let oy = (i / g.ow) % g.oh;
  let row = i / (g.ow * g.oh);
  let kx = row % g.kw;
  let ky = (row / g.kw) % g.kh;
  let plane = row / (g.kw * g.kh);
  let c = plane % g.c;
  let b = plane / g.c;
  let y = i32(oy * g.sh + ky * g.dh) - i32(g.ph);
  let xx = i32(ox * g.sw + kx * g.dw) - i32(g.pw);
  var v = ${outT}(bitcast<f32>(info[20]));
  if (y >= 0 && u32(y) < g.h && xx >= 0 && u32(xx) < g.w) {
    v = ${outT}(x[g.off + b * g.s0 + c * g.s1 + u32(y) * g.s2 + u32(xx) * g.s3]);
  }
  out[i] = v;`),
    [...geometry(n, g, x), f32Word(padValue)],
    [x.storage, out],
    n,
  );
  return out;
}

export function fold(cols: GpuView, g: WindowGeometry, outDtype: DType): GpuStorage {
  const ctx = contextOf(cols);
  const n = g.batch * g.channels * g.height * g.width;
  const out = allocateGpu(ctx, outDtype, n, 'fold');
  const cT = wgslType(cols.storage.dtype, 'fold');
  const outT = wgslType(outDtype, 'fold');
  // The columns' geometry slots hold the `[N, C*kh*kw, oh*ow]` view's offset and three strides.
  // Field by field: a Tensor's `storage` is a getter on its prototype, which a spread leaves out.
  const meta = geometry(n, g, {
    storage: cols.storage,
    shape: cols.shape,
    offset: cols.offset,
    strides: [...cols.strides, 0],
  });
  launch(
    ctx,
    `fold:${cT}:${outT}`,
    () =>
      HEADER +
      GEOMETRY +
      binding(1, 'cols', cT) +
      binding(2, 'out', outT, 'read_write') +
      entry(`
  let g = geo();
  let xx = i % g.w;
  let y = (i / g.w) % g.h;
  let plane = i / (g.w * g.h);
  let b = plane / g.c;
  let c = plane % g.c;
  var acc = 0.0;
  for (var ky = 0u; ky < g.kh; ky++) {
    let ty = i32(y + g.ph) - i32(ky * g.dh);
    if (ty < 0 || u32(ty) % g.sh != 0u || u32(ty) / g.sh >= g.oh) { continue; }
    let oy = u32(ty) / g.sh;
    for (var kx = 0u; kx < g.kw; kx++) {
      let tx = i32(xx + g.pw) - i32(kx * g.dw);
      if (tx < 0 || u32(tx) % g.sw != 0u || u32(tx) / g.sw >= g.ow) { continue; }
      let ox = u32(tx) / g.sw;
      let row = (c * g.kh + ky) * g.kw + kx;
      acc += f32(cols[g.off + b * g.s0 + row * g.s1 + (oy * g.ow + ox) * g.s2]);
    }
  }
  out[i] = ${outT}(acc);`),
    meta,
    [cols.storage, out],
    n,
  );
  return out;
}

/**
 * Max pooling, one thread per window: the element kept is the one PyTorch's max_pool2d keeps, a
 * greater one or any NaN in row-major order (the first maximum, or the last NaN), starting from the
 * first in-bounds element, so padding never takes part; its value is the pooled value.
 */
export function maxPool(x: GpuView, g: WindowGeometry, withIndices: boolean): MaxPooled<GpuStorage> {
  const ctx = contextOf(x);
  const n = g.batch * g.channels * g.outHeight * g.outWidth;
  const values = allocateGpu(ctx, x.storage.dtype, n, 'maxPool2d');
  const at = withIndices ? allocateGpu(ctx, 'int32', n, 'maxPool2d') : null;
  const xT = wgslType(x.storage.dtype, 'maxPool2d');
  launch(
    ctx,
    `maxPool:${xT}:${withIndices}`,
    () =>
      HEADER +
      GEOMETRY +
      binding(1, 'x', xT) +
      binding(2, 'pooled', xT, 'read_write') +
      (withIndices ? binding(3, 'at', 'i32', 'read_write') : '') +
      nanTest(xT) +
      entry(`
  let g = geo();
  let ox = i % g.ow;
  let oy = (i / g.ow) % g.oh;
  let plane = i / (g.ow * g.oh);
  let b = plane / g.c;
  let c = plane % g.c;
  var k = -1;
  var best = ${xT}(0);
  for (var ky = 0u; ky < g.kh; ky++) {
    let y = i32(oy * g.sh + ky * g.dh) - i32(g.ph);
    if (y < 0 || u32(y) >= g.h) { continue; }
    for (var kx = 0u; kx < g.kw; kx++) {
      let xx = i32(ox * g.sw + kx * g.dw) - i32(g.pw);
      if (xx < 0 || u32(xx) >= g.w) { continue; }
      let v = x[g.off + b * g.s0 + c * g.s1 + u32(y) * g.s2 + u32(xx) * g.s3];
      if (k < 0 || v > best || isNanT(v)) {
        best = v;
        k = i32(plane * g.h * g.w + u32(y) * g.w + u32(xx));
      }
    }
  }
  // A window with no element in bounds pools to -Infinity (word 20: WGSL has no infinite constant).
  pooled[i] = select(best, ${xT}(bitcast<f32>(info[20])), k < 0);${withIndices ? '\n  at[i] = k;' : ''}`),
    [...geometry(n, g, x), f32Word(Number.NEGATIVE_INFINITY)],
    at === null ? [x.storage, values] : [x.storage, values, at],
    n,
  );
  return { values, indices: at };
}
