import { grad, noGrad, type Tensor, tensor, valueAndGrad } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from './helpers.js';

const F64 = { dtype: 'float64' } as const;
const TIGHT = { atol: 1e-10, rtol: 1e-9 };
const POINTS = [-1.7, -0.4, 0.3, 1.1, 2.5];

// f(a, b) = sum(a * b) + sum(a^2): df/da = b + 2a, df/db = a
const f = (a: Tensor, b: Tensor) => a.mul(b).sum().add(a.square().sum());
const a = tensor([1, -2, 3], F64);
const b = tensor([4, 5, -6], F64);

// The second derivative of an elementwise f, elementwise: grad(x => sum(grad(f)(x))).
function second(fn: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  const first = grad((x) => fn(x).sum());
  return grad((x) => first(x).sum());
}

describe('grad', () => {
  it('differentiates with respect to the first argument by default', () => {
    const g = grad(f)(a, b);
    expect(g.toArray()).toEqual([6, 1, 0]);
    expect(g.dtype).toBe('float64');
  });

  it('takes argnums as a number (one tensor) or an array (an array, in that order)', () => {
    expect(grad(f, { argnums: 1 })(a, b).toArray()).toEqual([1, -2, 3]);
    const both = grad(f, { argnums: [1, 0] })(a, b);
    expect(both).toHaveLength(2);
    expect(both[0]!.toArray()).toEqual([1, -2, 3]);
    expect(both[1]!.toArray()).toEqual([6, 1, 0]);
    const single = grad(f, { argnums: [0] })(a, b);
    expect(Array.isArray(single)).toBe(true);
  });

  it('returns value and gradients from valueAndGrad', () => {
    const [value, g] = valueAndGrad(f, { argnums: [0, 1] })(a, b);
    // sum(a * b) = 4 - 10 - 18 = -24, sum(a^2) = 14
    expect(value.item()).toBe(-10);
    expect(value.requiresGrad).toBe(false);
    expect((g as Tensor[]).map((t) => t.toArray())).toEqual([
      [6, 1, 0],
      [1, -2, 3],
    ]);
    const [v1, g1] = valueAndGrad(f, { argnums: 1 })(a, b);
    expect(v1.item()).toBe(-10);
    expect((g1 as Tensor).toArray()).toEqual([1, -2, 3]);
  });

  it('gives zeros of the argument shape and dtype where f does not depend on it', () => {
    const g = grad((_x: Tensor, y: Tensor) => y.sum(), { argnums: 0 })(
      tensor(
        [
          [1, 2],
          [3, 4],
        ],
        F64,
      ),
      b,
    );
    expect(g).not.toBeInstanceOf(Array);
    expect((g as Tensor).shape).toEqual([2, 2]);
    expect((g as Tensor).dtype).toBe('float64');
    expect((g as Tensor).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    const constant = grad(() => tensor(3))(tensor([1, 2]));
    expect(constant.toArray()).toEqual([0, 0]);
  });

  it("does not touch any leaf's .grad, neither the argument's nor a captured weight's", () => {
    const x = tensor([1, 2], { ...F64, requiresGrad: true });
    const w = tensor([3, 4], { ...F64, requiresGrad: true });
    x.mul(10).sum().backward();
    const before = x.grad;
    const g = grad((v) => v.mul(w).sum())(x);
    expect(g.toArray()).toEqual([3, 4]);
    expect(x.grad).toBe(before);
    expect(x.grad!.toArray()).toEqual([10, 10]);
    expect(w.grad).toBeNull();
  });

  it('returns gradients without a graph when nothing outside asks for one', () => {
    const g = grad((v) => v.pow(3).sum())(tensor([2], F64));
    expect(g.requiresGrad).toBe(false);
    expect(g.toArray()).toEqual([12]);
  });

  it('differentiates under noGrad too, handing back no graph', () => {
    const w = tensor([2, 5], { ...F64, requiresGrad: true });
    const [value, g] = noGrad(() =>
      valueAndGrad((v: Tensor) => v.square().mul(w).sum())(tensor([3, -1], F64)),
    );
    expect(value.item()).toBe(23); // 9 * 2 + 1 * 5
    expect((g as Tensor).toArray()).toEqual([12, -10]); // 2 v w
    expect((g as Tensor).requiresGrad).toBe(false);
    expect(value.requiresGrad).toBe(false);
    expect(w.grad).toBeNull();
  });

  it('refuses a non-scalar f and an argnum out of range', () => {
    expect(() => grad((v) => v.mul(2))(tensor([1, 2]))).toThrow(
      'grad: f must return a scalar tensor, got shape [2]',
    );
    expect(() => grad(f, { argnums: 2 })(a, b)).toThrow('grad: argnum 2 is out of range for 2 arguments');
  });
});

describe('higher derivatives through grad(grad(f))', () => {
  const x = () => tensor(POINTS, F64);

  it('x^3 -> 6x', () => {
    expectClose(
      second((v) => v.pow(3))(x()),
      POINTS.map((p) => 6 * p),
      TIGHT,
    );
  });

  it('tanh -> -2 tanh (1 - tanh^2)', () => {
    const expected = POINTS.map((p) => -2 * Math.tanh(p) * (1 - Math.tanh(p) ** 2));
    expectClose(second((v) => v.tanh())(x()), expected, TIGHT);
  });

  it('sigmoid -> s (1 - s) (1 - 2s)', () => {
    const s = (p: number) => 1 / (1 + Math.exp(-p));
    const expected = POINTS.map((p) => s(p) * (1 - s(p)) * (1 - 2 * s(p)));
    expectClose(second((v) => v.sigmoid())(x()), expected, TIGHT);
  });

  it('exp(x) sin(x) -> 2 exp(x) cos(x)', () => {
    // first derivative e^x (sin x + cos x); second e^x (sin + cos + cos - sin) = 2 e^x cos x
    const expected = POINTS.map((p) => 2 * Math.exp(p) * Math.cos(p));
    expectClose(second((v) => v.exp().mul(v.sin()))(x()), expected, TIGHT);
  });

  it('x^4 -> third derivative 24x', () => {
    const third = grad((v) => second((u) => u.pow(4))(v).sum()) as (v: Tensor) => Tensor;
    expectClose(
      third(x()),
      POINTS.map((p) => 24 * p),
      TIGHT,
    );
  });

  it('mixed partials of a two-argument function', () => {
    // g(a, b) = sum(a^2 b^3): d/da = 2ab^3, d/db of sum(2ab^3) = 6ab^2
    const g = (u: Tensor, v: Tensor) => u.square().mul(v.pow(3)).sum();
    const mixed = grad((u: Tensor, v: Tensor) => grad(g)(u, v).sum(), { argnums: 1 });
    const u = tensor([1, -2], F64);
    const v = tensor([3, 0.5], F64);
    expectClose(mixed(u, v) as Tensor, [6 * 1 * 9, 6 * -2 * 0.25], TIGHT);
  });

  it('sees through a tensor the inner function captures', () => {
    // inner: d/dx sum((x y)^2) = 2 x y^2; outer: d/dy sum(2 x y^2) = 4 x y
    const x0 = tensor([1, 2], F64);
    const outer = grad((y: Tensor) => grad((x: Tensor) => x.mul(y).square().sum())(x0).sum());
    expectClose(outer(tensor([3, -1], F64)) as Tensor, [12, -8], TIGHT);
  });

  it('lets backward() reach a captured weight through a gradient (a gradient penalty)', () => {
    // penalty = sum((d/dx sum(w x^2))^2) = sum((2 w x)^2) = 4 sum(w^2 x^2); d/dw = 8 w x^2
    const w = tensor([0.5, -2], { ...F64, requiresGrad: true });
    const x = tensor([3, 1], F64);
    const dx = grad((v: Tensor) => w.mul(v.square()).sum())(x);
    expect(dx.requiresGrad).toBe(true);
    dx.square().sum().backward();
    expectClose(w.grad!, [8 * 0.5 * 9, 8 * -2 * 1], TIGHT);
  });
});
