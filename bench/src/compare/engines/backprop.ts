// backprop as a user writes it: nn.Sequential, nn.crossEntropy and optim.SGD on the built packages,
// loaded with the shared initial weights.
import { readdirSync, statSync } from 'node:fs';
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
import { firstElement } from '../../gpu-read.js';
import { nodeGpu } from '../../node-gpu.js';
import { variantSupported } from '../../roofline/probe.js';
import type { Engine } from '../engine.js';
import { scalarWorkloads } from '../scalar-graph.js';
import {
  CNN,
  type CnnProblem,
  type ConvInit,
  cnnProblem,
  type DenseInit,
  MATMUL_N,
  MLP,
  type MlpProblem,
  matmulProblem,
  mlpProblem,
} from '../spec.js';
import { backpropThreads, THREAD_WORK_TEXT } from '../threads.js';
import {
  type Check,
  lossCheck,
  matmulCheck,
  measure,
  type TimingPlan,
  timeCalls,
  type WorkloadResult,
} from '../timing.js';
import { gpuMatmul } from './gpu-matmul.js';

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

// zeroGrad, forward, loss, backward, update; on webgpu the loss is read back (as fit does), so a
// step is timed to its end on the GPU.
function stepOf(model: Module, x: Tensor, y: Tensor, lr: number): () => number | Promise<number> {
  const opt = new SGD(model.parameters(), { lr });
  return () => {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x), y);
    loss.backward();
    opt.step();
    return loss.device === 'cpu' ? loss.item() : loss.itemAsync();
  };
}

// Linear layers with ReLU between them, as many as `p.sizes` asks for.
function mlpModel(p: MlpProblem): Module {
  const layers: Module[] = [];
  p.layers.forEach((init, i) => {
    if (i > 0) layers.push(new ReLU());
    layers.push(linear(init));
  });
  return new Sequential(...layers);
}

function cnnModel(p: CnnProblem): Module {
  return new Sequential(
    conv(p.conv1),
    new ReLU(),
    new MaxPool2d(2),
    conv(p.conv2),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    linear(p.fc),
  );
}

/**
 * One SGD training step of the MLP or CNN problem on the cpu device, returning its loss: what the
 * scaling script times at every batch and width.
 *
 * @example
 * ```ts
 * const step = backpropStep(mlpProblem([784, 64, 64, 10], 8));
 * step(); // 2.30...
 * ```
 */
export function backpropStep(p: MlpProblem | CnnProblem): () => number {
  const { model, x, lr } =
    'layers' in p
      ? { model: mlpModel(p), x: tensor(p.x, { shape: [p.batch, p.sizes[0]!] }), lr: MLP.lr }
      : { model: cnnModel(p), x: tensor(p.x, { shape: [p.batch, 1, CNN.side, CNN.side] }), lr: CNN.lr };
  return stepOf(model, x, tensor(p.y), lr) as () => number;
}

// Losses of the first two steps are taken before timing, so every engine reports the same two.
async function train(name: string, step: () => number | Promise<number>, plan: TimingPlan) {
  const check = lossCheck(await step(), await step());
  return { measurements: [measure(`${name} step`, 'steps/s', await timeCalls(step, plan))], check };
}

async function mlp(plan: TimingPlan, device: Device = 'cpu'): Promise<WorkloadResult> {
  const p = mlpProblem();
  const model = mlpModel(p).to(device);
  const x = tensor(p.x, { shape: [p.batch, p.sizes[0]!], device });
  return train('mlp', stepOf(model, x, tensor(p.y, { device }), MLP.lr), plan);
}

async function cnn(plan: TimingPlan, device: Device = 'cpu'): Promise<WorkloadResult> {
  const p = cnnProblem();
  const model = cnnModel(p).to(device);
  const x = tensor(p.x, { shape: [p.batch, 1, CNN.side, CNN.side], device });
  return train('cnn', stepOf(model, x, tensor(p.y, { device }), CNN.lr), plan);
}

