import type { DType } from '../../dtype.js';
import { fmtShape, IndexError } from '../../errors.js';
import { contiguousStrides, type Shape, sizeOf } from '../../shape.js';
import { full, unary } from './elementwise.js';
import { checks, reportIndex } from './faults.js';
import type { GpuStorage } from './storage.js';
import {
  allocateGpu,
  binding,
  contextOf,
  entry,
  type GpuView,
  HEADER,
  launch,
  VIEWS,
  viewsHeader,
  wgslType,
} from './wgsl.js';

// Gather, scatter-add and index-select. An index out of range cannot be refused when the op is
// called (the indices are on the GPU): the kernel records it in the device's fault word, the
// element reads as NaN (0 for int32) or adds nothing, and the next read of any tensor throws an
// IndexError naming the op, the index and the size, as CUDA's device-side asserts do.

export function gather(x: GpuView, dim: number, index: GpuView, outDtype: DType): GpuStorage {
  for (let d = 0; d < x.shape.length; d++) {
    if (d !== dim && index.shape[d]! > x.shape[d]!) {
      throw new IndexError(
        `gather: index shape ${fmtShape(index.shape)} is larger than input shape ${fmtShape(x.shape)} in dim ${d}`,
      );
    }
  }
  return pickAlong('gather', x, dim, index, index, index.shape, outDtype);
}

// f32 addition into a u32 word by compare-and-swap (WGSL has integer atomics only).
const ATOMIC_ADD_F32 = /* wgsl */ `
fn addTo(p: u32, v: f32) {
  var old = atomicLoad(&out[p]);
  loop {
    let r = atomicCompareExchangeWeak(&out[p], old, bitcast<u32>(bitcast<f32>(old) + v));
    if (r.exchanged) { break; }
    old = r.old_value;
  }
}
`;

export function scatterAdd(
  src: GpuView,
  dim: number,
  index: GpuView,
  outShape: Shape,
  outDtype: DType,
): GpuStorage {
  const out = full(sizeOf(outShape), 0, outDtype);
  const outT = wgslType(outDtype, 'scatterAdd');
  const word = outT === 'f32' ? 'u32' : 'i32';
  writeAt('scatterAdd', out, outShape, dim, index, src, {
    binding: `@group(0) @binding(3) var<storage, read_write> out: array<atomic<${word}>>;\n`,
    helpers: outT === 'f32' ? ATOMIC_ADD_F32 : '',
    write: outT === 'f32' ? 'addTo(p, f32(v));' : 'atomicAdd(&out[p], i32(v));',
  });
  return out;
}

export function scatter(x: GpuView, dim: number, index: GpuView, src: GpuView, outDtype: DType): GpuStorage {
  const out = unary('identity', x, outDtype);
  const outT = wgslType(outDtype, 'scatter');
  // Repeated indices race, so one of their writes wins, as on CUDA.
  writeAt('scatter', out, x.shape, dim, index, src, {
    binding: binding(3, 'out', outT, 'read_write'),
    helpers: '',
    write: `out[p] = ${outT}(v);`,
  });
  return out;
}

// One thread per index element: the value `v` of src at that element is written (or added) at
// `p`, its index's position along `dim` in the dense `out` of `outShape`. An index out of range is
// recorded as a fault and writes nothing. scatter and scatterAdd differ only in the write.
function writeAt(
  op: 'scatter' | 'scatterAdd',
  out: GpuStorage,
  outShape: Shape,
  dim: number,
  index: GpuView,
  src: GpuView,
  kernel: { binding: string; helpers: string; write: string },
): void {
  const ctx = contextOf(src);
  const sT = wgslType(src.storage.dtype, op);
  const strides = contiguousStrides(outShape);
  launch(
    ctx,
    `${op}:${sT}:${wgslType(out.dtype, op)}`,
    () =>
      HEADER +
      VIEWS +
      checks(4) +
      binding(1, 'index', 'i32') +
      binding(2, 'src', sT) +
      kernel.binding +
      kernel.helpers +
      entry(`
  let r = info[1];
  let size = info[2u + r + 3u * (r + 1u)];
  let step = info[3u + r + 3u * (r + 1u)];
  let k = index[at(i, 1u)];
  if (k < 0 || u32(k) >= size) {
    fault(${reportIndex(op)}, k, size);
    return;
  }
  let p = at(i, 0u) + u32(k) * step;
  let v = src[at(i, 2u)];
  ${kernel.write}`),
    [
      ...viewsHeader(index.shape, [withoutDim({ strides, offset: 0 }, dim), index, src]),
      outShape[dim]!,
      strides[dim]!,
    ],
    [index.storage, src.storage, out, ctx.faults],
    sizeOf(index.shape),
  );
}

export function indexSelect(x: GpuView, dim: number, index: GpuView, outDtype: DType): GpuStorage {
  const count = sizeOf(index.shape);
  const outShape = x.shape.map((s, d) => (d === dim ? count : s));
  // The 1-D index is walked along dim only.
  const idx = { strides: outShape.map((_, d) => (d === dim ? index.strides[0]! : 0)), offset: index.offset };
  return pickAlong('indexSelect', x, dim, index, idx, outShape, outDtype);
}

// out[i] = x[at(i, 0) + index[at(i, 1)] · stride of dim], where view 0 walks x without dim (its
// stride 0) and view 1 is `walk`, the index as it steps through the output: gather and indexSelect
// differ only there.
function pickAlong(
  op: 'gather' | 'indexSelect',
  x: GpuView,
  dim: number,
  index: GpuView,
  walk: { readonly strides: readonly number[]; readonly offset: number },
  outShape: readonly number[],
  outDtype: DType,
): GpuStorage {
  const ctx = contextOf(x);
  const n = sizeOf(outShape);
  const out = allocateGpu(ctx, outDtype, n, op);
  const xT = wgslType(x.storage.dtype, op);
  const outT = wgslType(outDtype, op);
  launch(
    ctx,
    `${op}:${xT}:${outT}`,
    () =>
      HEADER +
      VIEWS +
      checks(4) +
      binding(1, 'x', xT) +
      binding(2, 'index', 'i32') +
      binding(3, 'out', outT, 'read_write') +
      entry(`
  let r = info[1];
  let size = info[2u + r + 2u * (r + 1u)];
  let step = info[3u + r + 2u * (r + 1u)];
  let k = index[at(i, 1u)];
  if (k < 0 || u32(k) >= size) {
    fault(${reportIndex(op)}, k, size);
    out[i] = ${outT === 'f32' ? 'nan()' : '0'};
    return;
  }
  out[i] = ${outT}(x[at(i, 0u) + u32(k) * step]);`),
    [...viewsHeader(outShape, [withoutDim(x, dim), walk]), x.shape[dim]!, x.strides[dim]!],
    [x.storage, index.storage, out, ctx.faults],
    n,
  );
  return out;
}

// A view's walk with `dim` stepped by 0: the kernel adds the picked index's offset along it.
function withoutDim(view: { readonly strides: readonly number[]; readonly offset: number }, dim: number) {
  return { strides: view.strides.map((s, d) => (d === dim ? 0 : s)), offset: view.offset };
}
