import type { NestedArray, Tensor } from '@backprop/core';
import { tensor } from '@backprop/core';
import { Adagrad, Adam, AdamW, type Optimizer, RMSprop, SGD } from '@backprop/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import { expectClose, fixture, flat, param } from './helpers.js';

interface OptimizerCase {
  optimizer: 'SGD' | 'Adam' | 'AdamW' | 'RMSprop' | 'Adagrad';
  label: string;
  options: Record<string, unknown>;
  groups?: [Record<string, unknown>, Record<string, unknown>];
  losses: number[];
  W: NestedArray[];
  b: NestedArray[];
}

interface OptimizerFixtures {
  steps: number;
  x: NestedArray;
  y: NestedArray;
  W0: NestedArray;
  b0: NestedArray;
  cases: OptimizerCase[];
}

const fx = fixture<{ optimizers: OptimizerFixtures }>('optim.json').optimizers;

// biome-ignore lint/suspicious/noExplicitAny: the fixture's options are untyped JSON
type AnyCtor = new (params: any, options: any) => Optimizer;
const constructors: Record<OptimizerCase['optimizer'], AnyCtor> = { SGD, Adam, AdamW, RMSprop, Adagrad };

function build(c: OptimizerCase, w: Tensor, b: Tensor): Optimizer {
  const Ctor = constructors[c.optimizer];
  if (!c.groups) return new Ctor([w, b], c.options);
  return new Ctor(
    [
      { params: [w], ...c.groups[0] },
      { params: [b], ...c.groups[1] },
    ],
    c.options,
  );
}

// The fixture's model: y = x Wᵀ + b with a mean-squared-error loss, in float64.
describe('optimizers match PyTorch trajectories (float64, y = x Wᵀ + b, MSE)', () => {
  const x = tensor(fx.x, { dtype: 'float64' });
  const y = tensor(fx.y, { dtype: 'float64' });
  for (const c of fx.cases) {
    it(`${c.optimizer} ${c.label}: every step's W and b within 1e-6`, () => {
      const w = param(fx.W0);
      const b = param(fx.b0);
      const opt = build(c, w, b);
      for (let step = 0; step < fx.steps; step++) {
        opt.zeroGrad();
        const loss = x.matmul(w.t()).add(b).sub(y).square().mean();
        loss.backward();
        opt.step();
        expectClose([loss.item()], [c.losses[step]!], 1e-6, `loss before step ${step + 1}`);
        expectClose(w.data(), flat(c.W[step]!), 1e-6, `W after step ${step + 1}`);
        expectClose(b.data(), flat(c.b[step]!), 1e-6, `b after step ${step + 1}`);
      }
    });
  }
});

// The same trajectories in float32 on the webgpu device: the fused WGSL update kernels against
// PyTorch's float64 numbers, at float32's tolerance.
describe('optimizers match PyTorch trajectories in float32 on webgpu', () => {
  beforeAll(startWebGPU, 60_000);
  for (const c of fx.cases) {
    it(`${c.optimizer} ${c.label}: every step's W and b within 1e-4`, async () => {
      const onGpu = (data: NestedArray) => tensor(data, { device: 'webgpu' });
      const x = onGpu(fx.x);
      const y = onGpu(fx.y);
      const w = onGpu(fx.W0).requiresGrad_();
      const b = onGpu(fx.b0).requiresGrad_();
      const opt = build(c, w, b);
      for (let step = 0; step < fx.steps; step++) {
        opt.zeroGrad();
        const loss = x.matmul(w.t()).add(b).sub(y).square().mean();
        loss.backward();
        opt.step();
        expect(w.device).toBe('webgpu');
        expectClose([await loss.itemAsync()], [c.losses[step]!], 1e-4, `loss before step ${step + 1}`);
        expectClose(await w.dataAsync(), flat(c.W[step]!), 1e-4, `W after step ${step + 1}`);
        expectClose(await b.dataAsync(), flat(c.b[step]!), 1e-4, `b after step ${step + 1}`);
      }
    });
  }
});
