// The mlp or cnn suite's training step (same model, batch, loss and optimizer) built from the
// packages of another checkout: the old-versus-new tools (bench/ab, bench/instructions) load two
// builds side by side, each from its own built dist.
import type * as Core from '@backprop/core';
import type * as Nn from '@backprop/nn';
import type * as Optim from '@backprop/optim';
import { cnnModel } from './suites/cnn.js';
import { mlpModel } from './suites/mlp.js';

/**
 * One training step of `workload` on fixed seeded data, with the packages built in `root`.
 *
 * @example
 * ```ts
 * const step = await checkoutTrainStep('/work/old', 'cnn');
 * step();
 * ```
 */
export async function checkoutTrainStep(root: string, workload: string): Promise<() => void> {
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
