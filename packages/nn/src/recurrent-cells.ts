// One time step of each recurrent layer, as PyTorch's cells compute it, written in core ops so the
// gradient comes from theirs and the same code runs on every device. The layer projects the input
// of all time steps at once (`gi`, with `bias_ih`) and calls a step with one step's slice of it, so
// a step only adds the hidden projection `W_hh h + b_hh` and applies the gates.
import { linear, type Tensor } from '@backprop/core';

/**
 * One time step: `gi` is this step's input projection `W_ih x + b_ih` (`[1, N, gates·H]`), `state`
 * the previous state (`[h]`, or `[h, c]` for LSTM, each `[1, N, H]`); returns the next state in
 * the same layout, whose first tensor is the step's output.
 */
export type CellStep = (
  gi: Tensor,
  state: readonly Tensor[],
  weightHh: Tensor,
  biasHh: Tensor | null,
) => Tensor[];

/** Elman RNN with tanh: h' = tanh(W_ih x + b_ih + W_hh h + b_hh). */
export const rnnTanhStep: CellStep = (gi, [h], weightHh, biasHh) => [
  gi.add(linear(h!, weightHh, biasHh)).tanh(),
];

/** Elman RNN with ReLU: h' = relu(W_ih x + b_ih + W_hh h + b_hh). */
export const rnnReluStep: CellStep = (gi, [h], weightHh, biasHh) => [
  gi.add(linear(h!, weightHh, biasHh)).relu(),
];

/**
 * LSTM, PyTorch's gate order i, f, g, o:
 * i = σ(·), f = σ(·), g = tanh(·), o = σ(·); c' = f c + i g; h' = o tanh(c').
 */
export const lstmStep: CellStep = (gi, [h, c], weightHh, biasHh) => {
  const [i, f, g, o] = gi.add(linear(h!, weightHh, biasHh)).chunk(4, -1) as [Tensor, Tensor, Tensor, Tensor];
  const cNext = f.sigmoid().mul(c!).add(i.sigmoid().mul(g.tanh()));
  return [o.sigmoid().mul(cNext.tanh()), cNext];
};

/**
 * GRU, PyTorch's gate order r, z, n: r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise,
 * n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 − z) n + z h, computed as n + z (h − n).
 * `b_hn` sits inside the product with r, which is why `b_hh` cannot be folded into `gi`.
 */
export const gruStep: CellStep = (gi, [h], weightHh, biasHh) => {
  const gh = linear(h!, weightHh, biasHh);
  const hidden = h!.shape[h!.ndim - 1]!;
  // r and z in one sigmoid: their columns are adjacent in both projections.
  const [r, z] = gi
    .narrow(-1, 0, 2 * hidden)
    .add(gh.narrow(-1, 0, 2 * hidden))
    .sigmoid()
    .chunk(2, -1) as [Tensor, Tensor];
  const n = gi
    .narrow(-1, 2 * hidden, hidden)
    .add(r.mul(gh.narrow(-1, 2 * hidden, hidden)))
    .tanh();
  return [n.add(z.mul(h!.sub(n)))];
};

/**
 * Views of `x` along dim 0, one step each, made by halving: a slice's backward pads its gradient to
 * the whole input, so T slices of the whole would cost O(T²) in backward; halving costs O(T log T).
 */
export function timeSteps(x: Tensor): Tensor[] {
  const n = x.shape[0]!;
  if (n <= 1) return [x];
  const half = n >> 1;
  return [...timeSteps(x.narrow(0, 0, half)), ...timeSteps(x.narrow(0, half, n - half))];
}
