// The graph view's numbers are the lecture's: at the output, the modified error is the loss's
// derivative times f'(net); a hidden node's is f'(net) · Σ w_out · D_out; and a weight's gradient
// is its input times the modified error of the node it feeds.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type PlaygroundConfig } from './src/config.js';
import type { GraphTrace } from './src/protocol.js';
import { Session } from './src/session.js';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function trained(config: Partial<PlaygroundConfig>, steps: number): Session {
  const run = new Session({ ...DEFAULT_CONFIG, ...config });
  for (let i = 0; i < steps; i++) run.step();
  return run;
}

// Checks the lecture's recursion on every hidden node and every weight of a one-hidden-layer trace.
function expectLectureRecursion(g: GraphTrace, fPrime: (h: number) => number): void {
  const [inputs, hidden] = [g.sizes[0]!, g.sizes[1]!];
  const x = g.activations[0]!;
  const h = g.activations[1]!;
  const dOut = g.deltas[1]!;
  for (let j = 0; j < hidden; j++) {
    const back = dOut.reduce((sum, d, k) => sum + g.weights[1]![k * hidden + j]! * d, 0);
    expect(g.deltas[0]![j]).toBeCloseTo(fPrime(h[j]!) * back, 6);
    for (let i = 0; i < inputs; i++)
      expect(g.weightGrads[0]![j * inputs + i]).toBeCloseTo(x[i]! * g.deltas[0]![j]!, 6);
    expect(g.biasGrads[0]![j]).toBeCloseTo(g.deltas[0]![j]!, 6);
    dOut.forEach((d, k) => {
      expect(g.weightGrads[1]![k * hidden + j]).toBeCloseTo(h[j]! * d, 6);
    });
  }
}

describe('graph trace', () => {
  it('squared error on a sigmoid network: D_out = 2(σ(z) - y) σ(z)(1 - σ(z)) and the hidden recursion', () => {
    const run = trained({ hidden: [3], activation: 'sigmoid', loss: 'mse', optimizer: 'sgd', lr: 1 }, 20);
    const g = run.trace(1); // x = (0, 1), target 1
    expect(g.activations[0]).toEqual([0, 1]);
    expect(g.target).toBe(1);
    const z = g.activations[2]![0]!;
    const p = sigmoid(z);
    expect(g.loss).toBeCloseTo((p - 1) ** 2, 6);
    expect(g.deltas[1]![0]).toBeCloseTo(2 * (p - 1) * p * (1 - p), 6);
    expectLectureRecursion(g, (h) => h * (1 - h));
  });

  it('binary cross-entropy on logits: D_out = σ(z) - y; tanh hidden layer: f′ = 1 - h²', () => {
    const run = trained({ hidden: [4], activation: 'tanh', loss: 'cross-entropy' }, 10);
    const g = run.trace(3); // x = (1, 1), target 0
    expect(g.activations[0]).toEqual([1, 1]);
    expect(g.deltas[1]![0]).toBeCloseTo(sigmoid(g.activations[2]![0]!) - 0, 6);
    expect(g.predicted).toBe(g.activations[2]![0]! > 0 ? 1 : 0);
    expectLectureRecursion(g, (h) => 1 - h * h);
  });

  it('multi-class cross-entropy: D_out = softmax(z) - onehot(y)', () => {
    const run = trained({ dataset: 'spirals-3', hidden: [5], activation: 'relu' }, 5);
    const g = run.trace(7);
    const z = g.activations[2]!;
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b, 0);
    z.forEach((_, k) => {
      expect(g.deltas[1]![k]).toBeCloseTo(e[k]! / total - (k === g.target ? 1 : 0), 6);
    });
    expectLectureRecursion(g, (h) => (h > 0 ? 1 : 0));
  });

  it('leaves no gradient behind and does not change the training', () => {
    const config: Partial<PlaygroundConfig> = {
      dataset: 'ring',
      hidden: [6],
      optimizer: 'momentum',
      lr: 0.1,
    };
    const plain = trained(config, 0);
    const traced = trained(config, 0);
    for (let i = 0; i < 5; i++) {
      plain.step();
      traced.step();
      traced.trace(i);
      expect(traced.net.parameters().every((p) => p.grad === null)).toBe(true);
    }
    const weights = (s: Session) => s.net.parameters().map((p) => Array.from(p.data()));
    expect(weights(traced)).toEqual(weights(plain));
  });

  it('draws the network as laid out: sizes, one weight row per output node, one bias per node', () => {
    const g = trained({ dataset: 'hokies', hidden: [4, 2] }, 0).trace(0);
    expect(g.sizes).toEqual([3, 4, 2, 1]);
    expect(g.weights.map((w) => w.length)).toEqual([12, 8, 2]);
    expect(g.biases.map((b) => b.length)).toEqual([4, 2, 1]);
    expect(g.activations.map((a) => a.length)).toEqual([3, 4, 2, 1]);
    expect(g.deltas.map((d) => d.length)).toEqual([4, 2, 1]);
  });
});
