// jax-js on its wasm or webgpu device, each training step one jit-compiled function of the parameters
// (value and gradient, then the SGD update), as JAX code is written. jax-js counts references: a
// function argument is consumed, `.ref` keeps an array alive for another use.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  defaultDevice,
  init,
  type Array as JaxArray,
  jit,
  lax,
  nn,
  numpy as np,
  tree,
  valueAndGrad,
  vjp,
} from '@jax-js/jax';
import { nodeGpu } from '../../node-gpu.js';
import type { Engine } from '../engine.js';
import { CNN, cnnProblem, type DenseInit, MATMUL_N, MLP, matmulProblem, mlpProblem } from '../spec.js';
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
import { jaxScalarGraph } from './jax-scalar.js';

function array(data: Float32Array, shape: number[]): JaxArray {
  return np.array(data).reshape(shape);
}

// [weight, bias], the weight as [in, out] so the forward is h·W + b (PyTorch keeps [out, in], uses Wᵀ).
function dense(l: DenseInit): [JaxArray, JaxArray] {
  const w = new Float32Array(l.w.length);
  for (let o = 0; o < l.outF; o++) for (let i = 0; i < l.inF; i++) w[i * l.outF + o] = l.w[o * l.inF + i]!;
  return [array(w, [l.inF, l.outF]), array(l.b, [l.outF])];
}

function oneHot(y: Int32Array, classes: number): JaxArray {
  const data = new Float32Array(y.length * classes);
  y.forEach((c, i) => {
    data[i * classes + c] = 1;
  });
  return array(data, [y.length, classes]);
}

// Mean cross-entropy against one-hot targets; consumes both arguments.
function crossEntropy(logits: JaxArray, target: JaxArray): JaxArray {
  const n = logits.shape[0]!;
  return nn
    .logSoftmax(logits, -1)
    .mul(target)
    .sum()
    .mul(-1 / n);
}

// A jit-compiled SGD step over a flat parameter list: `[loss, next] = step(params, x, y)`, consuming
// all three arguments.
function sgdStep(loss: (p: JaxArray[], x: JaxArray, y: JaxArray) => JaxArray, lr: number) {
  return jit((params: JaxArray[], x: JaxArray, y: JaxArray) => {
    const [value, grads] = valueAndGrad(loss)(tree.ref(params), x, y);
    const next = params.map((p, i) => p.sub(grads[i]!.mul(lr)));
    return [value, next] as [JaxArray, JaxArray[]];
  });
}

// Losses of the first two steps are read before timing, so every engine reports the same two.
async function train(
  name: string,
  loss: (p: JaxArray[], x: JaxArray, y: JaxArray) => JaxArray,
  start: JaxArray[],
  data: { x: JaxArray; y: JaxArray; lr: number },
  plan: TimingPlan,
): Promise<WorkloadResult> {
  const step = sgdStep(loss, data.lr);
  let params = start;
  // On webgpu the loss is read asynchronously, and the read ends the step, as in backprop-webgpu.
  const once =
    defaultDevice() === 'webgpu'
      ? async () => {
          const [value, next] = step(params, data.x.ref, data.y.ref);
          params = next;
          return (await value.data())[0]!;
        }
      : () => {
          const [value, next] = step(params, data.x.ref, data.y.ref);
          params = next;
          return value.item();
        };
  const check = lossCheck(await once(), await once());
  return { measurements: [measure(`${name} step`, 'steps/s', await timeCalls(once, plan))], check };
}

async function mlp(plan: TimingPlan): Promise<WorkloadResult> {
  const p = mlpProblem();
  // params: [w1, b1, w2, b2, w3, b3], each used once.
  const loss = (ps: JaxArray[], x: JaxArray, y: JaxArray) => {
    let h = x;
    for (let i = 0; i < ps.length; i += 2) {
      const z = np.matmul(h, ps[i]!).add(ps[i + 1]!);
      h = i + 2 < ps.length ? nn.relu(z) : z;
    }
    return crossEntropy(h, y);
  };
  const x = array(p.x, [MLP.batch, MLP.sizes[0]]);
  const start = p.layers.flatMap((l) => dense(l));
  return train('mlp', loss, start, { x, y: oneHot(p.y, MLP.sizes[3]), lr: MLP.lr }, plan);
}

// conv 3x3 (same padding) + bias, ReLU, then 2x2 max pooling as a max over reshaped windows.
function convBlock(h: JaxArray, w: JaxArray, b: JaxArray): JaxArray {
  const [n, , side] = h.shape as [number, number, number];
  const outC = w.shape[0]!;
  const z = nn.relu(lax.conv(h, w, [1, 1], 'SAME').add(b.reshape([1, outC, 1, 1])));
  return z.reshape([n, outC, side / 2, 2, side / 2, 2]).max([3, 5]);
}

