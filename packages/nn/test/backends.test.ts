// The same seeded training on the cpu backend (float64 sums in matmul), the wasm backend (float32
// sums) and the webgpu device (WGSL kernels; SwiftShader without a GPU): the losses must agree
// within float32 tolerance step by step, for an MLP and a small CNN.
import {
  type Backend,
  cpuBackend,
  type Device,
  Generator,
  getBackend,
  noGrad,
  randint,
  randn,
  setBackend,
  type Tensor,
  wasmBackend,
} from '@backprop/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import {
  Conv2d,
  crossEntropy,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
} from '../src/index.js';

const initial = getBackend();
afterEach(() => setBackend(initial));

type Build = (g: Generator) => Module;

/**
 * The loss at each of 20 plain SGD steps (no optimizer package here: nn depends on core only), with
 * the model and data on `device` (built on the host first, so every run starts from the same
 * weights); losses are read with itemAsync, which serves both devices.
 */
async function train(
  backend: Backend,
  build: Build,
  shape: number[],
  classes: number,
  lr: number,
  device: Device = 'cpu',
): Promise<number[]> {
  setBackend(backend);
  const g = new Generator(7);
  const model = build(g).to(device);
  const x = randn(shape, { generator: g }).to(device);
  const y = randint(0, classes, [shape[0]!], { generator: g }).to(device);
  const losses: number[] = [];
  for (let i = 0; i < 20; i++) {
    model.zeroGrad();
    const loss = crossEntropy(model.forward(x) as Tensor, y);
    loss.backward();
    noGrad(() => {
      for (const p of model.parameters()) p.copy_(p.sub(p.grad!.mul(lr)));
    });
    losses.push(await loss.itemAsync());
  }
  expect(model.parameters().every((p) => p.device === device)).toBe(true);
  return losses;
}

async function expectSameCurve(build: Build, shape: number[], classes: number, lr: number): Promise<void> {
  const cpu = await train(cpuBackend, build, shape, classes, lr);
  const wasm = await train(wasmBackend, build, shape, classes, lr);
  expectCloseCurves(cpu, wasm, 'wasm');
}

function expectCloseCurves(cpu: number[], other: number[], name: string): void {
  const wasm = other;
  expect(cpu.at(-1)!).toBeLessThan(cpu[0]! * 0.8); // it learns, so the steps matter
  for (let i = 0; i < cpu.length; i++) {
    // Float32 sums differ from float64 ones by about 1e-7 relative per product; over 20 steps the
    // gap measured here stays below 1e-6. A 1e-4 bound is float32 agreement; a wrong kernel is far off.
    expect(Math.abs(wasm[i]! - cpu[i]!), `step ${i}: ${name} ${wasm[i]} vs cpu ${cpu[i]}`).toBeLessThan(
      1e-4 * Math.abs(cpu[i]!),
    );
  }
}

// conv, ReLU, pool, conv, linear: every window kernel, forward and backward.
const cnn: Build = (g) =>
  new Sequential(
    new Conv2d(1, 4, 3, { padding: 1, generator: g }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(4, 8, 3, { padding: 1, generator: g }),
    new ReLU(),
    new Flatten(),
    new Linear(8 * 6 * 6, 5, { generator: g }),
  );

describe('training agrees across backends', () => {
  it('an MLP 300-32-16-10 (k > 256: two k-slices in the first layer), 20 SGD steps', async () => {
    const build: Build = (g) =>
      new Sequential(
        new Linear(300, 32, { generator: g }),
        new ReLU(),
        new Linear(32, 16, { generator: g }),
        new ReLU(),
        new Linear(16, 10, { generator: g }),
      );
    await expectSameCurve(build, [48, 300], 10, 0.5);
  });

  it('a CNN (conv, ReLU, pool, conv, linear), 20 SGD steps', async () => {
    await expectSameCurve(cnn, [6, 1, 12, 12], 5, 0.05);
  });
});

describe('training agrees on the webgpu device', () => {
  beforeAll(startWebGPU, 60_000);
  const mlp: Build = (g) =>
    new Sequential(new Linear(300, 32, { generator: g }), new ReLU(), new Linear(32, 10, { generator: g }));

  it('an MLP 300-32-10, 20 SGD steps', async () => {
    expectCloseCurves(
      await train(cpuBackend, mlp, [48, 300], 10, 0.5),
      await train(cpuBackend, mlp, [48, 300], 10, 0.5, 'webgpu'),
      'webgpu',
    );
  });

  it('a CNN (conv, ReLU, pool, conv, linear), 20 SGD steps', async () => {
    expectCloseCurves(
      await train(cpuBackend, cnn, [6, 1, 12, 12], 5, 0.05),
      await train(cpuBackend, cnn, [6, 1, 12, 12], 5, 0.05, 'webgpu'),
      'webgpu',
    );
  });
});
