// Two builds' training steps in one process, timed batch by batch in alternating order: on a VM
// whose speed drifts from minute to minute, runs of the old and the new build minutes apart differ
// by more than the change being measured, while batches a few milliseconds apart share the drift.
//
//   node --import tsx bench/ab/steps.ts <old checkout> <new checkout> [mlp|cnn] [rounds] [steps]
// (TSX_TSCONFIG_PATH=bench/tsconfig.dist.json, so that each checkout's packages resolve to its own
// built dist.) Prints each build's median time per step and the median ratio of speeds, new / old.
import type * as Core from '@backprop/core';
import type * as Nn from '@backprop/nn';
import type * as Optim from '@backprop/optim';
import { cnnModel } from '../src/suites/cnn.js';
import { mlpModel } from '../src/suites/mlp.js';

const [before = '.', after = '.', workload = 'mlp', rounds = '20', steps = '10'] = process.argv.slice(2);

async function trainStep(root: string): Promise<() => void> {
  const core = (await import(`${root}/packages/core/dist/index.js`)) as typeof Core;
  const nn = (await import(`${root}/packages/nn/dist/index.js`)) as typeof Nn;
  const optim = (await import(`${root}/packages/optim/dist/index.js`)) as typeof Optim;
  core.manualSeed(0);
  const model = workload === 'mlp' ? mlpModel(nn) : cnnModel(nn);
  const batch = workload === 'mlp' ? 64 : 32;
  const x = core.randn(workload === 'mlp' ? [batch, 784] : [batch, 1, 28, 28]);
  const y = core.randint(0, 10, [batch]);
  const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
  return () => {
    opt.zeroGrad();
    nn.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
}

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1]!;
const timed = (step: () => void): number => {
  const t0 = performance.now();
  for (let i = 0; i < Number(steps); i++) step();
  return (performance.now() - t0) / Number(steps);
};

const old = await trainStep(before);
const neu = await trainStep(after);
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
