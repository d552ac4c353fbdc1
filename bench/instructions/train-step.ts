// The mlp and cnn suites' training steps (suites/mlp.ts, suites/cnn.ts: same models, batch, loss
// and optimizer, the models made with the checkout's nn) with the packages of the checkout given as the first argument (one whose packages
// are built), run WARM times and then REPS more. Used by count.sh, which counts machine
// instructions: unlike wall time on a shared VM, the count repeats to a fraction of a percent.
//
//   node --import tsx bench/instructions/train-step.ts <checkout> [mlp|cnn]
import type * as Core from '@backprop/core';
import type * as Nn from '@backprop/nn';
import type * as Optim from '@backprop/optim';
import { cnnModel } from '../src/suites/cnn.js';
import { mlpModel } from '../src/suites/mlp.js';

const [root = '.', workload = 'mlp'] = process.argv.slice(2);
const core = (await import(`${root}/packages/core/dist/index.js`)) as typeof Core;
const nn = (await import(`${root}/packages/nn/dist/index.js`)) as typeof Nn;
const optim = (await import(`${root}/packages/optim/dist/index.js`)) as typeof Optim;

core.manualSeed(0);
const model = workload === 'mlp' ? mlpModel(nn) : cnnModel(nn);
const batch = workload === 'mlp' ? 64 : 32;
const x = core.randn(workload === 'mlp' ? [batch, 784] : [batch, 1, 28, 28]);
const y = core.randint(0, 10, [batch]);
const opt = new optim.SGD(model.parameters(), { lr: 0.01 });
const step = (): void => {
  opt.zeroGrad();
  const loss = nn.crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
};
for (let i = 0; i < Number(process.env.WARM ?? 50) + Number(process.env.REPS ?? 50); i++) step();
