import { float64Error } from '../../device.js';
import type { DType } from '../../dtype.js';
import type { Shape } from '../../shape.js';
import type { StridedView } from '../backend.js';
import { type GpuContext, WORKGROUP } from './context.js';
import type { GpuBufferHandle } from './gpu-types.js';
import { GpuStorage } from './storage.js';

// Shared pieces of the WGSL kernels. Every kernel binds its metadata (sizes, strides, offsets and
// scalars as u32 words) at binding 0, its inputs next, and its output last. Threads are numbered
// over a 2-D grid of workgroups (see GpuContext.dispatch).

/** A strided view whose elements are in a GPU buffer. */
export type GpuView = StridedView<GpuStorage>;

/** The WGSL element type of a dtype on the GPU (float64 has none; bool is held as i32 0/1). */
export function wgslType(dtype: DType, op: string): 'f32' | 'i32' {
  if (dtype === 'float64') throw float64Error(op);
  return dtype === 'float32' ? 'f32' : 'i32';
}

/** The metadata binding and the thread index of a 1-D kernel. */
export const HEADER = /* wgsl */ `
@group(0) @binding(0) var<storage, read> info: array<u32>;
fn metaF(j: u32) -> f32 { return bitcast<f32>(info[j]); }
// Infinity and NaN made at run time: WGSL refuses them as constants. (info[0] & 0u is 0.)
fn infinity() -> f32 { return bitcast<f32>(0x7f800000u | (info[0] & 0u)); }
fn nan() -> f32 { return bitcast<f32>(0x7fc00000u | (info[0] & 0u)); }
// NaN by its bits: shader compilers may assume no NaN and fold v != v to false (SwiftShader does).
fn isNanF(v: f32) -> bool { return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u; }
`;

/** `isNanT(v)` for element type `T` (an i32 is never NaN), so one expression serves both types. */
export function nanTest(T: 'f32' | 'i32'): string {
  return `fn isNanT(v: ${T}) -> bool { return ${T === 'f32' ? 'isNanF(v)' : 'false'}; }\n`;
}

/** The entry point of a kernel with one thread per element of `info[0]` elements; `i` is the thread's element. */
export function entry(body: string): string {
  return /* wgsl */ `
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(workgroup_id) w: vec3u, @builtin(num_workgroups) nw: vec3u, @builtin(local_invocation_index) l: u32) {
  let i = (w.y * nw.x + w.x) * ${WORKGROUP}u + l;
  if (i >= info[0]) { return; }
  ${body}
}`;
}

/**
 * `at(i, k)`: where element `i` (row-major over the shape in the metadata) of view `k` is in its
 * buffer. Metadata: `[count, rank, shape..., then per view: offset, strides...]`.
 */
export const VIEWS = /* wgsl */ `
fn at(i: u32, k: u32) -> u32 {
  let r = info[1];
  let base = 2u + r + k * (r + 1u);
  var rem = i;
  var off = info[base];
  var d = r;
  loop {
    if (d == 0u) { break; }
    d -= 1u;
    let s = info[2u + d];
    off += (rem % s) * info[base + 1u + d];
    rem /= s;
  }
  return off;
}
// Scalar j after the headers of k views, as an f32.
fn param(k: u32, j: u32) -> f32 {
  let r = info[1];
  return metaF(2u + r + k * (r + 1u) + j);
}
`;

const bits = new DataView(new ArrayBuffer(4));

/** The u32 word holding `x` as an f32 (kernels read it back with bitcast). */
export function f32Word(x: number): number {
  bits.setFloat32(0, x, true);
  return bits.getUint32(0, true);
}

/**
 * The `[count, rank, shape..., per view: offset, strides...]` header, with dimensions merged where
 * every view steps through them as one (a dense tensor becomes rank 1) so kernels divide less.
 */
export function viewsHeader(
  shape: Shape,
  views: readonly { strides: readonly number[]; offset: number }[],
): number[] {
  const dims: number[] = [];
  const strides: number[][] = views.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && views.every((v, k) => strides[k]![last] === v.strides[d]! * size)) {
      dims[last]! *= size;
      views.forEach((v, k) => {
        strides[k]![last] = v.strides[d]!;
      });
    } else {
      dims.push(size);
      views.forEach((v, k) => {
        strides[k]!.push(v.strides[d]!);
      });
    }
  }
  let count = 1;
  for (const s of shape) count *= s;
  const out = [count, dims.length, ...dims];
  views.forEach((v, k) => {
    out.push(v.offset, ...strides[k]!);
  });
  return out;
}

/** `view`'s strides read as `shape` by broadcasting: leading dims added, size-1 dims stepped by 0. */
export function broadcastTo(view: GpuView, shape: Shape): { strides: number[]; offset: number } {
  const lead = shape.length - view.shape.length;
  return {
    strides: shape.map((_, d) => (d < lead || view.shape[d - lead] === 1 ? 0 : view.strides[d - lead]!)),
    offset: view.offset,
  };
}

/** A fresh GPU buffer for `length` elements of `dtype`. */
export function allocateGpu(context: GpuContext, dtype: DType, length: number, op: string): GpuStorage {
  wgslType(dtype, op);
  return new GpuStorage(context, dtype, length);
}

/** The context of the views' buffers (all on one device: dispatch checked). */
export function contextOf(view: GpuView): GpuContext {
  return view.storage.context;
}

/** Records one dispatch of the kernel `key` (compiled from `code()` once) over `threads` threads. */
export function launch(
  context: GpuContext,
  key: string,
  code: () => string,
  meta: ArrayLike<number>,
  buffers: readonly { readonly buffer: GpuBufferHandle }[],
  threads: number,
): void {
  context.dispatch(
    context.pipeline(key, code),
    meta,
    buffers.map((b) => b.buffer),
    context.groupsFor(threads),
  );
}

/** `read` (input) or `read_write` (output) storage binding `n` named `name` of element type `type`. */
export function binding(
  n: number,
  name: string,
  type: string,
  access: 'read' | 'read_write' = 'read',
): string {
  return `@group(0) @binding(${n}) var<storage, ${access}> ${name}: array<${type}>;\n`;
}
