// 0-d floating-point ops on the built-in cpu backends compute their one number without the kernel
// dispatch (ops/kernels.ts): they must give the bits the kernels give for the same numbers in a
// 1-element tensor, and a custom backend must still see every op.
import {
  type Backend,
  cpuBackend,
  getBackend,
  scalar,
  setBackend,
  type Tensor,
  tensor,
} from '@backprop/core';
import { afterEach, describe, expect, it } from 'vitest';

const SPECIAL = [
  0,
  -0,
  1,
  -1.5,
  3.25,
  1e-310,
  1e308,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
];
const BINARY = ['add', 'sub', 'mul', 'div'] as const;
const UNARY = ['tanh', 'exp', 'log', 'sqrt', 'neg', 'abs', 'sigmoid', 'relu', 'square'] as const;

const bitsOf = (t: Tensor): number[] => Array.from(t.data(), (v) => (Object.is(v, -0) ? -0 : v));

describe('0-d ops', () => {
  const active = getBackend();
  afterEach(() => setBackend(active));

  it('give the same bits as the kernels on 1-element tensors, float64 and float32, special values included', () => {
    for (const dtype of ['float64', 'float32'] as const) {
      for (const x of SPECIAL) {
        for (const y of SPECIAL) {
          for (const op of BINARY) {
            const zeroD = scalar(x, { dtype })[op](scalar(y, { dtype }));
            const oneD = tensor([x], { dtype })[op](tensor([y], { dtype }));
            expect(zeroD.shape).toEqual([]);
            expect(zeroD.dtype).toBe(dtype);
            expect(bitsOf(zeroD), `${dtype} ${x} ${op} ${y}`).toEqual(bitsOf(oneD));
          }
        }
        for (const op of UNARY) {
          const zeroD = scalar(x, { dtype })[op]();
          expect(bitsOf(zeroD), `${dtype} ${op}(${x})`).toEqual(bitsOf(tensor([x], { dtype })[op]()));
        }
      }
    }
  });

  it('still go through a custom backend', () => {
    const seen: string[] = [];
    const counting: Backend = {
      ...cpuBackend,
      name: 'counting',
      binary: (op, a, b, shape, dtype) => {
        seen.push(op);
        return cpuBackend.binary(op, a, b, shape, dtype);
      },
      unary: (op, x, dtype, p0, p1) => {
        seen.push(op);
        return cpuBackend.unary(op, x, dtype, p0, p1);
      },
    };
    setBackend(counting);
    expect(
      scalar(2, { dtype: 'float64' })
        .mul(scalar(3, { dtype: 'float64' }))
        .tanh()
        .item(),
    ).toBeCloseTo(Math.tanh(6), 15);
    expect(seen).toEqual(['mul', 'tanh']);
  });
});
