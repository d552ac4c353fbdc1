// The GPU probe counts what its shader does and runs on whatever adapter nodeGpu finds (SwiftShader
// in CI, labelled as emulation). Rates are not asserted: they depend on the machine.
import { describe, expect, it } from 'vitest';
import { nodeGpu } from '../node-gpu.js';
import {
  FLOPS_PER_INVOCATION,
  GPU_ACCUMULATORS,
  GPU_STEPS,
  gpuProbeWgsl,
  measureGpuPeak,
} from './gpu-probe.js';

describe('GPU roofline probe', () => {
  it('updates every accumulator with one vec4 FMA per step, and counts 2 FLOPs per lane', () => {
    const wgsl = gpuProbeWgsl();
    expect(wgsl.match(/= fma\(a\d+, m, c\);/g)).toHaveLength(GPU_ACCUMULATORS);
    expect(wgsl).toContain(`i < ${GPU_STEPS}u`);
    expect(FLOPS_PER_INVOCATION).toBe(GPU_STEPS * GPU_ACCUMULATORS * 4 * 2);
  });

  it('measures a finite peak on the adapter nodeGpu finds, and says when it is emulation', async () => {
    const gpu = await nodeGpu();
    expect(gpu.label.includes('NOT GPU numbers')).toBe(gpu.emulated);
    // TF.js and jax-js look for navigator.gpu: it must be the adapter's GPU object.
    expect((globalThis as unknown as { navigator: { gpu: unknown } }).navigator.gpu).toBe(gpu.gpu);
    const adapter = await gpu.gpu.requestAdapter();
    const device = await adapter!.requestDevice();
    const peak = await measureGpuPeak(device, 5, 50);
    device.destroy();
    expect(Number.isFinite(peak.gflops) && peak.gflops > 0).toBe(true);
    expect(peak.invocations % 256).toBe(0);
    expect(peak.calls).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
