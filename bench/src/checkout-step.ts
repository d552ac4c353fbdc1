// The mlp or cnn suite's training step (same model, batch, loss and optimizer) built from the
// packages of another checkout: the old-versus-new tools (bench/ab, bench/instructions) load two
// builds side by side, each from its own built dist.
import type * as Core from '@backprop/core';
import type * as Nn from '@backprop/nn';
import type * as Optim from '@backprop/optim';
import { cnnModel } from './suites/cnn.js';
import { mlpModel } from './suites/mlp.js';
import { build, expression } from './suites/scalar.js';

// The main job's nn-300 row: 784-300-10 with tanh, SGD with momentum 0.9 and weight decay 5e-4.
function nn300Step(core: typeof Core, nn: typeof Nn, optim: typeof Optim): () => void {
  const model = new nn.Sequential(new nn.Linear(784, 300), new nn.Tanh(), new nn.Linear(300, 10));
  const x = core.randn([64, 784]);
  const y = core.randint(0, 10, [64]);
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 });
  return () => {
    opt.zeroGrad();
    nn.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
}

// The scalar suite's graph on float64 0-d tensors: built (`scalar-fwd`), or built and run backward
// (`scalar`), gradients accumulating as the suite's do. Its numbers come from the checkout's own
// seeded generator, so every build gets the same ones.
function scalarStep(core: typeof Core, backward: boolean): () => void {
  const t = build(
    (v, isParam) => core.scalar(v, { dtype: 'float64', requiresGrad: isParam }),
    (count) => Array.from(core.randn([count]).data()),
  );
  return () => {
    const loss = expression(t.p, t.xs, t.ys, t.m1);
    if (backward) loss.backward();
  };
}

// bench:compare's matmul workload at 1024: `Y = A·B` (`matmul-fwd`), or that and the backward of
// a fixed gradient into A and B (`matmul-fb`).
function matmulStep(core: typeof Core, backward: boolean): () => void {
  const n = 1024;
  const a = core.randn([n, n]).requiresGrad_();
  const b = core.randn([n, n]).requiresGrad_();
  const g = core.randn([n, n]);
  if (!backward) return () => void a.detach().matmul(b.detach());
  return () => {
    a.zeroGrad();
    b.zeroGrad();
    a.matmul(b).backward(g);
  };
}

/**
 * One training step of `workload` (`mlp`, `cnn`, or `nn300`, the main job's tanh network) on fixed
 * seeded data, with the packages built in `root`; or one pass of the scalar suite's graph
 * (`scalar`: forward and backward, `scalar-fwd`: forward only); or one 1024² product (`matmul-fwd`,
 * `matmul-fb` with its backward).
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
  if (workload === 'nn300') return nn300Step(core, nn, optim);
  if (workload === 'scalar' || workload === 'scalar-fwd') return scalarStep(core, workload === 'scalar');
  if (workload === 'matmul-fwd' || workload === 'matmul-fb')
    return matmulStep(core, workload === 'matmul-fb');
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
