// The GPU's float32 peak, measured the way the wasm probe measures the CPU's: a WGSL loop whose
// independent vec4 accumulators stay in registers and take one fused multiply-add each per step.
// Nothing is loaded or stored in the loop, so it runs at the rate the GPU retires FMAs: the
// ceiling the matmul target divides by (issue 13: a 4096² matmul at ≥ 50% of it).

/** Independent vec4 accumulators per invocation: enough to hide an FMA's latency on every GPU we know. */
export const GPU_ACCUMULATORS = 8;

/** Loop steps per invocation; a constant in the shader so the compiler can unroll the loop. */
export const GPU_STEPS = 1024;

const WORKGROUP = 256;

/** FLOPs one invocation does: every accumulator, every step, four lanes, an FMA (2 FLOPs) each. */
export const FLOPS_PER_INVOCATION = GPU_STEPS * GPU_ACCUMULATORS * 4 * 2;

/**
 * The probe shader's WGSL. `acc = fma(acc, 0.99, 0.01)` converges to 1, so nothing overflows or goes
 * denormal; the sum is stored only when it equals an impossible value, which keeps the work
 * observable without a store per invocation.
 *
 * @example
 * ```ts
 * gpuProbeWgsl().includes('fma('); // true
 * ```
 */
export function gpuProbeWgsl(): string {
  const accs = Array.from({ length: GPU_ACCUMULATORS }, (_, i) => `a${i}`);
  return `
@group(0) @binding(0) var<storage, read_write> sink: array<f32>;
@group(0) @binding(1) var<uniform> never: vec4<f32>;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let m = vec4<f32>(0.99);
  let c = vec4<f32>(0.01);
  let seed = f32(id.x % 97u) * 0.001;
${accs.map((a, i) => `  var ${a} = vec4<f32>(seed + ${i}.0);`).join('\n')}
  for (var i = 0u; i < ${GPU_STEPS}u; i++) {
${accs.map((a) => `    ${a} = fma(${a}, m, c);`).join('\n')}
  }
  let s = ${accs.join(' + ')};
  if (s.x + s.y + s.z + s.w == never.x) { sink[0] = s.x; }
}`;
}

/** What the probe measured: the best sustained rate over calls that each ran at least `minCallMs`. */
export interface GpuPeak {
  readonly gflops: number;
  /** Invocations per dispatch the rate was measured at. */
  readonly invocations: number;
  readonly calls: number;
}

/**
 * Measures the device's float32 FMA peak in GFLOP/s: grows the dispatch until one call takes
 * `minCallMs` (so launch cost is negligible), then times calls for `timedMs`, each ended by
 * `onSubmittedWorkDone`, and reports the fastest.
 *
 * @example
 * ```ts
 * const device = await adapter.requestDevice();
 * const { gflops } = await measureGpuPeak(device);
 * ```
 */
export async function measureGpuPeak(device: GPUDevice, minCallMs = 20, timedMs = 1000): Promise<GpuPeak> {
  const module = device.createShaderModule({ code: gpuProbeWgsl() });
  const pipeline = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const sink = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
  const never = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(never, 0, new Float32Array([-1, -1, -1, -1]));
  const bind = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: sink } },
      { binding: 1, resource: { buffer: never } },
    ],
  });
  const call = async (groups: number): Promise<number> => {
    const encoder = device.createCommandEncoder();
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    // Two dimensions (one is capped at 65,535 workgroups); groups is a power of two, so x divides it.
    const x = Math.min(groups, 32768);
    pass.dispatchWorkgroups(x, groups / x);
    pass.end();
    const start = performance.now();
    device.queue.submit([encoder.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - start;
  };
  let groups = 1;
  await call(groups); // compiles the pipeline
  while ((await call(groups)) < minCallMs && groups < 32768 * 1024) groups *= 2;
  const invocations = groups * WORKGROUP;
  let best = Number.POSITIVE_INFINITY;
  let calls = 0;
  const start = performance.now();
  do {
    best = Math.min(best, await call(groups));
    calls++;
  } while (performance.now() - start < timedMs || calls < 3);
  sink.destroy();
  never.destroy();
  return { gflops: (invocations * FLOPS_PER_INVOCATION) / (best * 1e6), invocations, calls };
}

/**
 * `measureGpuPeak` on a device of its own from `gpu` (the adapter the other work runs on, asked
 * again), destroyed after: the probe's buffers and pipeline never share a device with the engine.
 *
 * @example
 * ```ts
 * const { gflops } = await measurePeakOn((await nodeGpu()).gpu);
 * ```
 */
export async function measurePeakOn(gpu: GPU, timedMs = 1000): Promise<GpuPeak> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('webgpu: the peak probe found no adapter');
  const device = await adapter.requestDevice();
  try {
    return await measureGpuPeak(device, 20, timedMs);
  } finally {
    device.destroy();
  }
}
