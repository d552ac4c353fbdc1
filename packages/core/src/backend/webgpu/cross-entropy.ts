import type { DType } from '../../dtype.js';
import { WORKGROUP } from './context.js';
import { checks, reportIndex } from './faults.js';
import type { GpuStorage } from './storage.js';
import { allocateGpu, binding, contextOf, type GpuView, HEADER, launch, wgslType } from './wgsl.js';

// Cross-entropy rows: one workgroup per row of the [N, C] logits. The threads find the row's max,
// then the sum of exp(x − max) through workgroup memory, so a row of a vocabulary's width costs
// C / 256 steps per thread. A row is shifted by its max, or by 0 when the max is infinite, as the
// cpu kernel does. A target out of range is recorded as a fault (see faults.ts) and gives NaN.
// Words: N, C, logits offset, row stride, column stride, target offset, target stride, then (for
// the gradient) dy's offset and stride.

function rowCode(xT: string, outT: string, grad: boolean): string {
  const dyBinding = grad ? binding(3, 'dy', 'f32') : '';
  const outBinding = binding(grad ? 4 : 3, 'out', outT, 'read_write');
  const finish = grad
    ? `
  let lse = shift + log(part[0]);
  let scale = dy[info[7] + row * info[8]];
  for (var j = l; j < C; j += ${WORKGROUP}u) {
    let hot = select(0.0, 1.0, i32(j) == t);
    out[row * C + j] = ${outT}((exp(value(row, j) - lse) - hot) * scale);
  }`
    : `
  if (l == 0u) { out[row] = ${outT}(shift + log(part[0]) - value(row, u32(t))); }`;
  return /* wgsl */ `${HEADER}${binding(1, 'x', xT)}${binding(2, 'targets', 'i32')}${dyBinding}${outBinding}${checks(grad ? 5 : 4)}
var<workgroup> part: array<f32, ${WORKGROUP}>;
fn value(row: u32, j: u32) -> f32 { return f32(x[info[2] + row * info[3] + j * info[4]]); }
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) w: vec3u, @builtin(num_workgroups) nw: vec3u, @builtin(local_invocation_index) l: u32) {
  let row = w.y * nw.x + w.x;
  if (row >= info[0]) { return; }
  let C = info[1];
  var m = -infinity();
  for (var j = l; j < C; j += ${WORKGROUP}u) {
    let v = value(row, j);
    m = select(m, v, v > m || isNanF(v));
  }
  part[l] = m;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { let a = part[l]; let b = part[l + s]; part[l] = select(a, b, b > a || isNanF(b)); }
    workgroupBarrier();
  }
  let top = part[0];
  let shift = select(0.0, top, abs(top) < infinity());
  workgroupBarrier();
  var sum = 0.0;
  for (var j = l; j < C; j += ${WORKGROUP}u) { sum += exp(value(row, j) - shift); }
  part[l] = sum;
  workgroupBarrier();
  for (var s = ${WORKGROUP / 2}u; s > 0u; s >>= 1u) {
    if (l < s) { part[l] += part[l + s]; }
    workgroupBarrier();
  }
  let t = targets[info[5] + row * info[6]];
  if (t < 0 || u32(t) >= C) {
    if (l == 0u) { fault(${reportIndex('crossEntropy')}, t, C); }
    for (var j = l; j < ${grad ? 'C' : '1u'}; j += ${WORKGROUP}u) { out[${grad ? 'row * C + j' : 'row'}] = ${outT}(nan()); }
    return;
  }${finish}
}`;
}

function rowMeta(logits: GpuView, target: GpuView): number[] {
  return [
    logits.shape[0]!,
    logits.shape[1]!,
    logits.offset,
    logits.strides[0]!,
    logits.strides[1]!,
    target.offset,
    target.strides[0] ?? 0,
  ];
}

export function crossEntropy(logits: GpuView, target: GpuView, outDtype: DType): GpuStorage {
  const ctx = contextOf(logits);
  const n = logits.shape[0]!;
  const out = allocateGpu(ctx, outDtype, n, 'crossEntropy');
  const xT = wgslType(logits.storage.dtype, 'crossEntropy');
  const outT = wgslType(outDtype, 'crossEntropy');
  launch(
    ctx,
    `crossEntropy:${xT}:${outT}`,
    () => rowCode(xT, outT, false),
    rowMeta(logits, target),
    [logits.storage, target.storage, out, ctx.faults],
    n * WORKGROUP,
  );
  return out;
}

export function crossEntropyGrad(logits: GpuView, target: GpuView, dy: GpuView, outDtype: DType): GpuStorage {
  const ctx = contextOf(logits);
  const [n, c] = logits.shape as [number, number];
  const out = allocateGpu(ctx, outDtype, n * c, 'crossEntropy');
  const xT = wgslType(logits.storage.dtype, 'crossEntropy');
  const outT = wgslType(outDtype, 'crossEntropy');
  wgslType(dy.storage.dtype, 'crossEntropy');
  launch(
    ctx,
    `crossEntropyGrad:${xT}:${outT}`,
    () => rowCode(xT, outT, true),
    [...rowMeta(logits, target), dy.offset, dy.strides[0] ?? 0],
    [logits.storage, target.storage, dy.storage, out, ctx.faults],
    n * WORKGROUP,
  );
  return out;
}
