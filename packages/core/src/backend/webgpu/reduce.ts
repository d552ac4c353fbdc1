import type { DType } from '../../dtype.js';
import { IndexError, ValueError } from '../../errors.js';
import { sizeOf } from '../../shape.js';
import type { ReduceOp } from '../backend.js';
import { WORKGROUP } from './context.js';
import type { GpuStorage } from './storage.js';
import {
  allocateGpu,
  binding,
  contextOf,
  entry,
  type GpuView,
  HEADER,
  launch,
  nanTest,
  VIEWS,
  viewsHeader,
  wgslType,
} from './wgsl.js';

// Reductions: one workgroup per output element. Its threads stride over the reduced elements, then
// combine their partial results through workgroup memory in a tree, so a sum over many elements is
// parallel and rounds far less than one running f32 sum would.

// Reductions over at most this many elements take one thread per output.
const SHORT = 64;

const COMBINE: Record<ReduceOp, string> = {
  sum: 'a + b',
  // NaN wins, as PyTorch's max and min (a + b is NaN when either is).
  max: 'select(select(b, a, a > b), a + b, isNanT(a) || isNanT(b))',
  min: 'select(select(b, a, a < b), a + b, isNanT(a) || isNanT(b))',
};

function initial(op: ReduceOp, T: 'f32' | 'i32'): string {
  if (op === 'sum') return `${T}(0)`;
  if (T === 'i32') return op === 'max' ? 'i32(-2147483647 - 1)' : 'i32(2147483647)';
  return op === 'max' ? '-infinity()' : 'infinity()';
}

// The offset of element j of the reduced block whose header starts at info[base]: rank, shape, strides.
const REDUCED = /* wgsl */ `
fn red(j: u32, base: u32) -> u32 {
  let r = info[base];
  var rem = j;
  var off = 0u;
  var d = r;
  loop {
    if (d == 0u) { break; }
    d -= 1u;
    let s = info[base + 1u + d];
    off += (rem % s) * info[base + 1u + r + d];
    rem /= s;
  }
  return off;
}
`;

export function reduce(op: ReduceOp, x: GpuView, dims: readonly number[], outDtype: DType): GpuStorage {
  const ctx = contextOf(x);
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const redShape: number[] = [];
  const redStrides: number[] = [];
  x.shape.forEach((size, d) => {
    if (dims.includes(d)) {
      redShape.push(size);
      redStrides.push(x.strides[d]!);
    } else {
      keptShape.push(size);
      keptStrides.push(x.strides[d]!);
    }
  });
  const outSize = sizeOf(keptShape);
  const group = sizeOf(redShape);
  if (outSize > 0 && group === 0 && op !== 'sum')
    throw new ValueError(`${op}: cannot reduce over a zero-size dim`);
  const out = allocateGpu(ctx, outDtype, outSize, op);
  const inT = wgslType(x.storage.dtype, op);
  const T = wgslType(outDtype, op);
  const header = viewsHeader(keptShape, [{ strides: keptStrides, offset: x.offset }]);
  const meta = [...header, redShape.length, ...redShape, ...redStrides, group];
  // A short reduction (a pooling window, a batch of a few rows) is one thread per output: a
  // workgroup per output would leave most of its threads idle.
  if (group <= SHORT) {
    launch(
      ctx,
      `reduceShort:${op}:${inT}:${T}`,
      () =>
        HEADER +
        VIEWS +
        REDUCED +
        binding(1, 'x', inT) +
        binding(2, 'out', T, 'read_write') +
        nanTest(T) +
        `fn combine(a: ${T}, b: ${T}) -> ${T} { return ${COMBINE[op]}; }\n` +
        entry(`
  let r = info[1];
  let base = 2u + r + r + 1u;
  let count = info[base + 1u + 2u * info[base]];
  let start = at(i, 0u);
  var acc = ${initial(op, T)};
  for (var j = 0u; j < count; j++) { acc = combine(acc, ${T}(x[start + red(j, base)])); }
  out[i] = acc;`),
      meta,
      [x.storage, out],
      outSize,
    );
    return out;
  }
  launch(
    ctx,
    `reduce:${op}:${inT}:${T}`,
    () => /* wgsl */ `${HEADER}${VIEWS}${REDUCED}${binding(1, 'x', inT)}${binding(2, 'out', T, 'read_write')}
var<workgroup> part: array<${T}, ${WORKGROUP}>;
${nanTest(T)}fn combine(a: ${T}, b: ${T}) -> ${T} { return ${COMBINE[op]}; }
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) w: vec3u, @builtin(num_workgroups) nw: vec3u, @builtin(local_invocation_index) l: u32) {
  let o = w.y * nw.x + w.x;
  if (o >= info[0]) { return; }
  let r = info[1];
  let base = 2u + r + r + 1u;
  let count = info[base + 1u + 2u * info[base]];
  let start = at(o, 0u);
  var acc = ${initial(op, T)};
  for (var j = l; j < count; j += ${WORKGROUP}u) { acc = combine(acc, ${T}(x[start + red(j, base)])); }
  part[l] = acc;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { part[l] = combine(part[l], part[l + s]); }
    workgroupBarrier();
  }
  if (l == 0u) { out[o] = part[0]; }
}`,
    meta,
    [x.storage, out],
    outSize * WORKGROUP,
  );
  return out;
}

export function argReduce(op: 'argmax' | 'argmin', x: GpuView, dim: number): GpuStorage {
  const ctx = contextOf(x);
  const len = x.shape[dim]!;
  if (len === 0) throw new IndexError(`${op}: cannot take ${op} over a zero-size dim`);
  const keptShape = x.shape.filter((_, d) => d !== dim);
  const keptStrides = x.strides.filter((_, d) => d !== dim);
  const outSize = sizeOf(keptShape);
  const out = allocateGpu(ctx, 'int32', outSize, op);
  const inT = wgslType(x.storage.dtype, op);
  const better = op === 'argmax' ? 'v > best' : 'v < best';
  launch(
    ctx,
    `${op}:${inT}`,
    () =>
      HEADER +
      VIEWS +
      binding(1, 'x', inT) +
      binding(2, 'out', 'i32', 'read_write') +
      nanTest(inT) +
      entry(`
  let r = info[1];
  let len = info[2u + r + r + 1u];
  let step = info[3u + r + r + 1u];
  var p = at(i, 0u);
  var best = x[p];
  var k = 0u;
  // The first NaN is the extreme, as PyTorch's argmax/argmin.
  for (var j = 1u; j < len && !isNanT(best); j++) {
    p += step;
    let v = x[p];
    if (${better} || isNanT(v)) { best = v; k = j; }
  }
  out[i] = i32(k);`),
    [...viewsHeader(keptShape, [{ strides: keptStrides, offset: x.offset }]), len, x.strides[dim]!],
    [x.storage, out],
    outSize,
  );
  return out;
}
