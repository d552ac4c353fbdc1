// Runs in headless Chromium (see webgpu.e2e.test.ts): the same seeded MLP trained for 10 SGD steps
// on the cpu device and on webgpu through the browser's navigator.gpu; the losses go to the test.
import { Generator, initWebGPU, noGrad, randint, randn, type Tensor, webgpuAvailable } from '@backprop/core';
import { crossEntropy, Linear, ReLU, Sequential } from '@backprop/nn';

async function train(device: 'cpu' | 'webgpu'): Promise<number[]> {
  const g = new Generator(11);
  const model = new Sequential(
    new Linear(20, 16, { generator: g }),
    new ReLU(),
    new Linear(16, 4, { generator: g }),
  ).to(device);
  const x = randn([32, 20], { generator: g }).to(device);
  const y = randint(0, 4, [32], { generator: g }).to(device);
  const losses: number[] = [];
  for (let i = 0; i < 10; i++) {
    model.zeroGrad();
    const loss = crossEntropy(model.forward(x) as Tensor, y);
    loss.backward();
    noGrad(() => {
      for (const p of model.parameters()) p.copy_(p.sub(p.grad!.mul(0.5)));
    });
    losses.push(await loss.itemAsync());
  }
  return losses;
}

const result: { available?: boolean; cpu?: number[]; webgpu?: number[]; error?: string } = {};
try {
  result.available = await webgpuAvailable();
  await initWebGPU();
  result.cpu = await train('cpu');
  result.webgpu = await train('webgpu');
} catch (e) {
  result.error = String(e);
}
(globalThis as { __result?: unknown }).__result = result;
