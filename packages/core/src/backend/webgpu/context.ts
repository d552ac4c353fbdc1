import { BackpropError } from '../../errors.js';
import { faultError } from './faults.js';
import {
  BUFFER_USAGE,
  type GpuBufferHandle,
  type GpuComputePass,
  type GpuDeviceHandle,
  type GpuEncoder,
  type GpuPipelineHandle,
  MAP_READ,
} from './gpu-types.js';

/** Threads per workgroup of every elementwise-style kernel (WGSL code uses the same constant). */
export const WORKGROUP = 256;

// Dispatches recorded before the batch is submitted: enough to amortize a submit, few enough that the
// GPU starts early on a long graph.
const BATCH = 128;
// Words of kernel metadata (shapes, strides, scalars) one batch can hold before it must be submitted.
const ARENA_WORDS = 1 << 16;
const STORAGE_USAGE = BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST;

/**
 * One WebGPU device as the backend uses it: compiled pipelines, the command encoder of the batch
 * being recorded, a metadata arena, and a pool of storage buffers.
 *
 * Buffers are never destroyed while a tensor may still read them: a tensor's buffer returns to the
 * pool when the tensor is garbage-collected, and becomes reusable only after the batch recorded so
 * far is submitted, so no queued command ever sees it overwritten (uploads through `writeBuffer`
 * run ahead of the commands still being recorded).
 */
export class GpuContext {
  readonly device: GpuDeviceHandle;
  private readonly pipelines = new Map<string, GpuPipelineHandle>();
  private readonly free = new Map<number, GpuBufferHandle[]>();
  private released: GpuBufferHandle[] = [];
  private encoder: GpuEncoder | null = null;
  private pass: GpuComputePass | null = null;
  private dispatches = 0;
  private readonly arena: GpuBufferHandle;
  /** Fault words kernels set when they meet a bad index (see faults.ts); checked at every read. */
  readonly faults: { readonly buffer: GpuBufferHandle };
  private readonly staged = new Uint32Array(ARENA_WORDS);
  private used = 0;
  private readonly align: number;
  private readonly maxGroups: number;
  /** Set when the device was lost: every later call names the reason instead of failing obscurely. */
  lostReason: string | null = null;
  // The first WebGPU error the device raised (a kernel that failed to compile or to bind): such a
  // kernel writes nothing, so the next read throws it rather than return stale numbers.
  private deviceError: string | null = null;

  constructor(device: GpuDeviceHandle) {
    this.device = device;
    this.align = device.limits.minStorageBufferOffsetAlignment / 4;
    this.maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    this.arena = device.createBuffer({
      size: ARENA_WORDS * 4,
      usage: BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_DST,
    });
    this.faults = { buffer: device.createBuffer({ size: 16, usage: STORAGE_USAGE }) };
    const onError = (event: { error?: { message?: string } }): void => {
      this.deviceError ??= event.error?.message ?? 'an unknown WebGPU error';
    };
    if (device.addEventListener !== undefined) device.addEventListener('uncapturederror', onError);
    else device.onuncapturederror = onError;
    void device.lost.then((info) => {
      this.lostReason = info.message || 'the device was lost';
    });
  }

  /** A storage buffer of at least `bytes` bytes, from the pool when one is free. */
  acquire(bytes: number): GpuBufferHandle {
    const size = bucket(bytes);
    const list = this.free.get(size);
    const reused = list?.pop();
    if (reused !== undefined) return reused;
    if (size > this.device.limits.maxStorageBufferBindingSize) {
      throw new BackpropError(
        `webgpu: a tensor of ${bytes} bytes exceeds this device's largest storage binding (${this.device.limits.maxStorageBufferBindingSize} bytes)`,
      );
    }
    return this.device.createBuffer({ size, usage: STORAGE_USAGE });
  }

  /**
   * Writes host values to the start of a buffer from `acquire`. Safe ahead of the recorded batch:
   * a pooled buffer was last used by a batch already submitted (see release).
   */
  upload(buffer: GpuBufferHandle, data: ArrayBufferView): void {
    this.checkAlive();
    if (data.byteLength > 0) this.device.queue.writeBuffer(buffer, 0, data);
  }

  /** Returns a buffer no tensor holds any more; reusable once the recorded batch is submitted. */
  release(buffer: GpuBufferHandle): void {
    this.released.push(buffer);
  }

