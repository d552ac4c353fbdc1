import { noGrad, Tensor, tensor } from '@backprop/core';
import { clipGradNorm_, clipGradValue_, SGD } from '@backprop/optim';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../core/test/webgpu-setup.js';

function withGrad(g: number[]): Tensor {
  const p = tensor(
    g.map(() => 0),
    { dtype: 'float64', requiresGrad: true },
  );
  p.grad = tensor(g, { dtype: 'float64' });
  return p;
}

describe('clipGradNorm_', () => {
  it('returns the total 2-norm before clipping and scales every gradient by maxNorm / (norm + 1e-6)', () => {
    const a = withGrad([3, 4]);
    const b = withGrad([12]);
    const norm = clipGradNorm_([a, b], 6.5);
    expect(norm).toBe(13); // √(3² + 4² + 12²)
    const coef = 6.5 / (13 + 1e-6);
    expect(Array.from(a.grad!.data())).toEqual([3 * coef, 4 * coef]);
    expect(Array.from(b.grad!.data())).toEqual([12 * coef]);
    const after = Math.hypot(3 * coef, 4 * coef, 12 * coef);
    expect(after).toBeLessThanOrEqual(6.5);
    expect(after).toBeCloseTo(6.5, 5);
  });

  it('leaves gradients alone when the norm is within maxNorm', () => {
    const a = withGrad([0.3, -0.4]);
    expect(clipGradNorm_([a], 1)).toBeCloseTo(0.5, 15);
    expect(Array.from(a.grad!.data())).toEqual([0.3, -0.4]);
  });

  it('supports other norms: 1 and Infinity', () => {
    const a = withGrad([1, -2]);
    const b = withGrad([3]);
    expect(clipGradNorm_([a, b], 100, 1)).toBe(6);
    expect(clipGradNorm_([a, b], 1.5, Number.POSITIVE_INFINITY)).toBe(3);
    const coef = 1.5 / (3 + 1e-6);
    expect(Array.from(b.grad!.data())).toEqual([3 * coef]);
  });

  it('ignores parameters without a gradient, takes a single tensor, and returns 0 with no gradients', () => {
    const a = withGrad([6, 8]);
    const none = tensor([1, 1], { requiresGrad: true });
    expect(clipGradNorm_([a, none], 5)).toBe(10);
    expect(none.grad).toBeNull();
    expect(clipGradNorm_(withGrad([-2]), 10)).toBe(2);
    expect(clipGradNorm_([none], 1)).toBe(0);
  });

  it('throws on a non-finite norm when asked, else spreads NaN as PyTorch does', () => {
    const a = withGrad([Number.NaN, 1]);
    expect(() => clipGradNorm_([a], 1, 2, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm_: the total norm of order 2 of the gradients is NaN',
    );
    expect(Array.from(a.grad!.data())[1]).toBe(1); // unchanged by the failed call
    expect(Number.isNaN(clipGradNorm_([a], 1))).toBe(true);
    expect(Number.isNaN(a.grad!.data()[1]!)).toBe(true);
  });

  it('rejects bad arguments', () => {
    expect(() => clipGradNorm_([withGrad([1])], -1)).toThrow('clipGradNorm_: maxNorm must be >= 0, got -1');
    expect(() => clipGradNorm_([withGrad([1])], 1, 0)).toThrow(
      'clipGradNorm_: normType must be > 0 or Infinity, got 0',
    );
  });

  it('scales float32 gradients in place', () => {
    const p = tensor([0, 0], { requiresGrad: true });
    p.grad = tensor([30, 40]);
    expect(clipGradNorm_([p], 5)).toBe(50);
    expect(Array.from(p.grad.data())).toEqual([
      Math.fround(30 * (5 / (50 + 1e-6))),
      Math.fround(40 * (5 / (50 + 1e-6))),
    ]);
  });
});

describe('clipGradValue_', () => {
  it('clamps every gradient element to [-clipValue, clipValue]', () => {
    const a = withGrad([-3, -0.5, 0, 0.25, 2]);
    const none = tensor([1], { requiresGrad: true });
    clipGradValue_([a, none], 1);
    expect(Array.from(a.grad!.data())).toEqual([-1, -0.5, 0, 0.25, 1]);
    expect(none.grad).toBeNull();
    expect(() => clipGradValue_([a], -1)).toThrow('clipGradValue_: clipValue must be >= 0, got -1');
  });
});

describe('on the webgpu device', () => {
  beforeAll(startWebGPU, 60_000);

  it('clipGradNorm_ keeps the norm on the device as a 0-d tensor and scales as on the cpu', async () => {
    const make = (device: 'cpu' | 'webgpu') => {
      const w = tensor([3, 4], { device }).requiresGrad_();
      const b = tensor([[12]], { device }).requiresGrad_();
      w.mul(w.detach()).sum().add(b.mul(b.detach()).sum()).backward(); // grads 2w, 2b: norm 26
      return [w, b] as const;
    };
    const [cw, cb] = make('cpu');
    const cpuNorm = clipGradNorm_([cw, cb], 13);
    const [gw, gb] = make('webgpu');
    const norm = clipGradNorm_([gw, gb], 13);
    expect(typeof cpuNorm).toBe('number');
    expect(norm).toBeInstanceOf(Tensor);
    const t = norm as Tensor;
    expect(t.device).toBe('webgpu');
    expect(t.shape).toEqual([]);
    expect(await t.itemAsync()).toBeCloseTo(cpuNorm as number, 4);
    expect(Array.from(await gw.grad!.dataAsync())).toEqual(
      Array.from(cw.grad!.data()).map((v) => expect.closeTo(v, 5)),
    );
    expect((await gb.grad!.dataAsync())[0]).toBeCloseTo(cb.grad!.data()[0]!, 5);
    expect(() => clipGradNorm_([gw], 1, 2, { errorIfNonfinite: true })).toThrow(
      /errorIfNonfinite needs the norm on the host/,
    );
  });

  it("an optimizer's state follows its parameters to the GPU; back to the cpu is refused before any write", async () => {
    const w = tensor([1, 2]).requiresGrad_();
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    w.sum().backward();
    opt.step(); // momentum buffer made on the cpu
    noGrad(() => w.set_(w.detach().to('webgpu')));
    w.grad = w.grad!.to('webgpu');
    opt.step();
    expect(opt.state.get(w)?.momentumBuffer).toBeInstanceOf(Tensor);
    expect((opt.state.get(w)!.momentumBuffer as Tensor).device).toBe('webgpu');
    // Two steps of momentum SGD with gradient 1: 1 - 0.1 - 0.19, 2 - 0.1 - 0.19.
    const got = await w.dataAsync();
    expect(got[0]).toBeCloseTo(0.71, 5);
    expect(got[1]).toBeCloseTo(1.71, 5);
    const v = tensor([1]).requiresGrad_();
    const opt2 = new SGD([v], { lr: 0.1, momentum: 0.9 });
    opt2.state.set(v, { momentumBuffer: tensor([1]).to('webgpu') });
    v.grad = tensor([1]);
    expect(() => opt2.step()).toThrow(/is on the cpu but its state is on webgpu/);
    expect(Array.from(v.data())).toEqual([1]);
  });
});
