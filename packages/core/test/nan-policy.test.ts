// The NaN policy of docs/nan-policy.md, claim by claim, on every backend. Each expected value is
// PyTorch's (torch 1.13, float64, the commented call), so a claim that drifts from PyTorch fails here.
import {
  argmax,
  argmin,
  type Backend,
  clamp,
  cpuBackend,
  getBackend,
  logsumexp,
  matmul,
  max,
  maximum,
  maxPool2d,
  mean,
  min,
  minimum,
  type NestedArray,
  ones,
  relu,
  setBackend,
  softmax,
  step,
  sum,
  type Tensor,
  tensor,
  ValueError,
  wasmBackend,
  where,
  zeros,
} from '@backprop/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const NAN = Number.NaN;
const INF = Number.POSITIVE_INFINITY;
const f64 = (v: NestedArray) => tensor(v, { dtype: 'float64' });

/** The op's output and the gradient of each input for `upstream` (ones when omitted). */
function run(f: (...xs: Tensor[]) => Tensor, inputs: NestedArray[], upstream?: NestedArray) {
  const xs = inputs.map((v) => f64(v).requiresGrad_());
  const y = f(...xs);
  y.backward(upstream === undefined ? ones(y.shape, { dtype: 'float64' }) : f64(upstream));
  return { y: y.toArray(), grads: xs.map((x) => x.grad!.toArray()) };
}

