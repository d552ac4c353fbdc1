// 0-d floating-point ops on the built-in cpu backends compute their one number without the kernel
// dispatch (ops/kernels.ts), and their gradients go through backward as plain numbers (the rules'
// number versions, autograd/backward.ts): both must give the bits the kernels and the tensor rules
// give for the same numbers in 1-element tensors, and a custom backend must still see every op.
import {
  type Backend,
  cpuBackend,
  detectAnomaly,
  enableGrad,
  getBackend,
  grad,
  noGrad,
  ones,
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
const BINARY = ['add', 'sub', 'mul', 'div', 'pow'] as const;
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

// Every op whose backward rule has a number version (withScalarRule).
const BINARY_RULES = ['add', 'sub', 'mul', 'div', 'pow'] as const;
const UNARY_RULES = [
  'neg',
  'exp',
  'log',
  'sqrt',
  'sin',
  'cos',
  'square',
  'reciprocal',
  'tanh',
  'sigmoid',
  'relu',
  'leakyRelu',
  'abs',
] as const;
const DTYPES = ['float64', 'float32'] as const;
type Float = (typeof DTYPES)[number];

// Leaves holding `values` (0-d, or shape [1], whose gradients always go as tensors through the
// kernels), the graph `f` of them run backward, and the leaves' gradient bits.
function leafGrads(
  values: readonly number[],
  dtype: Float,
  oneD: boolean,
  f: (xs: Tensor[]) => Tensor,
): number[][] {
  const xs = values.map((v) =>
    oneD ? tensor([v], { dtype, requiresGrad: true }) : scalar(v, { dtype, requiresGrad: true }),
  );
  const out = f(xs);
  out.backward(oneD ? ones([1], { dtype }) : undefined);
  return xs.map((x) => bitsOf(x.grad!));
}

// The output of op feeds three consumers, so its gradient is a sum, as is each leaf's when x is y.
const fanOut = (z: Tensor): Tensor => z.mul(z).add(z.tanh()).sub(z);

describe('0-d backward on numbers', () => {
  const active = getBackend();
  afterEach(() => setBackend(active));

  it("gives the tensor rules' bits for every op with a number rule, float64 and float32, special values included", () => {
    for (const dtype of DTYPES) {
      for (const x of SPECIAL) {
        for (const op of UNARY_RULES) {
          const graph = ([a]: Tensor[]) => fanOut(a![op]());
          expect(leafGrads([x], dtype, false, graph), `${dtype} ${op}(${x})`).toEqual(
            leafGrads([x], dtype, true, graph),
          );
        }
        for (const y of SPECIAL) {
          for (const op of BINARY_RULES) {
            const graph = ([a, b]: Tensor[]) => fanOut(a![op](b!));
            expect(leafGrads([x, y], dtype, false, graph), `${dtype} ${x} ${op} ${y}`).toEqual(
              leafGrads([x, y], dtype, true, graph),
            );
            // A number operand needs no gradient: only the tensor's partial runs.
            const withNumber = ([a]: Tensor[]) => fanOut(a![op](y));
            expect(leafGrads([x], dtype, false, withNumber), `${dtype} ${x} ${op} number ${y}`).toEqual(
              leafGrads([x], dtype, true, withNumber),
            );
          }
        }
      }
    }
  });

  it('rounds where the tensor rules round, over many ordinary values', () => {
    // Special values alone rarely land between two float32 neighbours; 200 spread values do.
    const values = Array.from({ length: 200 }, (_, i) => (i - 100) * 0.0371 + 0.0013 * (i % 7));
    for (const dtype of DTYPES) {
      for (const x of values) {
        for (const op of UNARY_RULES) {
          const graph = ([a]: Tensor[]) => fanOut(op === 'leakyRelu' ? a!.leakyRelu(0.1) : a![op]());
          expect(leafGrads([x], dtype, false, graph), `${dtype} ${op}(${x})`).toEqual(
            leafGrads([x], dtype, true, graph),
          );
        }
        for (const op of BINARY_RULES) {
          const y = 1.7 - x / 3;
          const graph = ([a, b]: Tensor[]) => fanOut(a![op](b!));
          expect(leafGrads([x, y], dtype, false, graph), `${dtype} ${x} ${op} ${y}`).toEqual(
            leafGrads([x, y], dtype, true, graph),
          );
        }
      }
    }
  });

  it('hand-checked: d(x^3 + xy)/dx = 3x^2 + y and /dy = x, with x used four times', () => {
    const x = scalar(2, { dtype: 'float64', requiresGrad: true });
    const y = scalar(5, { dtype: 'float64', requiresGrad: true });
    x.pow(3).add(x.mul(y)).backward();
    expect(x.grad!.item()).toBe(17);
    expect(y.grad!.item()).toBe(2);
    // A second backward adds into the existing .grad, as PyTorch.
    x.mul(x).backward();
    expect(x.grad!.item()).toBe(21);
  });

  it('sums gradients in arrival order where tensor-rule consumers mix with number-rule ones', () => {
    // reshape and sum have no number rule: z's gradient arrives as numbers and as a tensor, and the
    // float32 sum must round in the same order as an all-tensor pass (anomaly mode keeps tensors).
    const graph = ([a, b]: Tensor[]) => {
      const z = a!.mul(b!).div(3);
      return z
        .tanh()
        .add(z.reshape([1]).mul(7).sum())
        .add(z.mul(1 / 3))
        .add(z.exp());
    };
    for (const dtype of DTYPES) {
      for (const [x, y] of [
        [0.1, 0.7],
        [1.3, -2.9],
        [1e-3, 3.7e2],
      ] as const) {
        const plain = leafGrads([x, y], dtype, false, graph);
        expect(plain).toEqual(detectAnomaly(() => leafGrads([x, y], dtype, false, graph)));
      }
    }
  });

  it('accumulates into an existing .grad as the kernels would (float32)', () => {
    const viaNumbers = scalar(0.1, { dtype: 'float32', requiresGrad: true });
    const viaTensors = tensor([0.1], { dtype: 'float32', requiresGrad: true });
    for (let i = 0; i < 3; i++) {
      viaNumbers.mul(1.1).tanh().backward();
      viaTensors
        .mul(1.1)
        .tanh()
        .backward(ones([1], { dtype: 'float32' }));
    }
    expect(bitsOf(viaNumbers.grad!)).toEqual(bitsOf(viaTensors.grad!));
    expect(viaNumbers.grad!.shape).toEqual([]);
  });

  it("hands hooks, retainGrad and grad() tensors, and keeps a hook's replacement", () => {
    const x = scalar(3, { dtype: 'float64', requiresGrad: true });
    const h = x.mul(x);
    const seen: Tensor[] = [];
    h.registerHook((g) => {
      seen.push(g);
      return g.mul(10);
    });
    const k = h.add(1);
    k.retainGrad();
    k.mul(2).backward();
    expect(seen.map((g) => [g.shape, g.item()])).toEqual([[[], 2]]);
    expect(k.grad!.item()).toBe(2);
    expect(x.grad!.item()).toBe(120); // 10 * 2 * 2x
    const t = Math.tanh(10);
    const f = (u: Tensor) => u.add(1).tanh();
    // At a fresh leaf (grad's own), and captured at a node (an argument that requires grad).
    const atLeaf = grad(f)(scalar(9, { dtype: 'float64' }));
    const atNode = noGrad(() => grad(f)(scalar(9, { dtype: 'float64', requiresGrad: true })));
    for (const g of [atLeaf, atNode]) {
      expect(g.shape).toEqual([]);
      expect(g.item()).toBe(1 - t * t);
    }
  });

  it('keeps its sums apart from a backward pass a hook runs on shared nodes', () => {
    const x = scalar(2, { dtype: 'float64', requiresGrad: true });
    const a = x.mul(3);
    const b = a.tanh();
    // The order is out, q, p, b, a: a holds q's gradient (4, a number) when b's hook runs a pass of
    // its own through a, which numbers a's node for that pass; b's gradient must still join q's.
    b.registerHook(() => {
      enableGrad(() => a.mul(5)).backward(undefined, { retainGraph: true });
    });
    const p = b.mul(2);
    const q = a.mul(4);
    p.add(q).backward();
    const t = Math.tanh(6);
    expect(x.grad!.item()).toBe(15 + (4 + 2 * (1 - t * t)) * 3);
  });

  it("keeps a leaf's sum apart from a pass a hook runs after the outer pass reached that leaf", () => {
    const x = scalar(2, { dtype: 'float64', requiresGrad: true });
    const a = x.mul(3);
    const b = a.tanh();
    // Order: out, c, b, a. c delivers 4 to x first; then b's hook runs a pass of its own into x
    // (5, written to x.grad when it ends); then a adds 3 (1 - tanh(6)^2) to the outer pass's sum.
    b.registerHook(() => {
      enableGrad(() => x.mul(5)).backward();
    });
    // The leaf's hook sees each pass's whole sum once: 5, then the outer pass's.
    const seen: number[] = [];
    x.registerHook((g) => void seen.push(g.item()));
    const c = x.mul(4);
    b.add(c).backward();
    const t = Math.tanh(6);
    expect(seen).toEqual([5, 4 + 3 * (1 - t * t)]);
    expect(x.grad!.item()).toBe(5 + (4 + 3 * (1 - t * t)));
    // Both passes gave back the leaf's slot: a third pass sums from scratch.
    x.grad = null;
    seen.length = 0;
    x.mul(7).add(x).backward();
    expect(seen).toEqual([8]);
    expect(x.grad!.item()).toBe(8);
  });

  it('leaves a custom backend every op of the backward pass', () => {
    const seen: string[] = [];
    setBackend({
      ...cpuBackend,
      name: 'counting',
      binary: (op, a, b, shape, dtype) => {
        seen.push(op);
        return cpuBackend.binary(op, a, b, shape, dtype);
      },
    });
    const x = scalar(2, { dtype: 'float64', requiresGrad: true });
    const y = x.mul(3);
    seen.length = 0;
    y.backward();
    expect(seen).toContain('mul');
    expect(x.grad!.item()).toBe(3);
  });
});
