// TensorFlow.js 4.22 on its cpu (plain JS), wasm (XNNPACK) or webgpu backend, written as tf.layers would
// run it: fused matmul/conv with bias and ReLU, softmaxCrossEntropy, tf.train.sgd().minimize.
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { nodeGpu } from '../../node-gpu.js';
import { build, countNodes, expression } from '../../suites/scalar.js';
import type { Engine } from '../engine.js';
import { CNN, cnnProblem, MATMUL_N, MLP, matmulProblem, mlpProblem, scalarDraws } from '../spec.js';
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
import { gpuMatmul } from './gpu-matmul.js';
import { registerTfjsGradients } from './tfjs-gradients.js';

// Initial weights as trainable variables; `perm` (then `reshape`) turn PyTorch's layout into TF.js's.
function variable(data: Float32Array, shape: number[], perm?: number[], reshape?: number[]): tf.Variable {
  return tf.tidy(() => {
    const t = perm ? tf.transpose(tf.tensor(data, shape), perm) : tf.tensor(data, shape);
    return tf.variable(reshape ? tf.reshape(t, reshape) : t);
  });
}

// Losses of the first two steps are read before timing, so every engine reports the same two.
// On webgpu the loss is read asynchronously (TF.js's synchronous GPU read needs a browser canvas);
// the read ends the step there, as backprop-webgpu's does.
async function train(name: string, loss: () => tf.Scalar, lr: number, plan: TimingPlan) {
  const opt = tf.train.sgd(lr);
  const step = onGpu()
    ? async () => {
        const l = opt.minimize(loss, true)!;
        const v = (await l.data())[0]!;
        l.dispose();
        return v;
      }
    : () => {
        const l = opt.minimize(loss, true)!;
        const v = l.dataSync()[0]!;
        l.dispose();
        return v;
      };
  const check = lossCheck(await step(), await step());
  return { measurements: [measure(`${name} step`, 'steps/s', await timeCalls(step, plan))], check };
}

// One-hot targets, made once outside the step as a tf.data pipeline would hand them over.
function oneHot(y: Int32Array, classes: number): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), classes) as tf.Tensor2D);
}

async function mlp(plan: TimingPlan): Promise<WorkloadResult> {
  const p = mlpProblem();
  // Dense kernels are [in, out] in TF.js: transpose PyTorch's [out, in].
  const layers = p.layers.map((l) => ({
    w: variable(l.w, [l.outF, l.inF], [1, 0]),
    b: variable(l.b, [l.outF]),
  }));
  const x = tf.tensor2d(p.x, [MLP.batch, MLP.sizes[0]]);
  const forward = () => {
    let h: tf.Tensor2D = x;
    layers.forEach((l, i) => {
      const activation = i < layers.length - 1 ? 'relu' : 'linear';
      h = tf.fused.matMul({ a: h, b: l.w as tf.Tensor2D, bias: l.b, activation }) as tf.Tensor2D;
    });
    return h;
  };
  const y = oneHot(p.y, MLP.sizes[3]);
  return train('mlp', () => tf.losses.softmaxCrossEntropy(y, forward()), MLP.lr, plan);
}

async function cnn(plan: TimingPlan): Promise<WorkloadResult> {
  const p = cnnProblem();
  // NHWC images (one channel, so NCHW data is already NHWC) and [kh, kw, in, out] filters.
  const x = tf.tensor4d(p.x, [CNN.batch, CNN.side, CNN.side, 1]);
  const conv = (c: typeof p.conv1) => ({
    w: variable(c.w, [c.outC, c.inC, 3, 3], [2, 3, 1, 0]),
    b: variable(c.b, [c.outC]),
  });
  const [c1, c2] = [conv(p.conv1), conv(p.conv2)];
  // The linear layer's inputs arrive in NHWC flatten order (row, column, channel): permute its rows.
  const fc = {
    w: variable(p.fc.w, [CNN.classes, CNN.c2, 7, 7], [2, 3, 1, 0], [7 * 7 * CNN.c2, CNN.classes]),
    b: variable(p.fc.b, [CNN.classes]),
  };
  const block = (h: tf.Tensor4D, c: { w: tf.Variable; b: tf.Variable }) =>
    tf.maxPool(
      tf.fused.conv2d({
        x: h,
        filter: c.w as tf.Tensor4D,
        bias: c.b,
        activation: 'relu',
        strides: 1,
        pad: 'same',
      }),
      2,
      2,
      'valid',
    );
  const forward = () => {
    const h = block(block(x, c1), c2);
    return tf.fused.matMul({ a: tf.reshape(h, [CNN.batch, -1]), b: fc.w, bias: fc.b });
  };
  const y = oneHot(p.y, CNN.classes);
  return train('cnn', () => tf.losses.softmaxCrossEntropy(y, forward()), CNN.lr, plan);
}

const onGpu = () => tf.getBackend() === 'webgpu';

// Element [0, 0] of a product, read back: four bytes, after the work queued before it.
async function corner(t: tf.Tensor): Promise<number> {
  const one = tf.slice(t, [0, 0], [1, 1]);
  const v = (await one.data())[0]!;
  one.dispose();
  return v;
}