describe.each([cpuBackend, wasmBackend])('NaN as PyTorch, on the $name backend', (backend: Backend) => {
  let previous: Backend;
  beforeAll(() => {
    previous = getBackend();
    setBackend(backend);
  });
  afterAll(() => setBackend(previous));

  it('maximum and minimum give NaN from either side, and each side all of dy there', () => {
    // torch.maximum(a, b) with a = [nan, 1, 2], b = [1, nan, 2]; grads for ones: [1, 1, .5] each
    for (const f of [maximum, minimum]) {
      const { y, grads } = run(f, [
        [NAN, 1, 2],
        [1, NAN, 2],
      ]);
      expect(y).toEqual([NAN, NAN, 2]);
      expect(grads).toEqual([
        [1, 1, 0.5],
        [1, 1, 0.5],
      ]);
    }
  });

  it('max and min over a dim give NaN, and the gradient to the first NaN (the argmax index)', () => {
    // torch.max(x, 0).values.backward() with x = [1, nan, 3, nan]: x.grad = [0, 1, 0, 0]
    for (const f of [max, min]) {
      const { y, grads } = run((x) => f(x, 0), [[1, NAN, 3, NAN]]);
      expect(y).toBeNaN();
      expect(grads[0]).toEqual([0, 1, 0, 0]);
    }
    expect(argmax(f64([1, NAN, 3, NAN])).item()).toBe(1);
    expect(argmin(f64([1, NAN, 3, NAN])).item()).toBe(1);
    expect(
      argmax(
        f64([
          [2, NAN, NAN],
          [NAN, 5, 1],
        ]),
        1,
      ).toArray(),
    ).toEqual([1, 0]);
  });

  it('max() over everything splits the gradient among the NaNs; over a dim list, as amax', () => {
    // x.max().backward(): [0, .5, 0, .5]
    expect(run((x) => max(x), [[1, NAN, 3, NAN]]).grads[0]).toEqual([0, 0.5, 0, 0.5]);
    expect(run((x) => min(x), [[1, NAN, 3, NAN]]).grads[0]).toEqual([0, 0.5, 0, 0.5]);
    // torch.amax(x, dim=[1]) with x = [[1, nan, 2], [2, 3, 3]]: [nan, 3]; grads [[nan]*3, [0, .5, .5]]
    const { y, grads } = run(
      (x) => max(x, [1]),
      [
        [
          [1, NAN, 2],
          [2, 3, 3],
        ],
      ],
    );
    expect(y).toEqual([NAN, 3]);
    expect(grads[0]).toEqual([
      [NAN, NAN, NAN],
      [0, 0.5, 0.5],
    ]);
  });

  it('an infinite dy reaches the winner alone: the other elements get 0, not NaN', () => {
    // torch.maximum([1, 2, 3], [2, 1, 3]).backward([inf] * 3): [0, inf, inf], [inf, 0, inf]
    expect(
      run(
        maximum,
        [
          [1, 2, 3],
          [2, 1, 3],
        ],
        [INF, INF, INF],
      ).grads,
    ).toEqual([
      [0, INF, INF],
      [INF, 0, INF],
    ]);
    // torch.max(x, 0) and x.max() with x = [1, 3, 2], backward(inf): [0, inf, 0]
    expect(run((x) => max(x, 0), [[1, 3, 2]], INF).grads[0]).toEqual([0, INF, 0]);
    expect(run((x) => max(x), [[1, 3, 2]], INF).grads[0]).toEqual([0, INF, 0]);
    // torch.clamp(x, 0, 1) with x = [-1, .5, 2], backward([inf] * 3): [0, inf, 0]
    expect(run((x) => clamp(x, 0, 1), [[-1, 0.5, 2]], [INF, INF, INF]).grads[0]).toEqual([0, INF, 0]);
  });

  it('clamp: NaN elements stay NaN with gradient 0; two bounds with a NaN give NaN; a lone NaN bound is ignored', () => {
    // torch.clamp([nan, 1, 2], 0, 1): [nan, 1, 1]; grad [0, 1, 0]
    expect(run((x) => clamp(x, 0, 1), [[NAN, 1, 2]])).toEqual({ y: [NAN, 1, 1], grads: [[0, 1, 0]] });
    // torch.clamp(x, nan, .5) and torch.clamp(x, 0, nan): all nan, grad 0
    expect(run((x) => clamp(x, NAN, 0.5), [[-1, 0.2, 2]])).toEqual({
      y: [NAN, NAN, NAN],
      grads: [[0, 0, 0]],
    });
    expect(clamp(f64([-1, 0.2, 2]), 0, NAN).toArray()).toEqual([NAN, NAN, NAN]);
    expect(clamp(tensor([-1, 0.2, 2]), NAN, 0.5).dtype).toBe('float32');
    // torch.clamp(x, min=nan) and torch.clamp(x, max=nan) leave x as it is
    expect(clamp(f64([-1, 0.2, 2]), NAN).toArray()).toEqual([-1, 0.2, 2]);
    expect(clamp(f64([-1, 0.2, 2]), null, NAN).toArray()).toEqual([-1, 0.2, 2]);
    // torch.clamp([-1, .5, 2, nan], 1, 0): max wins, [0, 0, 0, nan]; grad 0
    expect(run((x) => clamp(x, 1, 0), [[-1, 0.5, 2, NAN]])).toEqual({
      y: [0, 0, 0, NAN],
      grads: [[0, 0, 0, 0]],
    });
  });

  it('relu passes NaN through, step and comparisons read it as false, where as a true condition', () => {
    // torch.relu([nan, -1, 0, 2]): [nan, 0, 0, 2]; (x > 0): [0, 0, 0, 1]
    expect(relu(f64([NAN, -1, 0, 2])).toArray()).toEqual([NAN, 0, 0, 2]);
    expect(step(f64([NAN, -1, 0, 2])).toArray()).toEqual([0, 0, 0, 1]);
    // nan < 1, nan >= 1, nan == nan: False; nan != nan: True
    const n = f64([NAN]);
    expect([n.lt(1), n.ge(1), n.eq(n), n.ne(n)].map((t) => t.item())).toEqual([0, 0, 0, 1]);
    // torch.where(tensor([nan]) != 0, 1., 2.): 1 (NaN is not zero)
    expect(where(f64([NAN, 0]), f64([1, 1]), f64([2, 2])).toArray()).toEqual([1, 2]);
  });

  it('pow follows C (1 ** NaN and (-1) ** Infinity are 1), and to(int32) refuses what int32 cannot hold', () => {
    // torch.pow(tensor([1., -1., 2.]), tensor([nan, inf, nan])): [1, 1, nan]
    expect(
      f64([1, -1, 2])
        .pow(f64([NAN, Number.POSITIVE_INFINITY, NAN]))
        .toArray(),
    ).toEqual([1, 1, NAN]);
    expect(() => f64([1, NAN]).to('int32')).toThrow('to: element 1 = NaN does not fit dtype int32');
    expect(() => f64([1e12]).to('int32')).toThrow(ValueError);
    expect(f64([2.7, -2.7]).to('int32').toArray()).toEqual([2, -2]);
  });

  it("relu's gradient passes dy at a NaN input and abs's is 0 there, as PyTorch", () => {
    // torch: x = [nan, -1, 0, 2]; relu(x).backward([1, 5, 5, 1]) -> [1, 0, 0, 1];
    // abs(x).backward([1, 1, 1, 1]) -> [0, -1, 0, 1]
    const x = f64([NAN, -1, 0, 2]).requiresGrad_();
    relu(x).backward(f64([1, 5, 5, 1]));
    expect(x.grad!.toArray()).toEqual([1, 0, 0, 1]);
    // An infinite or NaN dy where x <= 0 gives 0, as PyTorch's select does.
    x.zeroGrad();
    relu(x).backward(f64([1, Number.POSITIVE_INFINITY, NAN, 1]));
    expect(x.grad!.toArray()).toEqual([1, 0, 0, 1]);
    // Under createGraph the gradient is a product with the mask (differentiable in dy), where the
    // infinite dy gives NaN: the NaN policy page lists the difference.
    x.grad = null;
    relu(x).backward(f64([1, Number.POSITIVE_INFINITY, 1, 1]), { createGraph: true });
    expect(x.grad!.toArray()).toEqual([1, NAN, 0, 1]);
    x.zeroGrad();
    x.abs().backward(f64([1, 1, 1, 1]));
    expect(x.grad!.toArray()).toEqual([0, -1, 0, 1]);
  });

  it('sums, means, products and softmax spread NaN to their slice only; logsumexp keeps infinities', () => {
    // [[0, 1]] @ [[nan], [2]]: nan (0 * nan is nan)
    expect(matmul(f64([[0, 1]]), f64([[NAN], [2]])).toArray()).toEqual([[NAN]]);
    expect(sum(f64([INF, -INF])).item()).toBeNaN();
    // torch.zeros(0, 3).mean(0): [nan, nan, nan]; torch.var(tensor([1.])): nan
    expect(mean(zeros([0, 3], { dtype: 'float64' }), 0).toArray()).toEqual([NAN, NAN, NAN]);
    expect(f64([1]).var().item()).toBeNaN();
    // torch.softmax([[nan, 0], [0, 0]], 1): [[nan, nan], [.5, .5]]
    expect(
      softmax(
        f64([
          [NAN, 0],
          [0, 0],
        ]),
        1,
      ).toArray(),
    ).toEqual([
      [NAN, NAN],
      [0.5, 0.5],
    ]);
    // torch.logsumexp([inf, 1]): inf; [-inf, -inf]: -inf
    expect(logsumexp(f64([INF, 1]), 0).item()).toBe(INF);
    expect(logsumexp(f64([-INF, -INF]), 0).item()).toBe(-INF);
  });

  it('refuses NaN where an int32 tensor is made from numbers (as torch.tensor does)', () => {
    expect(() => tensor([NAN], { dtype: 'int32' })).toThrow(ValueError);
    expect(() => tensor([NAN], { dtype: 'int32' })).toThrow('does not fit dtype int32');
  });

  it('maxPool2d gives a window with NaN the value NaN, and its gradient to the last NaN', () => {
    // F.max_pool2d([[nan, nan], [3, 1]], 2).backward(5): x.grad = [[0, 5], [0, 0]]
    const x = f64([
      [
        [
          [NAN, NAN],
          [3, 1],
        ],
      ],
    ]).requiresGrad_();
    const y = maxPool2d(x, 2);
    y.backward(f64([[[[5]]]]));
    expect(y.item()).toBeNaN();
    expect(x.grad!.toArray()).toEqual([
      [
        [
          [0, 5],
          [0, 0],
        ],
      ],
    ]);
  });

  // Sizes that take the WebAssembly kernels (float32, >= 512 elements): NaN must survive them too.
  it('relu, max over a dim, sum and maxPool2d keep NaN on float32 fast-path sizes', () => {
    const values = Float32Array.from({ length: 24 * 48 }, (_, i) => ((i * 37) % 101) - 50);
    for (const at of [3, 500, 1000]) values[at] = NAN;
    const r = relu(tensor(values, { shape: [24, 48] })).data();
    expect(Array.from(r)).toEqual(Array.from(values, (v) => (Number.isNaN(v) ? NAN : Math.max(v, 0))));

    const cols = Float32Array.from({ length: 64 * 40 }, (_, i) => ((i * 37) % 101) - 50);
    cols[5 * 40 + 7] = NAN;
    cols[9 * 40 + 7] = NAN;
    const x = tensor(cols, { shape: [64, 40] }).requiresGrad_();
    const m = max(x, 0);
    m.backward(tensor(new Float32Array(40).fill(1), { shape: [40] }));
    expect(Number.isNaN(m.data()[7]!)).toBe(true);
    expect(m.data().filter(Number.isNaN).length).toBe(1);
    expect(x.grad!.data()[5 * 40 + 7]).toBe(1);
    expect(x.grad!.data()[9 * 40 + 7]).toBe(0);
    expect(Number.isNaN(sum(tensor(cols, { shape: [64, 40] }), 0).data()[7]!)).toBe(true);

    // 2 x 4 planes of 16 x 16, increasing, so each 2 x 2 window's max is its bottom-right tap;
    // in plane 0, window (0, 0) holds NaNs at (0, 0) and (1, 0): its value is NaN, its dy goes to (1, 0).
    const img = Float32Array.from({ length: 2 * 4 * 16 * 16 }, (_, i) => i);
    img[0] = NAN;
    img[16] = NAN;
    const p = tensor(img, { shape: [2, 4, 16, 16] }).requiresGrad_();
    const pooled = maxPool2d(p, 2);
    const dy = Float32Array.from({ length: pooled.size }, (_, i) => i + 1);
    pooled.backward(tensor(dy, { shape: pooled.shape }));
    expect(Number.isNaN(pooled.data()[0]!)).toBe(true);
    expect(pooled.data().filter(Number.isNaN).length).toBe(1);
    const g = p.grad!.data();
    expect([g[0], g[1], g[16], g[17]]).toEqual([0, 0, 1, 0]);
    expect([g[2], g[3], g[18], g[19]]).toEqual([0, 0, 0, 2]);
    expect(Array.from(g).reduce((s, v) => s + v, 0)).toBe(dy.reduce((s, v) => s + v, 0));
  });
});
