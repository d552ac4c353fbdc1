// Dense float32 matmul, forward and forward+backward. Backward is two more matmuls against
// transposed operands (dA = dY·Bᵀ, dB = Aᵀ·dY), so f+b does 3x the forward's 2n³ FLOPs.
import { manualSeed, randn } from '@backprop/core';
import { type BenchCase, type BenchSuite, runCases } from '../harness.js';

const SIZES = [256, 1024] as const;

// A 1024 f+b call takes seconds in plain TypeScript: take the minimum samples, no more.
function optionsFor(n: number) {
  return n >= 1024 ? { maxTime: 1, minSamples: 5 } : { maxTime: 2 };
}

function casesFor(n: number): BenchCase[] {
  const a = randn([n, n]);
  const b = randn([n, n]);
  const ag = randn([n, n], { requiresGrad: true });
  const bg = randn([n, n], { requiresGrad: true });
  const options = optionsFor(n);
  return [
    {
      name: `matmul ${n} forward`,
      fn: () => void a.matmul(b),
      work: { perCall: 2 * n ** 3, scale: 1e9, unit: 'GFLOP/s' },
      options,
    },
    {
      name: `matmul ${n} fwd+bwd`,
      fn: () => ag.matmul(bg).sum().backward(),
      work: { perCall: 6 * n ** 3, scale: 1e9, unit: 'GFLOP/s' },
      options,
    },
  ];
}

/**
 * The matmul suite (`pnpm bench matmul`).
 *
 * @example
 * ```ts
 * const { cases, notes } = matmulSuite.run();
 * ```
 */
export const matmulSuite: BenchSuite = {
  name: 'matmul',
  description: `float32 square matmul at n = ${SIZES.join(', ')}; f+b is a.matmul(b).sum().backward()`,
  run() {
    manualSeed(0);
    return { cases: runCases('matmul', SIZES.flatMap(casesFor)), notes: [] };
  },
};
