// Argument types at the autograd entries (backward, hooks, grad, graph pictures, setBackend): each
// wrong type is a TypeError naming the function and the argument, thrown before anything changes.
import {
  getBackend,
  grad,
  graphToSvg,
  setBackend,
  type Tensor,
  tensor,
  toDot,
  valueAndGrad,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';

const bad = <T>(v: unknown) => v as T;

describe('autograd entries refuse wrong argument types', () => {
  it('backward and registerHook', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward(bad('a'))).toThrow(
      new TypeError('backward: gradient must be a Tensor or a number, got the string "a"'),
    );
    expect(() => y.sum().backward(undefined, bad(5))).toThrow(TypeError);
    expect(() => x.registerHook(bad(5))).toThrow(
      new TypeError('registerHook: hook must be a function, got number 5'),
    );
    expect(x.grad).toBeNull();
    y.sum().backward();
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });

  it('grad and valueAndGrad check f and argnums when made, and the arguments when called', () => {
    expect(() => grad(bad('a'))).toThrow(new TypeError('grad: f must be a function, got the string "a"'));
    expect(() => valueAndGrad((x: Tensor) => x.sum(), bad({ argnums: 0.5 }))).toThrow(
      'argnums must be an integer',
    );
    const g = grad((x: Tensor) => x.sum());
    expect(() => g(bad([1, 2]))).toThrow(
      new TypeError('grad: argument 0 must be a Tensor, got an array of length 2'),
    );
  });

  it('toDot, graphToSvg and setBackend', () => {
    expect(() => toDot(bad(5))).toThrow(new TypeError('toDot: t must be a Tensor, got number 5'));
    expect(() => graphToSvg(bad(null))).toThrow(TypeError);
    const before = getBackend();
    expect(() => setBackend(bad(null))).toThrow(TypeError);
    expect(() => setBackend(bad({ ...getBackend(), name: 'half', sgdStep: undefined, fold: 3 }))).toThrow(
      new TypeError("setBackend: expected a Backend, but 'half' lacks the kernels fold, sgdStep"),
    );
    expect(getBackend()).toBe(before);
  });
});
