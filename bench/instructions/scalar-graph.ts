// The scalar suite's graph (suites/scalar.ts: build and expression, unchanged), with its 0-d tensors
// made by the build in the checkout given as the first argument (one whose packages are built), run
// WARM times and then REPS batches of 100 passes. Used by count.sh, which counts machine
// instructions: unlike wall time on a shared VM, the count repeats to about 0.1%.
//
//   node --import tsx bench/instructions/scalar-graph.ts <checkout> [fwd|bwd]
import { manualSeed } from '@backprop/core';
import { build, expression, type ScalarLike } from '../src/suites/scalar.js';

interface ScalarTensor extends ScalarLike<ScalarTensor> {
  backward(): void;
}

const [root = '.', mode = 'bwd'] = process.argv.slice(2);
const core = (await import(`${root}/packages/core/dist/index.js`)) as {
  scalar(v: number, options: { dtype: 'float64'; requiresGrad: boolean }): ScalarTensor;
};
manualSeed(0);
const t = build((v, isParam) => core.scalar(v, { dtype: 'float64', requiresGrad: isParam }));
const run = (): void => {
  const loss = expression(t.p, t.xs, t.ys, t.m1);
  if (mode === 'bwd') loss.backward();
};
for (let i = 0; i < Number(process.env.WARM ?? 500); i++) run();
let best = Number.POSITIVE_INFINITY;
for (let rep = 0; rep < Number(process.env.REPS ?? 40); rep++) {
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) run();
  best = Math.min(best, (performance.now() - t0) / 100);
}
console.log(`${mode}: ${(best * 1000).toFixed(1)} us per pass (fastest of the batches)`);
