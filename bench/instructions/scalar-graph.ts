// The scalar suite's graph (suites/scalar.ts: build and expression, unchanged), with its 0-d tensors
// made by the build in the checkout given as the first argument (one whose packages are built; the
// graph is src/checkout-step.ts's `scalar` workload), run WARM times and then REPS batches of 100
// passes. Used by count.sh, which counts machine instructions: unlike wall time on a shared VM, the
// count repeats to about 1% (forward and backward; see bench/RESULTS.md for the forward alone).
//
//   node --import tsx bench/instructions/scalar-graph.ts <checkout> [fwd|bwd]
import { checkoutTrainStep } from '../src/checkout-step.js';

const [root = '.', mode = 'bwd'] = process.argv.slice(2);
const run = await checkoutTrainStep(root, mode === 'bwd' ? 'scalar' : 'scalar-fwd');
for (let i = 0; i < Number(process.env.WARM ?? 500); i++) run();
let best = Number.POSITIVE_INFINITY;
for (let rep = 0; rep < Number(process.env.REPS ?? 40); rep++) {
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) run();
  best = Math.min(best, (performance.now() - t0) / 100);
}
console.log(`${mode}: ${(best * 1000).toFixed(1)} us per pass (fastest of the batches)`);
