import { gradcheck, noGrad, type Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from './helpers.js';

const F64 = { dtype: 'float64' } as const;
const param = (v: number) => tensor(v, { ...F64, requiresGrad: true });

// ../shared/seeds/002 (TJ ML Club, "Neural Networks II: Backpropagation", slides 17-25): inputs
// n1, n2; hidden n3, n4, n5; output n6; linear activations (y = x), no biases;
// E = ½(n6 − y)² with target y = 9, learning rate α = 0.1.
describe('lesson 002: one backpropagation iteration by hand', () => {
  const n1 = tensor(3, F64);
  const n2 = tensor(-2, F64);
  const target = 9;
  const alpha = 0.1;

  function network() {
    const W = {
      W13: param(1),
      W23: param(3),
      W14: param(4),
      W24: param(2),
      W15: param(3),
      W25: param(-2),
      W36: param(-1),
      W46: param(-3),
      W56: param(2),
    };
    // n3 = W13 n1 + W23 n2 (slide 23 prints "W23 + n2"; the numbers on the slides use the product)
    const n3 = W.W13.mul(n1).add(W.W23.mul(n2));
    const n4 = W.W14.mul(n1).add(W.W24.mul(n2));
    const n5 = W.W15.mul(n1).add(W.W25.mul(n2));
    const n6 = W.W36.mul(n3).add(W.W46.mul(n4)).add(W.W56.mul(n5));
    const E = n6.sub(target).square().mul(0.5);
    return { W, n3, n4, n5, n6, E };
  }

  it('computes the forward pass of the slides: n3..n6 = −3, 8, 13, 5', () => {
    const { n3, n4, n5, n6, E } = network();
    // n3 = 1·3 + 3·(−2) = −3; n4 = 4·3 + 2·(−2) = 8; n5 = 3·3 + (−2)(−2) = 13
    // n6 = (−1)(−3) + (−3)(8) + 2·13 = 3 − 24 + 26 = 5; E = ½(5 − 9)² = 8
    expect([n3, n4, n5, n6, E].map((t) => t.item())).toEqual([-3, 8, 13, 5, 8]);
  });

  it('gets every weight gradient the chain rule gives by hand', () => {
    const { W, E } = network();
    E.backward();
    // dE/dn6 = n6 − y = −4, and dE/dW_k6 = (n6 − y) n_k:
    //   W36: −4 · −3 = 12 (slide 20), W46: −4 · 8 = −32, W56: −4 · 13 = −52
    // dE/dn_k = (n6 − y) W_k6: n3: −4 · −1 = 4, n4: −4 · −3 = 12, n5: −4 · 2 = −8
    // dE/dW_jk = dE/dn_k · n_j:
    //   W13: 4 · 3 = 12 (slide 24: (n6 − y) W36 n1 = (−4)(−1)(3)), W23: 4 · −2 = −8
    //   W14: 12 · 3 = 36, W24: 12 · −2 = −24
    //   W15: −8 · 3 = −24, W25: −8 · −2 = 16
    const expected = { W13: 12, W23: -8, W14: 36, W24: -24, W15: -24, W25: 16, W36: 12, W46: -32, W56: -52 };
    const got = Object.fromEntries(Object.entries(W).map(([k, w]) => [k, w.grad!.item()]));
    expect(got).toEqual(expected);
  });

  it('updates W36 to −2.2 and W13 to −0.2 with one gradient-descent step', () => {
    const { W, E } = network();
    E.backward();
    // W ← W − α dE/dW, outside the graph
    noGrad(() => {
      for (const w of Object.values(W)) w.copy_(w.sub(w.grad!.mul(alpha)));
    });
    expect(W.W36.item()).toBeCloseTo(-2.2, 12); // −1 − 0.1 · 12 (slide 20)
    expect(W.W13.item()).toBeCloseTo(-0.2, 12); // 1 − 0.1 · 12 (slide 24)
    expect(W.W46.item()).toBeCloseTo(0.2, 12); // −3 − 0.1 · −32
    expect(W.W25.item()).toBeCloseTo(-3.6, 12); // −2 − 0.1 · 16
    expect(W.W36.requiresGrad && W.W36.isLeaf).toBe(true);
  });

  it('gives the same numbers as matrices: n = W2 · (W1 · [n1, n2])', () => {
    const W1 = tensor(
      [
        [1, 3], // W13, W23
        [4, 2], // W14, W24
        [3, -2], // W15, W25
      ],
      { ...F64, requiresGrad: true },
    );
    const W2 = tensor([[-1, -3, 2]], { ...F64, requiresGrad: true }); // W36, W46, W56
    const hidden = W1.matmul(tensor([3, -2], F64));
    const out = W2.matmul(hidden);
    out.sub(target).square().mul(0.5).sum().backward();
    expect(hidden.toArray()).toEqual([-3, 8, 13]);
    expect(W2.grad!.toArray()).toEqual([[12, -32, -52]]);
    expect(W1.grad!.toArray()).toEqual([
      [12, -8],
      [36, -24],
      [-24, 16],
    ]);
  });
});

// ../shared/seeds/003 ("Neural Networks", the "Matrix Operation" slide): one layer
// σ(W x + b) with W = [[1, −2], [−1, 1]], x = [1, −1], b = [1, 0]: W x + b = [4, −2] and
// σ([4, −2]) = [0.98, 0.12].
describe('lesson 003: a layer as a matrix operation', () => {
  const W = () =>
    tensor(
      [
        [1, -2],
        [-1, 1],
      ],
      F64,
    );
  const x = () => tensor([1, -1], F64);
  const b = () => tensor([1, 0], F64);
  const layer = (w: Tensor, v: Tensor, c: Tensor) => w.matmul(v).add(c).sigmoid();
  const sigma = (z: number) => 1 / (1 + Math.exp(-z));

  it('computes σ(W x + b) = [0.98, 0.12]', () => {
    expect(W().matmul(x()).add(b()).toArray()).toEqual([4, -2]);
    const y = layer(W(), x(), b());
    const rounded = Array.from(y.data()).map((v) => Math.round(v * 100) / 100);
    expect(rounded).toEqual([0.98, 0.12]);
    expectClose(y, [sigma(4), sigma(-2)], { atol: 1e-15 });
  });

  it('has the gradients of the chain rule, dσ/dz = σ(1 − σ)', () => {
    const [w, v, c] = [W().requiresGrad_(), x().requiresGrad_(), b().requiresGrad_()];
    layer(w, v, c).sum().backward();
    const d = [sigma(4) * (1 - sigma(4)), sigma(-2) * (1 - sigma(-2))] as const;
    const tight = { atol: 1e-15, rtol: 1e-12 };
    expectClose(c.grad!, d, tight); // dz/db = I
    expectClose(w.grad!, [d[0], -d[0], d[1], -d[1]], tight); // dz_i/dW_ij = x_j
    expectClose(v.grad!, [d[0] - d[1], -2 * d[0] + d[1]], tight); // Wᵀ d
  });

  it('passes gradcheck with respect to W, x and b', () => {
    expect(gradcheck(layer, [W(), x(), b()])).toBe(true);
  });
});
