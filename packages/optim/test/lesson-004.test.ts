// Lesson 004 (backpropagation and SGD training) as tests: its momentum, weight decay, step decay of
// the learning rate, and its mini-batch training loop, run through @backprop/optim.
import { Generator, randint, randn, type Tensor, tensor } from '@backprop/core';
import { SGD, StepLR } from '@backprop/optim';
import { describe, expect, it } from 'vitest';

// A fixed regression problem whose mini-batches change every step, so gradients do too.
const gen = new Generator(4);
const X = randn([32, 3], { dtype: 'float64', generator: gen });
const Y = X.matmul(tensor([[1.5], [-2], [0.5]], { dtype: 'float64' })).add(0.3);
const batches = Array.from({ length: 8 }, () => randint(0, 32, [8], { generator: gen }));
const theta0 = [0.2, -0.1, 0.4];

function loss(theta: Tensor, step: number): Tensor {
  const idx = batches[step % batches.length]!;
  return X.indexSelect(0, idx)
    .matmul(theta.reshape([3, 1]))
    .sub(Y.indexSelect(0, idx))
    .square()
    .mean();
}

// g⁽ᵗ⁾ at the hand loop's θ, computed by the same autograd as the optimizer's.
function gradientAt(theta: number[], step: number): number[] {
  const t = tensor(theta, { dtype: 'float64', requiresGrad: true });
  loss(t, step).backward();
  return Array.from(t.grad!.data());
}

function runSGD(options: ConstructorParameters<typeof SGD>[1], steps: number): number[][] {
  const theta = tensor(theta0, { dtype: 'float64', requiresGrad: true });
  const opt = new SGD([theta], options);
  const trajectory: number[][] = [];
  for (let t = 0; t < steps; t++) {
    opt.zeroGrad();
    loss(theta, t).backward();
    opt.step();
    trajectory.push(Array.from(theta.data()));
  }
  return trajectory;
}

// The lesson's update: g ← ∇L (+ αθ), p ← μ·g + (1 − μ)·p, θ ← θ − λ·p. Its p⁽⁰⁾ is left open;
// PyTorch (and SGD) start the average at the first gradient, p⁽¹⁾ = g⁽¹⁾, and so does this loop.
function lessonLoop(lambda: number, mu: number, alpha: number, steps: number): number[][] {
  const theta = [...theta0];
  let p: number[] | null = null;
  const trajectory: number[][] = [];
  for (let t = 0; t < steps; t++) {
    const g = gradientAt(theta, t).map((gi, i) => gi + alpha * theta[i]!);
    p = p === null ? g : g.map((gi, i) => mu * gi + (1 - mu) * p![i]!);
    for (let i = 0; i < theta.length; i++) theta[i] = theta[i]! - lambda * p[i]!;
    trajectory.push([...theta]);
  }
  return trajectory;
}

function maxDiff(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, t) => row.map((v, i) => Math.abs(v - b[t]![i]!))));
}

describe('lesson 004: momentum as exponential averaging', () => {
  it('SGD with momentum 1 − μ and dampening 1 − μ is p ← μg + (1 − μ)p, θ ← θ − λp (μ = 0.1, to 1e-12)', () => {
    const mu = 0.1;
    const ours = runSGD({ lr: 0.05, momentum: 1 - mu, dampening: 1 - mu }, 12);
    const lesson = lessonLoop(0.05, mu, 0, 12);
    // 1 − (1 − 0.1) is not exactly 0.1 in binary, hence a tolerance rather than bit equality.
    expect(maxDiff(ours, lesson)).toBeLessThan(1e-12);
    expect(maxDiff(ours, runSGD({ lr: 0.05 }, 12))).toBeGreaterThan(1e-3); // momentum changed the path
  });

  it('is bit-identical when 1 − (1 − μ) = μ exactly (μ = 0.25)', () => {
    const ours = runSGD({ lr: 0.05, momentum: 0.75, dampening: 0.75 }, 12);
    expect(ours).toEqual(lessonLoop(0.05, 0.25, 0, 12));
  });
});