async function cnn(plan: TimingPlan): Promise<WorkloadResult> {
  const p = cnnProblem();
  // params: [conv1 w, conv1 b, conv2 w, conv2 b, fc w, fc b], each used once.
  const loss = ([w1, b1, w2, b2, w3, b3]: JaxArray[], x: JaxArray, y: JaxArray) => {
    const h = convBlock(convBlock(x, w1!, b1!), w2!, b2!);
    return crossEntropy(np.matmul(h.reshape([CNN.batch, -1]), w3!).add(b3!), y);
  };
  const conv = (c: typeof p.conv1) => [array(c.w, [c.outC, c.inC, 3, 3]), array(c.b, [c.outC])];
  const start = [...conv(p.conv1), ...conv(p.conv2), ...dense(p.fc)];
  const x = array(p.x, [CNN.batch, 1, CNN.side, CNN.side]);
  return train('cnn', loss, start, { x, y: oneHot(p.y, CNN.classes), lr: CNN.lr }, plan);
}

async function matmulAt(n: number, plan: TimingPlan): Promise<WorkloadResult> {
  const p = matmulProblem(n);
  const [a, b, g] = [p.a, p.b, p.g].map((d) => array(d, [n, n])) as [JaxArray, JaxArray, JaxArray];
  const forward = jit((x: JaxArray, y: JaxArray) => np.matmul(x, y));
  // Y is returned too, so jit cannot drop the forward product: 6n³ FLOPs really run.
  const fwdBwd = jit((x: JaxArray, y: JaxArray, dy: JaxArray) => {
    const [out, back] = vjp((u: JaxArray, v: JaxArray) => np.matmul(u, v), [x, y]);
    const [dx, dw] = back(dy) as [JaxArray, JaxArray];
    return [out, dx, dw];
  });
  const settle = async (outs: JaxArray[]) => {
    for (const o of outs) (await o.blockUntilReady()).dispose();
  };
  const fwd = await timeCalls(() => settle([forward(a.ref, b.ref)]), plan);
  // The first (warm-up) call also records the check.
  const first: { check?: Check } = {};
  const fb = await timeCalls(async () => {
    const outs = fwdBwd(a.ref, b.ref, g.ref);
    if (first.check === undefined) {
      // An asynchronous read: jax-js's synchronous one needs a browser canvas on webgpu.
      const [y, da, db] = await Promise.all(outs.map(async (o) => (await o.ref.data())[0]!));
      first.check = matmulCheck(y!, da!, db!);
    }
    return settle(outs);
  }, plan);
  return {
    measurements: [
      measure(`matmul ${n} fwd`, 'GFLOP/s', fwd, 2 * n ** 3, 1e9),
      measure(`matmul ${n} f+b`, 'GFLOP/s', fb, 6 * n ** 3, 1e9),
    ],
    check: first.check!,
  };
}

async function matmul(plan: TimingPlan): Promise<WorkloadResult> {
  if (defaultDevice() === 'webgpu') return gpuMatmul(plan, (n) => matmulAt(n, plan));
  return matmulAt(MATMUL_N, plan);
}

// The installed version (its package exports hide package.json, so find it beside dist/).
function version(): string {
  const entry = createRequire(import.meta.url).resolve('@jax-js/jax');
  return JSON.parse(readFileSync(path.join(path.dirname(entry), '..', 'package.json'), 'utf8')).version;
}

/**
 * jax-js on the wasm device (single-threaded under Node: its thread pool needs the Web `Worker`).
 *
 * @example
 * ```ts
 * await engine.init(); // 'jax-js wasm device, jit, 1 thread'
 * ```
 */
export const engine: Engine = {
  async init() {
    await start('wasm');
    const threads = typeof Worker === 'undefined' ? '1 thread (no Web Worker global in Node)' : 'worker pool';
    return `jax-js ${version()}, wasm device, jit, float32, ${threads}`;
  },
  workloads: { mlp, cnn, matmul, scalar: jaxScalarGraph },
};

/**
 * jax-js on its webgpu device, on the adapter `nodeGpu` finds (SwiftShader without a GPU, which the
 * setup line says). The 0-d scalar graph is not a GPU workload.
 *
 * @example
 * ```ts
 * await webgpuEngine.init(); // 'jax-js 0.1.25, webgpu device on SwiftShader ...'
 * ```
 */
export const webgpuEngine: Engine = {
  async init() {
    const { label } = await nodeGpu();
    await start('webgpu');
    return `jax-js ${version()}, webgpu device on ${label}, jit, float32`;
  },
  workloads: { mlp, cnn, matmul },
};

async function start(device: 'wasm' | 'webgpu'): Promise<void> {
  const devices = await init(device);
  if (!devices.includes(device)) throw new Error(`jax-js: no ${device} device (got ${devices.join(', ')})`);
  defaultDevice(device);
}
