// backprop as a user writes it: nn.Sequential, nn.crossEntropy and optim.SGD on the built packages,
// loaded with the shared initial weights.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend, noGrad, scalar, type Tensor, tensor } from '@backprop/core';
import {
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
} from '@backprop/nn';
import { SGD } from '@backprop/optim';
import { build, countNodes, expression } from '../../suites/scalar.js';
import type { Engine } from '../engine.js';
import {
  CNN,
  type ConvInit,
  cnnProblem,
  type DenseInit,
  MATMUL_N,
  MLP,
  matmulProblem,
  mlpProblem,
  scalarDraws,
} from '../spec.js';
import {
  type Check,
  lossCheck,
  matmulCheck,
  measure,
  type TimingPlan,
  timeCalls,
  valueCheck,
  type WorkloadResult,
} from '../timing.js';

// Which build of @backprop/core this process runs, and whether dist/ is older than the sources.
function loadedFrom(): string {
  const file = fileURLToPath(import.meta.resolve('@backprop/core'));
  const pkg = path.resolve(path.dirname(file), '..');
  if (!file.includes(`${path.sep}dist${path.sep}`))
    return `from sources (${path.relative(process.cwd(), file)})`;
  const newest = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
      ),
    );
  const stale = newest(path.join(pkg, 'src')) > statSync(file).mtimeMs;
  return `built packages/core/dist${stale ? ' (its sources were edited after this build)' : ''}`;
}

function linear(init: DenseInit): Linear {
  const layer = new Linear(init.inF, init.outF);
  noGrad(() => {
    layer.weight.copy_(tensor(init.w, { shape: [init.outF, init.inF] }));
    layer.bias!.copy_(tensor(init.b));
  });
  return layer;
}

function conv(init: ConvInit): Conv2d {
  const layer = new Conv2d(init.inC, init.outC, 3, { padding: 1 });
  noGrad(() => {
    layer.weight.copy_(tensor(init.w, { shape: [init.outC, init.inC, 3, 3] }));
    layer.bias!.copy_(tensor(init.b));
  });
  return layer;
}

// Losses of the first two steps are taken before timing, so every engine reports the same two.
async function train(name: string, model: Module, x: Tensor, y: Tensor, lr: number, plan: TimingPlan) {
  const opt = new SGD(model.parameters(), { lr });
  const step = () => {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.item();
  };
  const check = lossCheck(step(), step());
  return { measurements: [measure(`${name} step`, 'steps/s', await timeCalls(step, plan))], check };
}

async function mlp(plan: TimingPlan): Promise<WorkloadResult> {
  const p = mlpProblem();
  const [l1, l2, l3] = p.layers.map(linear) as [Linear, Linear, Linear];
  const model = new Sequential(l1, new ReLU(), l2, new ReLU(), l3);
  const x = tensor(p.x, { shape: [MLP.batch, MLP.sizes[0]] });
  return train('mlp', model, x, tensor(p.y), MLP.lr, plan);
}

async function cnn(plan: TimingPlan): Promise<WorkloadResult> {
  const p = cnnProblem();
  const model = new Sequential(
    conv(p.conv1),
    new ReLU(),
    new MaxPool2d(2),
    conv(p.conv2),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    linear(p.fc),
  );
  const x = tensor(p.x, { shape: [CNN.batch, 1, CNN.side, CNN.side] });
  return train('cnn', model, x, tensor(p.y), CNN.lr, plan);
}

async function matmul(plan: TimingPlan): Promise<WorkloadResult> {
  const n = MATMUL_N;
  const p = matmulProblem(n);
  const a = tensor(p.a, { shape: [n, n], requiresGrad: true });
  const b = tensor(p.b, { shape: [n, n], requiresGrad: true });
  const g = tensor(p.g, { shape: [n, n] });
  const fwd = await timeCalls(() => a.detach().matmul(b.detach()), plan);
  // The first (warm-up) call also records the check.
  const first: { check?: Check } = {};
  const fb = await timeCalls(() => {
    a.zeroGrad();
    b.zeroGrad();
    const y = a.matmul(b);
    y.backward(g);
    first.check ??= matmulCheck(y.data()[0]!, a.grad!.data()[0]!, b.grad!.data()[0]!);
  }, plan);
  return {
    measurements: [
      measure(`matmul ${n} fwd`, 'GFLOP/s', fwd, 2 * n ** 3, 1e9),
      measure(`matmul ${n} f+b`, 'GFLOP/s', fb, 6 * n ** 3, 1e9),
    ],
    check: first.check!,
  };
}

async function scalarGraph(plan: TimingPlan): Promise<WorkloadResult> {
  const nodes = countNodes();
  const t = build((v, isParam) => scalar(v, { requiresGrad: isParam, dtype: 'float64' }), scalarDraws());
  const run = () => expression(t.p, t.xs, t.ys, t.m1);
  const check = valueCheck(run().item());
  const fwd = await timeCalls(run, plan);
  const fb = await timeCalls(() => run().backward(), plan);
  return {
    measurements: [
      measure('scalar fwd', 'M nodes/s', fwd, nodes, 1e6),
      measure('scalar f+b', 'M nodes/s', fb, nodes, 1e6),
    ],
    check,
  };
}

/**
 * backprop on its default backend, through the public nn/optim API.
 *
 * @example
 * ```ts
 * await engine.init(); // 'backend cpu'
 * ```
 */
export const engine: Engine = {
  init: async () =>
    `${getBackend().name} backend, float32 (scalar graph: float64 0-d tensors), ${loadedFrom()}`,
  workloads: { mlp, cnn, matmul, scalar: scalarGraph },
};