describe('lesson 004: weight decay adds αθ to the gradient', () => {
  it('SGD weightDecay α is θ ← θ − λ(g + αθ), bit for bit', () => {
    const ours = runSGD({ lr: 0.05, weightDecay: 0.1 }, 10);
    expect(ours).toEqual(lessonLoop(0.05, 1, 0.1, 10));
  });

  it('combined with momentum as the lesson combines them (to 1e-12)', () => {
    const ours = runSGD({ lr: 0.05, momentum: 0.8, dampening: 0.8, weightDecay: 0.1 }, 10);
    expect(maxDiff(ours, lessonLoop(0.05, 0.2, 0.1, 10))).toBeLessThan(1e-12);
  });

  it('keeps θ from growing: with no data gradient θ shrinks by (1 − λα) per step', () => {
    const theta = tensor([4, -2], { dtype: 'float64', requiresGrad: true });
    const opt = new SGD([theta], { lr: 0.1, weightDecay: 0.5 });
    for (let t = 0; t < 5; t++) {
      theta.grad = tensor([0, 0], { dtype: 'float64' });
      opt.step();
    }
    const shrink = (1 - 0.1 * 0.5) ** 5;
    expect(theta.toArray()).toEqual([4 * shrink, -2 * shrink].map((v) => expect.closeTo(v, 14)));
  });
});

describe('lesson 004: learning-rate decay in steps', () => {
  it('StepLR holds the rate for stepSize epochs, then multiplies it by gamma', () => {
    const opt = new SGD([tensor([0], { requiresGrad: true })], { lr: 0.1 });
    const sched = new StepLR(opt, { stepSize: 5, gamma: 0.1 });
    const lrs: number[] = [];
    for (let epoch = 0; epoch < 15; epoch++) {
      lrs.push(sched.getLastLr()[0]!);
      sched.step();
    }
    const expected = [...Array(5).fill(0.1), ...Array(5).fill(0.1 * 0.1), ...Array(5).fill(0.1 * 0.1 * 0.1)];
    expect(lrs).toEqual(expected.map((v) => expect.closeTo(v, 15)));
  });
});

describe('lesson 004: the mini-batch SGD loop drives the loss down', () => {
  it('sample, forward, backward, momentum + weight decay step, decaying rate: final loss < 10% of initial', () => {
    const g = new Generator(7);
    const n = 256;
    const x = randn([n, 4], { dtype: 'float64', generator: g });
    const wTrue = tensor([[2], [-1], [0.5], [3]], { dtype: 'float64' });
    const noise = randn([n, 1], { dtype: 'float64', generator: g }).mul(0.1);
    const y = x.matmul(wTrue).add(0.5).add(noise);
    // Initialize network.
    const w = randn([4, 1], { dtype: 'float64', generator: g }).mul(0.1).requiresGrad_();
    const b = tensor([0], { dtype: 'float64', requiresGrad: true });
    const fullLoss = () => x.matmul(w).add(b).sub(y).square().mean().item();
    const mu = 0.2;
    const opt = new SGD([w, b], { lr: 0.1, momentum: 1 - mu, dampening: 1 - mu, weightDecay: 1e-4 });
    const sched = new StepLR(opt, { stepSize: 100, gamma: 0.5 });
    const initial = fullLoss();
    for (let step = 0; step < 300; step++) {
      const idx = randint(0, n, [16], { generator: g }); // sample a mini-batch
      const loss = x.indexSelect(0, idx).matmul(w).add(b).sub(y.indexSelect(0, idx)).square().mean(); // forward
      opt.zeroGrad();
      loss.backward(); // backpropagate
      opt.step(); // combine with momentum and weight decay, step at the current rate
      sched.step();
    }
    const final = fullLoss();
    expect(final).toBeLessThan(0.1 * initial);
    expect(final).toBeLessThan(0.05); // near the noise floor 0.01
    expect(sched.getLastLr()[0]).toBeCloseTo(0.1 / 8, 15);
  });
});