async function matmulAt(n: number, plan: TimingPlan): Promise<WorkloadResult> {
  const p = matmulProblem(n);
  const [a, b, g] = [p.a, p.b, p.g].map((d) => tf.tensor2d(d, [n, n])) as [
    tf.Tensor2D,
    tf.Tensor2D,
    tf.Tensor2D,
  ];
  // dA = G·Bᵀ and dB = Aᵀ·G: the vector-Jacobian product of Y = A·B with output gradient G.
  const valueAndVjp = tf.valueAndGrads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y));
  // On webgpu a call ends when a corner of its last result is read back; on the CPU backends the
  // work is done when the call returns.
  const gpu = onGpu();
  const fwd = await timeCalls(
    gpu
      ? async () => {
          const y = tf.matMul(a, b);
          await corner(y);
          y.dispose();
        }
      : () => tf.matMul(a, b).dispose(),
    plan,
  );
  // The first (warm-up) call also records the check.
  const first: { check?: Check } = {};
  const fb = await timeCalls(async () => {
    const outs = tf.tidy(() => {
      const { value, grads } = valueAndVjp([a, b], g);
      return [value, ...grads];
    });
    if (first.check === undefined) {
      const [y, da, db] = await Promise.all(outs.map(corner));
      first.check = matmulCheck(y!, da!, db!);
    } else if (gpu) await corner(outs[2]!);
    tf.dispose(outs);
  }, plan);
  tf.dispose([a, b, g]);
  return {
    measurements: [
      measure(`matmul ${n} fwd`, 'GFLOP/s', fwd, 2 * n ** 3, 1e9),
      measure(`matmul ${n} f+b`, 'GFLOP/s', fb, 6 * n ** 3, 1e9),
    ],
    check: first.check!,
  };
}

async function matmul(plan: TimingPlan): Promise<WorkloadResult> {
  return onGpu() ? gpuMatmul(plan, (n) => matmulAt(n, plan)) : matmulAt(MATMUL_N, plan);
}

/** A 0-d tf.Tensor with the add/mul/tanh methods the shared scalar expression calls. */
class TfScalar {
  constructor(readonly t: tf.Tensor) {}
  add(o: TfScalar): TfScalar {
    return new TfScalar(tf.add(this.t, o.t));
  }
  mul(o: TfScalar): TfScalar {
    return new TfScalar(tf.mul(this.t, o.t));
  }
  tanh(): TfScalar {
    return new TfScalar(tf.tanh(this.t));
  }
}

async function scalarGraph(plan: TimingPlan): Promise<WorkloadResult> {
  const nodes = countNodes();
  const s = build((v) => new TfScalar(tf.scalar(v)), scalarDraws());
  const params = [...s.p.hidden, s.p.out].flatMap((n) => [...n.w, n.b]).map((v) => v.t);
  const run = () => expression(s.p, s.xs, s.ys, s.m1).t;
  // The gradient with respect to every weight and bias, as micrograd's backward gives.
  const gradients = tf.grads(() => run());
  const check = valueCheck(tf.tidy(() => run().dataSync()[0]!));
  const fwd = await timeCalls(() => tf.tidy(() => void run()), plan);
  const fb = await timeCalls(() => tf.tidy(() => void gradients(params)), plan);
  return {
    measurements: [
      measure('scalar fwd', 'M nodes/s', fwd, nodes, 1e6),
      measure('scalar f+b', 'M nodes/s', fb, nodes, 1e6),
    ],
    check,
    note: 'float32 0-d tensors (TF.js has no float64)',
  };
}

/**
 * TF.js on one backend; `wasm` loads its binaries from node_modules (no network), `webgpu` runs
 * on the adapter `nodeGpu` finds (SwiftShader without a GPU, which its setup line says).
 *
 * @example
 * ```ts
 * const engine = tfjsEngine('wasm');
 * await engine.init(); // 'tfjs-core 4.22.0, wasm backend, 1 thread, SIMD'
 * ```
 */
export function tfjsEngine(backend: 'cpu' | 'wasm' | 'webgpu'): Engine {
  return {
    async init() {
      registerTfjsGradients();
      const gpu = backend === 'webgpu' ? await nodeGpu() : undefined;
      // The webgpu backend registers itself on import, and only where navigator.gpu exists.
      if (gpu) await import('@tensorflow/tfjs-backend-webgpu');
      if (backend === 'wasm') {
        const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
        setWasmPaths(`${path.join(path.dirname(pkg), 'dist')}${path.sep}`);
      }
      if (!(await tf.setBackend(backend))) throw new Error(`tfjs: backend ${backend} failed to start`);
      await tf.ready();
      if (backend === 'cpu') return `tfjs-core ${tf.version_core}, cpu backend (plain JS), 1 thread`;
      if (gpu) return `tfjs-core ${tf.version_core}, webgpu backend on ${gpu.label}`;
      const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
      return `tfjs-core ${tf.version_core}, wasm backend (XNNPACK${simd ? ', SIMD' : ''}), ${getThreadsCount()} thread(s): TF.js disables wasm threads under Node`;
    },
    // The 0-d scalar graph is not a GPU workload.
    workloads: backend === 'webgpu' ? { mlp, cnn, matmul } : { mlp, cnn, matmul, scalar: scalarGraph },
  };
}
