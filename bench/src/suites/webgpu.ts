// The mlp and cnn suites' training steps and square float32 products on the webgpu device, beside
// the GPU's float32 FMA peak measured on the same adapter. A call ends when its result is read back
// (a GPU step has no other end). Without a GPU this runs on SwiftShader, and the notes say so.
import { initWebGPU, manualSeed, randint, randn, type Tensor } from '@backprop/core';
import { GPU_MATMUL_N } from '../compare/spec.js';
import { firstElement } from '../gpu-read.js';
import { type AsyncBenchCase, type BenchSuite, fmt, runAsyncCases } from '../harness.js';
import { nodeGpu } from '../node-gpu.js';
import { measurePeakOn } from '../roofline/gpu-probe.js';
import { type TrainingSetup, trainStep } from '../training.js';
import { buildCnn, BATCH as CNN_BATCH } from './cnn.js';
import { buildMlp, BATCH as MLP_BATCH } from './mlp.js';

// SwiftShader multiplies at ~0.4 GFLOP/s: a 1024² product takes seconds there, 4096² minutes.
const GPU_SIZES = [1024, GPU_MATMUL_N] as const;
const EMULATED_SIZES = [256] as const;

function stepCase(name: string, setup: TrainingSetup, x: Tensor, y: Tensor): AsyncBenchCase {
  return {
    name,
    fn: () => trainStep(setup, x, y).itemAsync(),
    work: { perCall: 1, scale: 1, unit: 'steps/s' },
  };
}

function matmulCases(n: number): AsyncBenchCase[] {
  const a = randn([n, n], { device: 'webgpu' });
  const b = randn([n, n], { device: 'webgpu' });
  const ag = randn([n, n], { device: 'webgpu', requiresGrad: true });
  const bg = randn([n, n], { device: 'webgpu', requiresGrad: true });
  return [
    {
      name: `webgpu matmul ${n} forward`,
      fn: () => firstElement(a.matmul(b)),
      work: { perCall: 2 * n ** 3, scale: 1e9, unit: 'GFLOP/s' },
    },
    {
      name: `webgpu matmul ${n} fwd+bwd`,
      fn: () => {
        ag.zeroGrad();
        bg.zeroGrad();
        ag.matmul(bg).sum().backward();
        return firstElement(bg.grad!);
      },
      work: { perCall: 6 * n ** 3, scale: 1e9, unit: 'GFLOP/s' },
    },
  ];
}

/**
 * The webgpu suite (`pnpm bench webgpu`).
 *
 * @example
 * ```ts
 * const { cases, notes } = await webgpuSuite.run();
 * ```
 */
export const webgpuSuite: BenchSuite = {
  name: 'webgpu',
  description: `the mlp and cnn training steps and float32 matmul (${GPU_SIZES.join(', ')}; ${EMULATED_SIZES.join(', ')} on SwiftShader) on the webgpu device, each call ended by a read back; the GPU's float32 FMA peak by probe`,
  async run() {
    // A machine with neither a GPU nor SwiftShader gets a note, not a failed run of the other suites.
    const gpu = await nodeGpu().catch((e: unknown) => (e instanceof Error ? e.message : String(e)));
    if (typeof gpu === 'string') return { cases: [], notes: [`skipped: ${gpu}`] };
    await initWebGPU({ adapter: gpu.adapter });
    manualSeed(0);
    const mlp = buildMlp('webgpu');
    const cnn = buildCnn('webgpu');
    const mlpX = randn([MLP_BATCH, 784], { device: 'webgpu' });
    const mlpY = randint(0, 10, [MLP_BATCH], { device: 'webgpu' });
    const cnnX = randn([CNN_BATCH, 1, 28, 28], { device: 'webgpu' });
    const cnnY = randint(0, 10, [CNN_BATCH], { device: 'webgpu' });
    const sizes = gpu.emulated ? EMULATED_SIZES : GPU_SIZES;
    const cases = await runAsyncCases('webgpu', [
      stepCase('webgpu mlp train step', mlp, mlpX, mlpY),
      stepCase('webgpu cnn train step', cnn, cnnX, cnnY),
      ...sizes.flatMap(matmulCases),
    ]);
    const peak = await measurePeakOn(gpu.gpu);
    const ofPeak = cases
      .filter((c) => c.name.endsWith('forward') && c.rate !== null)
      .map((c) => `${c.name} at ${fmt((100 * c.rate!) / peak.gflops)}% of it`);
    return {
      cases,
      notes: [
        `adapter: ${gpu.label}`,
        `float32 FMA peak by probe: ${fmt(peak.gflops)} GFLOP/s (${peak.invocations} invocations a dispatch); ${ofPeak.join('; ')}`,
        ...(gpu.emulated ? [`matmul ${GPU_SIZES.join(' and ')} run on a real GPU only`] : []),
      ],
    };
  },
};
