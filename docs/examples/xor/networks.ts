// The lesson's two ways of handling the bias, as two networks that compute the same function.
import { cat, ones, type Tensor } from '@backprop/core';
import { Linear, Module, Sequential, Sigmoid } from '@backprop/nn';

/** Hidden sigmoid units: with 2 XOR is solvable but some starts stall; 4 solve it from every seed we tried. */
export const HIDDEN = 4;

/**
 * Appends a feature hard-wired to 1 to every example (`[N, F]` → `[N, F + 1]`): the weight that
 * reads it is the bias.
 *
 * @example
 * ```ts
 * new AppendOne().forward(tensor([[0, 1]])).toArray(); // [[0, 1, 1]]
 * ```
 */
export class AppendOne extends Module {
  forward(x: Tensor): Tensor {
    return cat([x, ones([x.shape[0]!, 1], { dtype: x.dtype })], 1);
  }
}

/** The lesson's second way: every layer has an extra bias parameter (`Linear`'s own). */
export function withBiasParameters(): Sequential {
  return new Sequential(new Linear(2, HIDDEN), new Sigmoid(), new Linear(HIDDEN, 1), new Sigmoid());
}

/**
 * The lesson's first way: a constant 1 added to the inputs and to the hidden layer's outputs, and
 * layers without biases. Its weights are copied from `like`, bias as the last column, so both
 * networks start from the same function and, trained alike, stay the same.
 */
export function withBiasInputs(like: Sequential): Sequential {
  const net = new Sequential(
    new AppendOne(),
    new Linear(3, HIDDEN, { bias: false }),
    new Sigmoid(),
    new AppendOne(),
    new Linear(HIDDEN + 1, 1, { bias: false }),
    new Sigmoid(),
  );
  const source = like.stateDict();
  const merged = (i: number) => cat([source[`${i}.weight`]!, source[`${i}.bias`]!.unsqueeze(1)], 1);
  net.loadStateDict({ '1.weight': merged(0), '4.weight': merged(2) });
  return net;
}
