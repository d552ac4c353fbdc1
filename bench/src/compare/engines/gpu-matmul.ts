// The matmul workload of the webgpu engines: the shared size every engine runs (and checks), then,
// on a real GPU only, the 4096² product issue 13 judges against the GPU's peak.
import { nodeGpu } from '../../node-gpu.js';
import { measurePeakOn } from '../../roofline/gpu-probe.js';
import { GPU_MATMUL_N, GPU_PEAK_METRIC, MATMUL_N } from '../spec.js';
import type { Measurement, TimingPlan, WorkloadResult } from '../timing.js';

/**
 * Runs `at(MATMUL_N)`, then `at(4096)` where the adapter is a real GPU (on SwiftShader one such
 * product takes minutes: skipped, with a note). With `peak`, adds the GPU's float32 FMA peak from a
 * probe on a second device of the same adapter.
 *
 * @example
 * ```ts
 * workloads: { matmul: (plan) => gpuMatmul(plan, (n) => matmulAt(n, plan, 'webgpu'), true) }
 * ```
 */
export async function gpuMatmul(
  plan: TimingPlan,
  at: (n: number) => Promise<WorkloadResult>,
  peak = false,
): Promise<WorkloadResult> {
  const shared = await at(MATMUL_N);
  const { gpu, emulated } = await nodeGpu();
  const measurements: Measurement[] = [...shared.measurements];
  if (!emulated) measurements.push(...(await at(GPU_MATMUL_N)).measurements);
  if (peak) {
    const probe = await measurePeakOn(gpu, plan.timedSec * 1e3);
    measurements.push({ metric: GPU_PEAK_METRIC, unit: 'GFLOP/s', value: probe.gflops, calls: probe.calls });
  }
  const skipped = emulated
    ? `matmul ${GPU_MATMUL_N} runs on a real GPU only (on SwiftShader one product takes minutes)`
    : undefined;
  return {
    ...shared,
    measurements,
    ...(skipped ? { note: [shared.note, skipped].filter(Boolean).join('; ') } : {}),
  };
}
