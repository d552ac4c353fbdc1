// Two builds' training steps in one process, timed batch by batch in alternating order: on a VM
// whose speed drifts from minute to minute, runs of the old and the new build minutes apart differ
// by more than the change being measured, while batches a few milliseconds apart share the drift.
//
//   node --import tsx bench/ab/steps.ts <old checkout> <new checkout> [mlp|cnn] [rounds] [steps]
// (TSX_TSCONFIG_PATH=bench/tsconfig.dist.json, so that each checkout's packages resolve to its own
// built dist.) Prints each build's median time per step and the median ratio of speeds, new / old.
import { checkoutTrainStep } from '../src/checkout-step.js';

const [before = '.', after = '.', workload = 'mlp', rounds = '20', steps = '10'] = process.argv.slice(2);

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1]!;
const timed = (step: () => void): number => {
  const t0 = performance.now();
  for (let i = 0; i < Number(steps); i++) step();
  return (performance.now() - t0) / Number(steps);
};

const old = await checkoutTrainStep(before, workload);
const neu = await checkoutTrainStep(after, workload);
for (let i = 0; i < 30; i++) {
  old();
  neu();
}
const [tOld, tNew, ratios]: number[][] = [[], [], []];
for (let r = 0; r < Number(rounds); r++) {
  // Alternate which build goes first, so neither always inherits the other's garbage.
  const [a, b] = r % 2 === 0 ? [timed(old), timed(neu)] : [timed(neu), timed(old)].reverse();
  tOld.push(a!);
  tNew.push(b!);
  ratios.push(a! / b!);
}
console.log(
  `${workload}: old ${median(tOld).toFixed(2)} ms/step, new ${median(tNew).toFixed(2)} ms/step, median speed ratio new/old ${median(ratios).toFixed(3)}`,
);
