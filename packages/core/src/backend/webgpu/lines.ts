import type { DType } from '../../dtype.js';
import { contiguousStrides, sizeOf } from '../../shape.js';
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

// Kernels along one dim: running sums and products (one thread per line, in order, as the cpu
// kernel adds), and sorting (one thread per element, which counts the elements of its line that
// sort before it: O(n²) per line, but parallel and stable without a merge network).

const without = <T>(list: readonly T[], dim: number) => list.filter((_, d) => d !== dim);

export function cumulative(
  op: 'sum' | 'prod',
  x: GpuView,
  dim: number,
  reverse: boolean,
  outDtype: DType,
): GpuStorage {
  const ctx = contextOf(x);
  const out = allocateGpu(ctx, outDtype, sizeOf(x.shape), 'cumulative');
  const xT = wgslType(x.storage.dtype, 'cumulative');
  const outT = wgslType(outDtype, 'cumulative');
  const outStrides = contiguousStrides(x.shape);
  const outer = without(x.shape, dim);
  const length = x.shape[dim]!;
  launch(
    ctx,
    `cumulative:${op}:${xT}:${outT}`,
    () =>
      HEADER +
      VIEWS +
      binding(1, 'x', xT) +
      binding(2, 'out', outT, 'read_write') +
      entry(`
  let r = info[1];
  let tail = 2u + r + 2u * (r + 1u);
  let length = info[tail];
  let step = info[tail + 1u];
  let outStep = info[tail + 2u];
  let reverse = info[tail + 3u] == 1u;
  let xBase = at(i, 0u);
  let outBase = at(i, 1u);
  var acc = ${outT}(${op === 'sum' ? 0 : 1});
  for (var j = 0u; j < length; j++) {
    let k = select(j, length - 1u - j, reverse);
    acc = acc ${op === 'sum' ? '+' : '*'} ${outT}(x[xBase + k * step]);
    out[outBase + k * outStep] = acc;
  }`),
    [
      ...viewsHeader(outer, [
        { strides: without(x.strides, dim), offset: x.offset },
        { strides: without(outStrides, dim), offset: 0 },
      ]),
      length,
      x.strides[dim]!,
      outStrides[dim]!,
      reverse ? 1 : 0,
    ],
    [x.storage, out],
    sizeOf(outer),
  );
  return out;
}

export function argsort(x: GpuView, dim: number, descending: boolean): GpuStorage {
  const ctx = contextOf(x);
  const n = sizeOf(x.shape);
  const out = allocateGpu(ctx, 'int32', n, 'argsort');
  const xT = wgslType(x.storage.dtype, 'argsort');
  const outStrides = contiguousStrides(x.shape);
  const zeroAt = (strides: readonly number[]) => strides.map((s, d) => (d === dim ? 0 : s));
  // Views over x's shape: the element, its line's start in x and in out, and its position j.
  const views = [
    x,
    { strides: zeroAt(x.strides), offset: x.offset },
    { strides: zeroAt(outStrides), offset: 0 },
    { strides: x.shape.map((_, d) => (d === dim ? 1 : 0)), offset: 0 },
  ];
  // k sorts before j: NaN above every number (first when descending), ties by position.
  const order = descending ? 'vk > vj' : 'vk < vj';
  launch(
    ctx,
    `argsort:${xT}:${descending}`,
    () =>
      HEADER +
      VIEWS +
      binding(1, 'x', xT) +
      binding(2, 'out', 'i32', 'read_write') +
      // By its bits: compilers may fold v != v to false, assuming no NaN.
      (xT === 'f32'
        ? 'fn isNan(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }\n'
        : 'fn isNan(v: i32) -> bool { return false; }\n') +
      entry(`
  let r = info[1];
  let tail = 2u + r + 4u * (r + 1u);
  let length = info[tail];
  let step = info[tail + 1u];
  let outStep = info[tail + 2u];
  let vj = x[at(i, 0u)];
  let nanJ = isNan(vj);
  let xBase = at(i, 1u);
  let j = at(i, 3u);
  var rank = 0u;
  for (var k = 0u; k < length; k++) {
    let vk = x[xBase + k * step];
    let nanK = isNan(vk);
    let tie = (nanK && nanJ) || (!nanK && !nanJ && vk == vj);
    let before = select(${descending ? 'nanK && !nanJ' : 'nanJ && !nanK'}, !nanK && !nanJ && ${order}, !nanK && !nanJ);
    if (before || (tie && k < j)) { rank += 1u; }
  }
  out[at(i, 2u) + rank * outStep] = i32(j);`),
    [...viewsHeader(x.shape, views), x.shape[dim]!, x.strides[dim]!, outStrides[dim]!],
    [x.storage, out],
    n,
  );
  return out;
}
