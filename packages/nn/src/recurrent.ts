import { type Tensor, ValueError } from '@backprop/core';
import { RecurrentBase, type RecurrentOptions, type RNNOptions } from './recurrent-base.js';
import { gruStep, lstmStep, rnnReluStep, rnnTanhStep } from './recurrent-cells.js';

export { RecurrentBase, type RecurrentOptions, type RNNOptions } from './recurrent-base.js';

// The recurrent layers return PyTorch's tuples (`[output, h]`, `[output, [h, c]]`): each is a
// Module typed by what its forward takes and returns.

/**
 * Elman RNN (PyTorch's `nn.RNN`): h' = tanh(W_ih x + b_ih + W_hh h + b_hh) per step (or ReLU with
 * `nonlinearity: 'relu'`), stacked `numLayers` deep, optionally bidirectional. Parameters as
 * PyTorch's (`weight_ih_l0` `[H, in]`, `weight_hh_l0` `[H, H]`, `bias_ih_l0`, `bias_hh_l0`, and
 * `_reverse` ones), drawn from U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const rnn = new RNN(10, 20, { numLayers: 2 });
 * const [output, hN] = rnn.forward(randn([5, 3, 10])); // [T, N, in]
 * output.shape; // [5, 3, 20]
 * hN.shape; // [2, 3, 20]
 * ```
 */
export class RNN extends RecurrentBase<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  /** The cell's activation. */
  readonly nonlinearity: 'tanh' | 'relu';

  /**
   * @param inputSize Features of each input step.
   * @param hiddenSize Features of the hidden state.
   * @param options `numLayers`, `batchFirst`, `bias`, `nonlinearity`, `dropout`, `bidirectional`,
   *   `dtype`, `generator` (for the initial weights and the dropout masks).
   */
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nonlinearity = options.nonlinearity ?? 'tanh';
    // Checked before the parameters are drawn, so a rejected call leaves the generator as it was.
    if (nonlinearity !== 'tanh' && nonlinearity !== 'relu') {
      throw new ValueError(`RNN: nonlinearity must be 'tanh' or 'relu', got '${String(nonlinearity)}'`);
    }
    super('RNN', 1, inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }

  /**
   * Runs the sequence `x` (`[T, N, inputSize]`, `[N, T, inputSize]` with `batchFirst`, or unbatched
   * `[T, inputSize]`) from `h0` (`[numLayers·dirs, N, H]`, or `[numLayers·dirs, H]` unbatched;
   * zeros when omitted). Returns the last layer's output at every step (`[T, N, dirs·H]`, in x's
   * layout) and the final hidden state of every layer and direction (`h0`'s layout).
   *
   * @example
   * ```ts
   * const rnn = new RNN(4, 8, { bidirectional: true });
   * const [out, hN] = rnn.forward(randn([6, 4]), zeros([2, 8])); // unbatched
   * out.shape; // [6, 16]
   * ```
   */
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const step = this.nonlinearity === 'relu' ? rnnReluStep : rnnTanhStep;
    const [output, [hN]] = this.run(x, h0 ? [h0] : null, ['h0'], step);
    return [output, hN!];
  }

  protected override extraDescription(): string[] {
    return this.nonlinearity === 'tanh' ? [] : [`nonlinearity='${this.nonlinearity}'`];
  }
}

/**
 * Long short-term memory (PyTorch's `nn.LSTM`), gates in PyTorch's order i, f, g, o:
 * c' = σ(f) c + σ(i) tanh(g), h' = σ(o) tanh(c'), stacked `numLayers` deep, optionally
 * bidirectional. Parameters as PyTorch's (`weight_ih_l0` `[4H, in]`, `weight_hh_l0` `[4H, H]`,
 * biases `[4H]`, and `_reverse` ones), drawn from U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const lstm = new LSTM(10, 20, { batchFirst: true });
 * const [output, [hN, cN]] = lstm.forward(randn([3, 5, 10])); // [N, T, in]
 * output.shape; // [3, 5, 20]
 * cN.shape; // [1, 3, 20]
 * ```
 */
