import { AutogradError, tensor } from '@backprop/core';
import { Adam, SGD } from '@backprop/optim';
import { describe, expect, it } from 'vitest';

describe('optimizer steps bump parameter versions', () => {
  it('a graph kept across SGD.step refuses a second backward instead of mixing old and new weights', () => {
    const w = tensor([2, 3], { requiresGrad: true, dtype: 'float64' });
    const loss = w
      .mul(w)
      .mul(tensor([5, 7], { dtype: 'float64' }))
      .sum();
    loss.backward(undefined, { retainGraph: true });
    new SGD([w], { lr: 0.1 }).step();
    expect(w.toArray()).toEqual([0, 3 - 0.1 * 42]);
    expect(w._version).toBe(1);
    w.zeroGrad();
    // Before version counters this returned w.grad = [0, -16.8] silently.
    expect(() => loss.backward()).toThrow(AutogradError);
    expect(() => loss.backward()).toThrow('mul backward: one of the tensors needed for gradient computation');
    expect(w.grad).toBeNull();
  });

  it('the usual loop (forward, backward, step) runs with fresh graphs', () => {
    const w = tensor([1, -1], { requiresGrad: true, dtype: 'float64' });
    const opt = new Adam([w], { lr: 0.1 });
    for (let i = 0; i < 5; i++) {
      opt.zeroGrad();
      w.square().sum().backward();
      opt.step();
    }
    expect(w._version).toBe(5);
    expect(Math.abs(w.data()[0]!)).toBeLessThan(1);
  });
});
