// The part of the WebGPU API this backend calls, declared here rather than through @webgpu/types so
// that core's published types add no global declarations and need no extra package. Real
// `GPUAdapter`/`GPUDevice` objects (browser or the npm `webgpu` package) are structurally these.

/** Usage flags of `GPUBufferUsage` (numeric, as the WebGPU spec fixes them). */
export const BUFFER_USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, STORAGE: 0x80 } as const;
/** `GPUMapMode.READ`. */
export const MAP_READ = 0x1;

/** A WebGPU buffer (the members backprop uses). */
export interface GpuBufferHandle {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<undefined>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): undefined;
  destroy(): undefined;
}

/** A compiled compute pipeline. */
export interface GpuPipelineHandle {
  getBindGroupLayout(index: number): unknown;
}

/** A compute pass being recorded. */
export interface GpuComputePass {
  setPipeline(pipeline: GpuPipelineHandle): undefined;
  setBindGroup(index: number, bindGroup: unknown): undefined;
  dispatchWorkgroups(x: number, y?: number, z?: number): undefined;
  end(): undefined;
}

/** A command encoder. */
export interface GpuEncoder {
  beginComputePass(): GpuComputePass;
  copyBufferToBuffer(
    src: GpuBufferHandle,
    srcOffset: number,
    dst: GpuBufferHandle,
    dstOffset: number,
    size: number,
  ): undefined;
  finish(): unknown;
}

/** A bind group entry: one buffer, or a window of it. */
export interface GpuBindingEntry {
  binding: number;
  resource: { buffer: GpuBufferHandle; offset?: number; size?: number };
}

/** A device's queue. */
export interface GpuQueueHandle {
  submit(commandBuffers: unknown[]): undefined;
  writeBuffer(
    buffer: GpuBufferHandle,
    offset: number,
    data: ArrayBufferView,
    dataOffset?: number,
    size?: number,
  ): undefined;
  onSubmittedWorkDone(): Promise<undefined>;
}

/** The limits backprop reads. */
export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly minStorageBufferOffsetAlignment: number;
  readonly maxStorageBuffersPerShaderStage: number;
}

/** A WebGPU device (`GPUDevice`), the members backprop uses. */
export interface GpuDeviceHandle {
  /** The limits the device was created with. */
  readonly limits: GpuLimits;
  /** The queue work is submitted to. */
  readonly queue: GpuQueueHandle;
  /** Resolves when the device is lost. */
  readonly lost: Promise<{
    /** Why. */
    readonly message: string;
  }>;
  /** Makes a buffer. */
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBufferHandle;
  /** Compiles WGSL. */
  createShaderModule(descriptor: { code: string }): unknown;
  /** Makes a compute pipeline. */
  createComputePipeline(descriptor: {
    layout: 'auto';
    compute: { module: unknown; entryPoint: string };
  }): GpuPipelineHandle;
  /** Binds buffers for a dispatch. */
  createBindGroup(descriptor: { layout: unknown; entries: GpuBindingEntry[] }): unknown;
  /** Starts recording commands. */
  createCommandEncoder(): GpuEncoder;
  /** Listens for errors no error scope caught (browsers and Dawn). */
  addEventListener?(
    type: 'uncapturederror',
    listener: (event: { error?: { message?: string } }) => void,
  ): undefined;
  /** The same, as a handler property. */
  onuncapturederror?: ((event: { error?: { message?: string } }) => void) | null;
}

/** A WebGPU adapter (`GPUAdapter`), the members backprop uses. */
export interface GpuAdapterHandle {
  /** The most the adapter can give. */
  readonly limits: GpuLimits;
  /** Makes a device. */
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<GpuDeviceHandle>;
}

/** `navigator.gpu`. */
export interface GpuEntry {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<GpuAdapterHandle | null>;
}