  /** The compute pipeline of `key`, compiling `code()` the first time. */
  pipeline(key: string, code: () => string): GpuPipelineHandle {
    let p = this.pipelines.get(key);
    if (p === undefined) {
      const module = this.device.createShaderModule({ code: code() });
      p = this.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /**
   * Records one dispatch of `pipeline` over `threads` threads (in workgroups of WORKGROUP, or
   * `groups` workgroups when given): binding 0 is `meta` (u32 words), bindings 1.. are `buffers`.
   */
  dispatch(
    pipeline: GpuPipelineHandle,
    meta: ArrayLike<number>,
    buffers: readonly GpuBufferHandle[],
    groups: number,
  ): void {
    if (groups === 0) return;
    this.checkAlive();
    if (this.used + meta.length + this.align > ARENA_WORDS) this.flush();
    const at = this.used;
    this.staged.set(meta, at);
    this.used = at + Math.ceil(Math.max(meta.length, 1) / this.align) * this.align;
    const entries = [
      { binding: 0, resource: { buffer: this.arena, offset: at * 4, size: Math.max(meta.length, 1) * 4 } },
    ];
    for (let i = 0; i < buffers.length; i++)
      entries.push({ binding: i + 1, resource: { buffer: buffers[i]!, offset: 0, size: buffers[i]!.size } });
    const bindGroup = this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    // Beyond the per-dimension limit, workgroups spread over y; kernels rebuild the flat id.
    const x = Math.min(groups, this.maxGroups);
    pass.dispatchWorkgroups(x, Math.ceil(groups / x));
    if (++this.dispatches >= BATCH) this.flush();
  }

  /** Records a copy of `bytes` bytes between buffers (ends the open compute pass). */
  copy(
    src: GpuBufferHandle,
    srcOffset: number,
    dst: GpuBufferHandle,
    dstOffset: number,
    bytes: number,
  ): void {
    this.checkAlive();
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
  }

  /** Submits everything recorded so far; buffers released before now become reusable. */
  flush(): void {
    this.endPass();
    if (this.encoder !== null) {
      if (this.used > 0) this.device.queue.writeBuffer(this.arena, 0, this.staged, 0, this.used);
      this.device.queue.submit([this.encoder.finish()]);
      this.encoder = null;
    }
    this.used = 0;
    this.dispatches = 0;
    for (const b of this.released) {
      const list = this.free.get(b.size);
      if (list === undefined) this.free.set(b.size, [b]);
      else list.push(b);
    }
    this.released = [];
  }

  /** Copies `bytes` bytes of `src` from `offset` back to the host once the queued work is done. */
  async read(src: GpuBufferHandle, offset: number, bytes: number): Promise<ArrayBuffer> {
    const size = Math.ceil(bytes / 4) * 4;
    // The fault words travel with the data: a fault recorded by any kernel so far is thrown here.
    const staging = this.device.createBuffer({
      size: size + 16,
      usage: BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST,
    });
    if (size > 0) this.copy(src, offset, staging, 0, size);
    this.copy(this.faults.buffer, 0, staging, size, 16);
    this.flush();
    try {
      await staging.mapAsync(MAP_READ);
      this.checkAlive();
      const mapped = staging.getMappedRange(0, size + 16);
      if (this.deviceError !== null) {
        const message = this.deviceError;
        this.deviceError = null;
        throw new BackpropError(
          `webgpu: a kernel failed, so results computed since the last read are not valid: ${message}`,
        );
      }
      const fault = faultError(new Uint32Array(mapped, size, 4));
      if (fault !== null) {
        this.device.queue.writeBuffer(this.faults.buffer, 0, new Uint32Array(4));
        throw fault;
      }
      return mapped.slice(0, bytes);
    } finally {
      staging.destroy();
    }
  }

  /** Workgroups for `threads` threads at WORKGROUP per group. */
  groupsFor(threads: number): number {
    return Math.ceil(threads / WORKGROUP);
  }

  private computePass(): GpuComputePass {
    if (this.pass === null) this.pass = this.commandEncoder().beginComputePass();
    return this.pass;
  }

  private commandEncoder(): GpuEncoder {
    if (this.encoder === null) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass !== null) {
      this.pass.end();
      this.pass = null;
    }
  }

  private checkAlive(): void {
    if (this.lostReason !== null) {
      throw new BackpropError(
        `webgpu: the GPU device was lost (${this.lostReason}); call initWebGPU() again`,
      );
    }
  }
}

// Buffer sizes in steps that keep the pool's buckets few: multiples of 256 bytes up to 64 KiB, then
// eighths of a power of two (at most 12.5% unused).
function bucket(bytes: number): number {
  const b = Math.max(bytes, 4);
  if (b <= 65536) return Math.ceil(b / 256) * 256;
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}