export class LSTM extends RecurrentBase<
  [Tensor, (readonly [Tensor, Tensor] | null)?],
  [Tensor, [Tensor, Tensor]]
> {
  /**
   * @param inputSize Features of each input step.
   * @param hiddenSize Features of the hidden and cell states.
   * @param options `numLayers`, `batchFirst`, `bias`, `dropout`, `bidirectional`, `dtype`,
   *   `generator` (for the initial weights and the dropout masks).
   */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('LSTM', 4, inputSize, hiddenSize, options);
  }

  /**
   * Runs the sequence `x` (`[T, N, inputSize]`, `[N, T, inputSize]` with `batchFirst`, or unbatched
   * `[T, inputSize]`) from `[h0, c0]` (each `[numLayers·dirs, N, H]`, or `[numLayers·dirs, H]`
   * unbatched; zeros when omitted). Returns the last layer's output at every step
   * (`[T, N, dirs·H]`, in x's layout) and the final `[h, c]` of every layer and direction.
   *
   * @example
   * ```ts
   * const lstm = new LSTM(4, 8, { numLayers: 2 });
   * const state: [Tensor, Tensor] = [zeros([2, 3, 8]), zeros([2, 3, 8])];
   * const [out, [hN, cN]] = lstm.forward(randn([6, 3, 4]), state);
   * ```
   */
  override forward(x: Tensor, state?: readonly [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (state != null && (!Array.isArray(state) || state.length !== 2)) {
      throw new TypeError(`${this.describe()}: the initial state must be a pair [h0, c0]`);
    }
    const [output, [hN, cN]] = this.run(x, state ?? null, ['h0', 'c0'], lstmStep);
    return [output, [hN!, cN!]];
  }
}

/**
 * Gated recurrent unit (PyTorch's `nn.GRU`), gates in PyTorch's order r, z, n:
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z likewise, n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
 * h' = (1 − z) n + z h; stacked `numLayers` deep, optionally bidirectional. Parameters as
 * PyTorch's (`weight_ih_l0` `[3H, in]`, `weight_hh_l0` `[3H, H]`, biases `[3H]`, and `_reverse`
 * ones), drawn from U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * const gru = new GRU(10, 20, { numLayers: 2, bidirectional: true });
 * const [output, hN] = gru.forward(randn([5, 3, 10]));
 * output.shape; // [5, 3, 40]
 * hN.shape; // [4, 3, 20]
 * ```
 */
export class GRU extends RecurrentBase<[Tensor, (Tensor | null)?], [Tensor, Tensor]> {
  /**
   * @param inputSize Features of each input step.
   * @param hiddenSize Features of the hidden state.
   * @param options `numLayers`, `batchFirst`, `bias`, `dropout`, `bidirectional`, `dtype`,
   *   `generator` (for the initial weights and the dropout masks).
   */
  constructor(inputSize: number, hiddenSize: number, options: RecurrentOptions = {}) {
    super('GRU', 3, inputSize, hiddenSize, options);
  }

  /**
   * Runs the sequence `x` (`[T, N, inputSize]`, `[N, T, inputSize]` with `batchFirst`, or unbatched
   * `[T, inputSize]`) from `h0` (`[numLayers·dirs, N, H]`, or `[numLayers·dirs, H]` unbatched;
   * zeros when omitted). Returns the last layer's output at every step (`[T, N, dirs·H]`, in x's
   * layout) and the final hidden state of every layer and direction (`h0`'s layout).
   *
   * @example
   * ```ts
   * const gru = new GRU(4, 8);
   * const [out, hN] = gru.forward(randn([6, 3, 4]), zeros([1, 3, 8]));
   * out.shape; // [6, 3, 8]
   * ```
   */
  override forward(x: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const [output, [hN]] = this.run(x, h0 ? [h0] : null, ['h0'], gruStep);
    return [output, hN!];
  }
}
