import type { DType } from '../../dtype.js';
import type { GpuContext } from './context.js';
import type { GpuBufferHandle } from './gpu-types.js';

// A buffer goes back to its context's pool when the storage that owns it is garbage-collected:
// tensors on the GPU need no dispose(), as tensors on the CPU need none.
let registry: FinalizationRegistry<{ context: GpuContext; buffer: GpuBufferHandle }> | null = null;

/**
 * A tensor's elements in a WebGPU buffer: `length` elements of `dtype` (float32, int32, or bool held
 * as int32 0/1) from the buffer's start. A Tensor whose `storage` is one of these has
 * `device === 'webgpu'`.
 *
 * @example
 * ```ts
 * const s = tensor([1, 2, 3]).to('webgpu').storage as GpuStorage;
 * s.length; // 3
 * ```
 */
export class GpuStorage {
  /** Always `'webgpu'`: a Tensor reads its device from its storage. */
  readonly device = 'webgpu' as const;
  /** The buffer holding the elements (possibly larger: buffers come from a pool in size steps). */
  readonly buffer: GpuBufferHandle;
  /** Element type. */
  readonly dtype: DType;
  /** Number of elements. */
  readonly length: number;
  /** The device context the buffer belongs to. */
  readonly context: GpuContext;

  constructor(context: GpuContext, dtype: DType, length: number) {
    this.context = context;
    this.dtype = dtype;
    this.length = length;
    this.buffer = context.acquire(length * 4);
    registry ??= new FinalizationRegistry((held) => held.context.release(held.buffer));
    registry.register(this, { context, buffer: this.buffer });
  }
}
