import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { manualSeed, noGrad, randn, type Tensor, tensor } from '@backprop/core';
import { crossEntropy, Linear, MLP, ReLU, Sequential } from '@backprop/nn';
import { describe, expect, it } from 'vitest';

// A full collection on demand, so that the numbers below measure what is reachable, not what the
// collector has not got round to yet.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/**
 * Bytes reachable right now: the JS heap plus typed-array storage (which lives outside it). The
 * pause between collections lets V8 release the backing stores it freed on a background thread, which
 * `arrayBuffers` would otherwise still count.
 */
async function liveBytes(): Promise<number> {
  collect();
  await new Promise((resolve) => setTimeout(resolve, 20));
  collect();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

function sgdStep(params: readonly Tensor[], lr: number): void {
  noGrad(() => {
    for (const p of params) if (p.grad) p.sub_(p.grad.mul(lr));
  });
}

describe('memory', () => {
  it('holding the loss after backward keeps < 10% of the activations alive', async () => {
    manualSeed(3);
    const model = new Sequential(
      new Linear(256, 1024),
      new ReLU(),
      new Linear(1024, 1024),
      new ReLU(),
      new Linear(1024, 10),
    );
    const x = randn([512, 256]);
    const y = tensor(
      Array.from({ length: 512 }, (_, i) => i % 10),
      { dtype: 'int32' },
    );
    // One step first, so that every parameter already has its .grad (later passes add into it).
    crossEntropy(model.forward(x), y).backward();

    const base = await liveBytes();
    const loss = crossEntropy(model.forward(x), y);
    const withGraph = (await liveBytes()) - base;
    loss.backward();
    const afterBackward = (await liveBytes()) - base;

    // Four [512, 1024] float32 activations (two linear outputs, two relu outputs) are 8 MiB; the
    // measure is coarse, so ask only that the graph visibly holds most of them.
    expect(withGraph).toBeGreaterThan(6 * 2 ** 20);
    expect(afterBackward).toBeLessThan(0.1 * withGraph);
    // The graph's structure is still there to be inspected.
    expect(loss.gradFn?.freed).toBe(true);
    expect(loss.item()).toBeGreaterThan(0);
  });

  it('10,000 small training steps keep the heap flat (within 20%)', async () => {
    manualSeed(4);
    const model = new MLP([2, 16, 16, 1]);
    const params = model.parameters();
    const x = randn([32, 2]);
    const target = x.slice(1, 0, 1).mul(x.slice(1, 1, 2));
    const step = () => {
      model.zeroGrad();
      const loss = model.forward(x).sub(target).square().mean();
      loss.backward();
      sgdStep(params, 0.05);
      return loss;
    };
    let last: Tensor = step();
    for (let i = 1; i < 1000; i++) last = step();
    const early = await liveBytes();
    const firstLoss = last.item();
    for (let i = 1000; i < 10_000; i++) last = step();
    const late = await liveBytes();
    expect(last.item()).toBeLessThan(firstLoss); // it trains, so the steps are real
    expect(late).toBeLessThan(early * 1.2);
    expect(late).toBeGreaterThan(early * 0.8);
  });
});