/** `n`'s forward and forward+backward product rates, with the check when `n` is the shared size. */
async function matmulAt(n: number, plan: TimingPlan, device: Device): Promise<WorkloadResult> {
  const p = matmulProblem(n);
  const a = tensor(p.a, { shape: [n, n], device }).requiresGrad_();
  const b = tensor(p.b, { shape: [n, n], device }).requiresGrad_();
  const g = tensor(p.g, { shape: [n, n], device });
  const onGpu = device !== 'cpu';
  const fwd = await timeCalls(() => {
    const y = a.detach().matmul(b.detach());
    return onGpu ? firstElement(y) : y;
  }, plan);
  // The first (warm-up) call also records the check.
  const checked: { check?: Check } = {};
  const fb = await timeCalls(async () => {
    a.zeroGrad();
    b.zeroGrad();
    const y = a.matmul(b);
    y.backward(g);
    if (checked.check === undefined) {
      checked.check = matmulCheck(
        await firstElement(y),
        await firstElement(a.grad!),
        await firstElement(b.grad!),
      );
    } else if (onGpu) {
      await firstElement(b.grad!);
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

const matmul = (plan: TimingPlan) => matmulAt(MATMUL_N, plan, 'cpu');

const scalarGraph = scalarWorkloads(
  (v, isParam) => scalar(v, { requiresGrad: isParam, dtype: 'float64' }),
  (t) => t.item(),
);

// How the wasm products multiply and add in this process: fused where the runtime has relaxed SIMD.
async function products(): Promise<string> {
  return (await variantSupported('relaxed'))
    ? ', products with f32x4.relaxed_madd'
    : ', products with f32x4 mul+add';
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
  init: async () => {
    const threads = backpropThreads();
    const how =
      getBackend().name === 'wasm' ? `, ${threads} thread(s) for ${THREAD_WORK_TEXT}${await products()}` : '';
    return `${getBackend().name} backend${how}, float32 (scalar graph: float64 0-d tensors), ${loadedFrom()}`;
  },
  workloads: { mlp, cnn, matmul, ...scalarGraph },
};

/**
 * backprop with `BACKPROP_THREADS=1` (set by the parent when it spawns this engine's worker): the
 * per-core figure the targets divide by PyTorch's one-thread one.
 *
 * @example
 * ```ts
 * await oneThreadEngine.init(); // 'wasm backend, 1 thread (BACKPROP_THREADS=1), ...'
 * ```
 */
export const oneThreadEngine: Engine = {
  init: async () => {
    const threads = backpropThreads();
    if (threads !== 1)
      throw new Error(`backprop-1t: BACKPROP_THREADS=1 was not set (would use ${threads} threads)`);
    const how = getBackend().name === 'wasm' ? await products() : '';
    return `${getBackend().name} backend, 1 thread (BACKPROP_THREADS=1)${how}, float32 (scalar graph: float64 0-d tensors), ${loadedFrom()}`;
  },
  workloads: engine.workloads,
};

/**
 * backprop on the webgpu device (the npm package `webgpu` in Node): the same workloads with the
 * model and data moved to the GPU. On a real GPU the matmul workload adds 4096² products and the
 * GPU's float32 FMA peak, measured by a probe on the same adapter (issue 13's target divides the
 * one by the other). Without a GPU it runs on SwiftShader, which the setup line says: CPU-emulation
 * numbers, not GPU ones. The 0-d scalar graph is not a GPU workload.
 *
 * @example
 * ```ts
 * await webgpuEngine.init(); // 'webgpu device on SwiftShader driver 5.0.0: a CPU emulation ...'
 * ```
 */
export const webgpuEngine: Engine = {
  init: async () => {
    const { adapter, label } = await nodeGpu();
    await initWebGPU({ adapter });
    return `webgpu device on ${label}, float32, ${loadedFrom()}`;
  },
  workloads: {
    mlp: (plan) => mlp(plan, 'webgpu'),
    cnn: (plan) => cnn(plan, 'webgpu'),
    matmul: (plan) => gpuMatmul(plan, (n) => matmulAt(n, plan, 'webgpu'), true),
  },
};
