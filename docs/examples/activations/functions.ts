// The lesson's activation functions, each as a function of a 1-D tensor, and the derivative the
// lecture writes for it by hand (used only to check what autograd computes).
import { noGrad, type Tensor, tensor } from '@backprop/core';
import { Maxout } from '@backprop/nn';

/** One activation: how backprop computes it, and the lecture's closed-form derivative. */
export interface ActivationFn {
  name: string;
  formula: string;
  f: (x: Tensor) => Tensor;
  /** The derivative written by hand, as in lessons 001 and 003. */
  byHand: (x: number) => number;
}

const sigma = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * The maxout unit drawn in the chart: max(−x − 1, 0.25x, 1.5x − 1), a `Maxout(1, 1, 3)` with these
 * weights. Its pieces meet at x = −0.8 and x = 0.8, so its slope is −1, then 0.25, then 1.5.
 */
export const MAXOUT_PIECES: readonly [number, number][] = [
  [-1, -1],
  [0.25, 0],
  [1.5, -1],
];

function maxoutUnit(): Maxout {
  const unit = new Maxout(1, 1, MAXOUT_PIECES.length, { dtype: 'float64' });
  // Parameters are set outside autograd, as PyTorch's `with torch.no_grad():`.
  noGrad(() => {
    unit.weight.copy_(
      tensor(
        MAXOUT_PIECES.map(([w]) => [w]),
        { dtype: 'float64' },
      ),
    );
    unit.bias!.copy_(
      tensor(
        MAXOUT_PIECES.map(([, b]) => b),
        { dtype: 'float64' },
      ),
    );
  });
  return unit;
}

// The slope of the piece that wins at x (the first one on a tie, as max's gradient picks one).
function maxoutSlope(x: number): number {
  let best = 0;
  MAXOUT_PIECES.forEach(([w, b], k) => {
    const [bw, bb] = MAXOUT_PIECES[best]!;
    if (w * x + b > bw * x + bb) best = k;
  });
  return MAXOUT_PIECES[best]![0];
}

const unit = maxoutUnit();

/** The seven activations of the lessons, in the lecture's order. */
export const ACTIVATIONS: readonly ActivationFn[] = [
  {
    name: 'sigmoid',
    formula: '1 / (1 + e^−x)',
    f: (x) => x.sigmoid(),
    byHand: (x) => sigma(x) * (1 - sigma(x)),
  },
  { name: 'tanh', formula: 'tanh x', f: (x) => x.tanh(), byHand: (x) => 1 - Math.tanh(x) ** 2 },
  { name: 'ReLU', formula: 'max(0, x)', f: (x) => x.relu(), byHand: (x) => (x > 0 ? 1 : 0) },
  {
    name: 'leaky ReLU',
    formula: 'max(0.1x, x)',
    f: (x) => x.leakyRelu(0.1),
    byHand: (x) => (x > 0 ? 1 : 0.1),
  },
  {
    name: 'ELU',
    formula: 'x ≥ 0: x, else e^x − 1',
    f: (x) => x.elu(1),
    byHand: (x) => (x > 0 ? 1 : Math.exp(x)),
  },
  {
    name: 'maxout',
    formula: 'max(−x − 1, 0.25x, 1.5x − 1)',
    f: (x) => unit.forward(x.reshape([-1, 1])).reshape([-1]),
    byHand: maxoutSlope,
  },
  { name: 'step', formula: '1 if x > 0, else 0', f: (x) => x.step(), byHand: () => 0 },
];

/** The activation named `name` (throws a message listing the names otherwise). */
export function activation(name: string): ActivationFn {
  const found = ACTIVATIONS.find((a) => a.name === name);
  if (!found) throw new Error(`no activation '${name}'; one of ${ACTIVATIONS.map((a) => a.name).join(', ')}`);
  return found;
}
