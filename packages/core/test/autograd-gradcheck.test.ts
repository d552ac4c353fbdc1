import {
  AutogradError,
  BackpropError,
  customOp,
  GradcheckError,
  gradcheck,
  ShapeError,
  type Tensor,
  tensor,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { thrown } from './helpers.js';

const F64 = { dtype: 'float64' } as const;

// square with a backward that forgets the factor 2: analytic dy * x instead of 2 x dy
const badSquare = customOp({
  name: 'badSquare',
  forward: (ctx, x) => {
    ctx.saveForBackward(x);
    return x.square();
  },
  backward: (ctx, dy) => [dy.mul(ctx.savedTensors[0]!)],
});

describe('gradcheck', () => {
  it('returns true for correct ops, any output shape', () => {
    const a = tensor(
      [
        [0.3, -1.2, 2],
        [0.7, 0.1, -0.5],
      ],
      F64,
    );
    const b = tensor([1.5, -0.4, 0.9], F64);
    expect(gradcheck((x, y) => x.mul(y).sin(), [a, b])).toBe(true);
    expect(gradcheck((x, y) => x.matmul(y), [a, b])).toBe(true);
    expect(gradcheck((x) => x.sigmoid().logSoftmax(1).sum(), [a])).toBe(true);
  });

  it('copies float32 inputs to float64 and leaves them untouched', () => {
    const a = tensor([0.5, 2]);
    expect(gradcheck((x) => x.exp().mul(x), [a])).toBe(true);
    expect(a.dtype).toBe('float32');
    expect(a.toArray()).toEqual([0.5, 2]);
    expect(a.grad).toBeNull();
  });

  it('throws a report naming the input, the element and both values', () => {
    const x = tensor([1, 2, 3], F64);
    const e = thrown(() => gradcheck((v) => badSquare(v), [x]));
    expect(e).toBeInstanceOf(GradcheckError);
    expect(e).toBeInstanceOf(BackpropError);
    // the first element checked: d x0^2 / d x0 at x0 = 1 is 2, the bad backward says 1
    expect(e.message).toContain('input 0 (shape [3]) at element [0]');
    expect(e.message).toContain('analytic 1,');
    const numerical = Number(/numerical (\S+)/.exec(e.message)?.[1]);
    expect(numerical).toBeCloseTo(2, 6);
  });

  it('names the second input when only its gradient is wrong', () => {
    // a * b with dL/db deliberately scaled by 1.5
    const badMul = customOp({
      name: 'badMul',
      forward: (ctx, p, q) => {
        ctx.saveForBackward(p, q);
        return p.mul(q);
      },
      backward: (ctx, dy) => [dy.mul(ctx.savedTensors[1]!), dy.mul(ctx.savedTensors[0]!).mul(1.5)],
    });
    const p = tensor(
      [
        [2, 4],
        [6, 8],
      ],
      F64,
    );
    const q = tensor(
      [
        [1, 1],
        [1, 1],
      ],
      F64,
    );
    const e = thrown(() => gradcheck((u, v) => badMul(u, v).sum(), [p, q]));
    expect(e.message).toContain('input 1 (shape [2,2]) at element [0,0]');
    expect(e.message).toContain('analytic 3,'); // 1.5 * p[0,0]
    expect(Number(/numerical (\S+)/.exec(e.message)?.[1])).toBeCloseTo(2, 6);
  });
});

describe('customOp', () => {
  it('passes saved tensors and needsInputGrad to backward and skips the inputs that need none', () => {
    const seen: boolean[][] = [];
    // scale(x, c) = x * c^2, treating c as a constant when it needs no gradient
    const scale = customOp({
      name: 'scale',
      forward: (ctx, x, c) => {
        ctx.saveForBackward(x, c);
        ctx.extra.note = 'saved';
        return x.mul(c.square());
      },
      backward: (ctx, dy) => {
        seen.push([...ctx.needsInputGrad]);
        expect(ctx.extra.note).toBe('saved');
        const [x, c] = ctx.savedTensors as [Tensor, Tensor];
        return [
          ctx.needsInputGrad[0] ? dy.mul(c.square()) : null,
          ctx.needsInputGrad[1] ? dy.mul(x).mul(c).mul(2) : null,
        ];
      },
    });
    const x = tensor([1, 2], { ...F64, requiresGrad: true });
    const c = tensor([3, -1], F64);
    const y = scale(x, c);
    expect(y.gradFn?.name).toBe('scale');
    expect(y.toArray()).toEqual([9, 2]);
    y.sum().backward();
    expect(seen).toEqual([[true, false]]);
    expect(x.grad!.toArray()).toEqual([9, 1]);
    expect(c.grad).toBeNull();
    expect(gradcheck((u, v) => scale(u, v), [x, c])).toBe(true);
  });

  it('sums a broadcast gradient back to each input shape', () => {
    const bmul = customOp({
      name: 'bmul',
      forward: (ctx, p, q) => {
        ctx.saveForBackward(p, q);
        return p.mul(q);
      },
      // both gradients come back with the output shape [2,3]; the engine reduces q's to [3]
      backward: (ctx, dy) => [dy.mul(ctx.savedTensors[1]!), dy.mul(ctx.savedTensors[0]!)],
    });
    const p = tensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { ...F64, requiresGrad: true },
    );
    const q = tensor([10, 20, 30], { ...F64, requiresGrad: true });
    bmul(p, q).sum().backward();
    expect(q.grad!.shape).toEqual([3]);
    expect(q.grad!.toArray()).toEqual([5, 7, 9]);
    expect(p.grad!.toArray()).toEqual([
      [10, 20, 30],
      [10, 20, 30],
    ]);
    expect(gradcheck((u, v) => bmul(u, v), [p, q])).toBe(true);
  });

  it('throws naming the op when backward returns the wrong number of gradients, changing no .grad', () => {
    const twoGrads = customOp({
      name: 'twoGrads',
      forward: (_ctx, x) => x.mul(2),
      backward: (_ctx, dy) => [dy, dy],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    const e = thrown(() => twoGrads(x).sum().backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toContain('twoGrads backward: returned 2 gradients for 1 inputs');
    expect(x.grad).toBeNull();
  });

  it('throws naming the op when a gradient cannot fit its input', () => {
    const wrongShape = customOp({
      name: 'wrongShape',
      forward: (_ctx, x) => x.sum(),
      backward: (_ctx, dy) => [dy.expand([5])],
    });
    const x = tensor([1, 2, 3], { requiresGrad: true });
    const e = thrown(() => wrongShape(x).backward());
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.message).toContain(
      'wrongShape backward: gradient of shape [5] does not fit input 0 of shape [3]',
    );
    expect(x.grad).toBeNull();
  });

  it('records nothing when no input requires grad, and leaves inputs alone when forward throws', () => {
    const double = customOp({
      name: 'double',
      forward: (_ctx, x) => x.mul(2),
      backward: (_ctx, dy) => [dy.mul(2)],
    });
    const plain = double(tensor([1, 2]));
    expect(plain.gradFn).toBeNull();
    expect(plain.toArray()).toEqual([2, 4]);

    const failing = customOp({
      name: 'failing',
      forward: (_ctx, x) => x.mul(2).matmul(tensor([[1, 2]])),
      backward: (_ctx, dy) => [dy],
    });
    const x = tensor([1, 2, 3], { requiresGrad: true });
    expect(() => failing(x)).toThrow(ShapeError);
    expect(x.toArray()).toEqual([1, 2, 3]);
    expect(x.grad).toBeNull();
  });
});
