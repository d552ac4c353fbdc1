import type { DType } from '../../dtype.js';
import { sizeOf } from '../../shape.js';
import type { GpuStorage } from './storage.js';
import { allocateGpu, binding, contextOf, type GpuView, HEADER, launch, wgslType } from './wgsl.js';

// Batched matrix product tiled through workgroup memory: a workgroup of 16×16 threads computes a
// 64×64 block of the output, each thread a 4×4 patch, loading 64×16 slices of A and 16×64 slices of
// B per step. Operands are read through their strides, so a transposed operand (`x.t()`, the
// backward pass's products) costs no copy. Accumulation is in f32.

const TILE = 64;
const DEPTH = 16;

// Words of the metadata before the batch dims (see matmul below).
const FIXED = 14;

function code(aT: string, bT: string, outT: string, bias: string | null): string {
  const biasTerm = bias === null ? '' : ` + f32(bias[info[12] + col * info[${FIXED}u + 3u * rank]])`;
  return /* wgsl */ `${HEADER}${binding(1, 'xa', aT)}${binding(2, 'xb', bT)}${binding(3, 'out', outT, 'read_write')}${
    bias === null ? '' : binding(4, 'bias', bias)
  }
var<workgroup> As: array<f32, ${TILE * DEPTH}>;
var<workgroup> Bs: array<f32, ${TILE * DEPTH}>;
@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) w: vec3u, @builtin(num_workgroups) nw: vec3u, @builtin(local_invocation_index) l: u32) {
  let M = info[0]; let K = info[1]; let N = info[2];
  let tilesN = info[3]; let tilesM = info[4];
  let aRow = info[5]; let aCol = info[6]; let bRow = info[7]; let bCol = info[8];
  let g = w.y * nw.x + w.x;
  let tn = g % tilesN;
  let tm = (g / tilesN) % tilesM;
  let bt = g / (tilesN * tilesM);
  if (bt >= info[11]) { return; }
  // Offsets of this batch element in A and B from the batch dims' shape and strides.
  let rank = info[13];
  var aBase = info[9];
  var bBase = info[10];
  var rem = bt;
  var d = rank;
  loop {
    if (d == 0u) { break; }
    d -= 1u;
    let s = info[${FIXED}u + d];
    let c = rem % s;
    rem /= s;
    aBase += c * info[${FIXED}u + rank + d];
    bBase += c * info[${FIXED}u + 2u * rank + d];
  }
  let tr = l / 16u;
  let tc = l % 16u;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < K; k0 += ${DEPTH}u) {
    for (var e = 0u; e < 4u; e++) {
      let idx = l + e * 256u;
      let ar = tm * ${TILE}u + idx / ${DEPTH}u;
      let ak = k0 + idx % ${DEPTH}u;
      var av = 0.0;
      if (ar < M && ak < K) { av = f32(xa[aBase + ar * aRow + ak * aCol]); }
      As[idx] = av;
      let bk = k0 + idx / ${TILE}u;
      let bc = tn * ${TILE}u + idx % ${TILE}u;
      var bv = 0.0;
      if (bk < K && bc < N) { bv = f32(xb[bBase + bk * bRow + bc * bCol]); }
      Bs[idx] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < ${DEPTH}u; kk++) {
      let a0 = As[(tr * 4u) * ${DEPTH}u + kk];
      let a1 = As[(tr * 4u + 1u) * ${DEPTH}u + kk];
      let a2 = As[(tr * 4u + 2u) * ${DEPTH}u + kk];
      let a3 = As[(tr * 4u + 3u) * ${DEPTH}u + kk];
      let b = vec4f(Bs[kk * ${TILE}u + tc * 4u], Bs[kk * ${TILE}u + tc * 4u + 1u], Bs[kk * ${TILE}u + tc * 4u + 2u], Bs[kk * ${TILE}u + tc * 4u + 3u]);
      for (var j = 0u; j < 4u; j++) {
        acc[j] += a0 * b[j];
        acc[4u + j] += a1 * b[j];
        acc[8u + j] += a2 * b[j];
        acc[12u + j] += a3 * b[j];
      }
    }
    workgroupBarrier();
  }
  let outBase = bt * M * N;
  for (var i = 0u; i < 4u; i++) {
    let row = tm * ${TILE}u + tr * 4u + i;
    if (row >= M) { break; }
    for (var j = 0u; j < 4u; j++) {
      let col = tn * ${TILE}u + tc * 4u + j;
      if (col >= N) { break; }
      out[outBase + row * N + col] = ${outT}(acc[i * 4u + j]${biasTerm});
    }
  }
}`;
}

export function matmul(a: GpuView, b: GpuView, outDtype: DType, bias?: GpuView): GpuStorage {
  const ctx = contextOf(a);
  const r = a.shape.length;
  const batchShape = a.shape.slice(0, r - 2);
  const m = a.shape[r - 2]!;
  const k = a.shape[r - 1]!;
  const n = b.shape[r - 1]!;
  const batch = sizeOf(batchShape);
  const out = allocateGpu(ctx, outDtype, batch * m * n, 'matmul');
  const aT = wgslType(a.storage.dtype, 'matmul');
  const bT = wgslType(b.storage.dtype, 'matmul');
  const outT = wgslType(outDtype, 'matmul');
  const biasT = bias === undefined ? null : wgslType(bias.storage.dtype, 'matmul');
  const tilesN = Math.ceil(n / TILE);
  const tilesM = Math.ceil(m / TILE);
  const meta = [
    m,
    k,
    n,
    tilesN,
    tilesM,
    a.strides[r - 2]!,
    a.strides[r - 1]!,
    b.strides[r - 2]!,
    b.strides[r - 1]!,
    a.offset,
    b.offset,
    batch,
    bias?.offset ?? 0,
    batchShape.length,
    ...batchShape,
    ...a.strides.slice(0, r - 2),
    ...b.strides.slice(0, r - 2),
    bias?.strides[bias.strides.length - 1] ?? 0,
  ];
  const buffers = [a.storage, b.storage, out];
  if (bias !== undefined) buffers.push(bias.storage);
  if (m * n * batch > 0) {
    launch(
      ctx,
      `matmul:${aT}:${bT}:${outT}:${biasT}`,
      () => code(aT, bT, outT, biasT),
      meta,
      buffers,
      tilesN * tilesM * batch * 256,
    );
  }
  return out;
}
