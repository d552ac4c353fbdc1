// backprop as a user writes it: nn.Sequential, nn.crossEntropy and optim.SGD on the built packages,
// loaded with the shared initial weights.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Device, getBackend, initWebGPU, noGrad, scalar, type Tensor, tensor } from '@backprop/core';
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

// Losses of the first two steps are taken before timing, so every engine reports the same two. On
// webgpu every step reads its loss back (as fit does), so a step is timed to its end on the GPU.
async function train(name: string, model: Module, x: Tensor, y: Tensor, lr: number, plan: TimingPlan) {
  const opt = new SGD(model.parameters(), { lr });
  const step = (): number | Promise<number> => {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.device === 'cpu' ? loss.item() : loss.itemAsync();
  };
  const check = lossCheck(await step(), await step());
  return { measurements: [measure(`${name} step`, 'steps/s', await timeCalls(step, plan))], check };
}

async function mlp(plan: TimingPlan, device: Device = 'cpu'): Promise<WorkloadResult> {
  const p = mlpProblem();
  const [l1, l2, l3] = p.layers.map(linear) as [Linear, Linear, Linear];
  const model = new Sequential(l1, new ReLU(), l2, new ReLU(), l3).to(device);
  const x = tensor(p.x, { shape: [MLP.batch, MLP.sizes[0]], device });
  return train('mlp', model, x, tensor(p.y, { device }), MLP.lr, plan);
}

async function cnn(plan: TimingPlan, device: Device = 'cpu'): Promise<WorkloadResult> {
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
  ).to(device);
  const x = tensor(p.x, { shape: [CNN.batch, 1, CNN.side, CNN.side], device });
  return train('cnn', model, x, tensor(p.y, { device }), CNN.lr, plan);
}

// The first element of a result, read back (to the end of the GPU's work on webgpu).
async function first(t: Tensor): Promise<number> {
  return (t.device === 'cpu' ? t.data() : await t.dataAsync())[0]!;
}

async function matmul(plan: TimingPlan, device: Device = 'cpu'): Promise<WorkloadResult> {
  const n = MATMUL_N;
  const p = matmulProblem(n);
  const a = tensor(p.a, { shape: [n, n], device }).requiresGrad_();
  const b = tensor(p.b, { shape: [n, n], device }).requiresGrad_();
  const g = tensor(p.g, { shape: [n, n], device });
  const onGpu = device !== 'cpu';
  const fwd = await timeCalls(() => {
    const y = a.detach().matmul(b.detach());
    return onGpu ? first(y) : y;
  }, plan);
  // The first (warm-up) call also records the check.
  const checked: { check?: Check } = {};
  const fb = await timeCalls(async () => {
    a.zeroGrad();
    b.zeroGrad();
    const y = a.matmul(b);
    y.backward(g);
    if (checked.check === undefined) {
      checked.check = matmulCheck(await first(y), await first(a.grad!), await first(b.grad!));
    } else if (onGpu) {
      await first(b.grad!);
    }
  }, plan);
  return {
    measurements: [
      measure(`matmul ${n} fwd`, 'GFLOP/s', fwd, 2 * n ** 3, 1e9),
      measure(`matmul ${n} f+b`, 'GFLOP/s', fb, 6 * n ** 3, 1e9),
    ],
    check: checked.check!,
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

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * backprop on the webgpu device (the npm package `webgpu` in Node): the same workloads with the
 * model and data moved to the GPU. Without a GPU it runs on SwiftShader, which the setup line says:
 * those are CPU-emulation numbers, not GPU ones. The 0-d scalar graph is not a GPU workload.
 *
 * @example
 * ```ts
 * await webgpuEngine.init(); // 'webgpu device (SwiftShader: ...)'
 * ```
 */
export const webgpuEngine: Engine = {
  init: async () => {
    const env = process.env;
    if (env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
    await initWebGPU();
    const emulated = env.VK_ICD_FILENAMES?.includes('swiftshader') === true;
    return `webgpu device, float32${emulated ? ' (SwiftShader: a CPU emulation of Vulkan, NOT GPU numbers)' : ''}, ${loadedFrom()}`;
  },
  workloads: {
    mlp: (plan) => mlp(plan, 'webgpu'),
    cnn: (plan) => cnn(plan, 'webgpu'),
    matmul: (plan) => matmul(plan, 'webgpu'),
  },
};
