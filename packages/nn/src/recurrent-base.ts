import { cat, type Generator, linear, ShapeError, type Tensor, ValueError, zeros } from '@backprop/core';
import { dropout } from './functional/dropout.js';
import { init } from './init.js';
import { checkSize, type LayerOptions } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { type CellStep, timeSteps } from './recurrent-cells.js';
import { fmtShape } from './shape-check.js';

/** Options of `LSTM` and `GRU` (and `RNN`, which adds `nonlinearity`), PyTorch's with camelCase names. */
export interface RecurrentOptions extends LayerOptions {
  /** Stacked layers; layer k > 0 reads layer k − 1's output (default 1). */
  numLayers?: number;
  /** Input and output are `[N, T, features]` instead of `[T, N, features]`; states never are (default false). */
  batchFirst?: boolean;
  /** Learn `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
  /** Dropout probability on each layer's output except the last, in training mode only (default 0). */
  dropout?: number;
  /** Run a second direction over the reversed sequence and concatenate the outputs (default false). */
  bidirectional?: boolean;
}

/** Options of `RNN`. */
export interface RNNOptions extends RecurrentOptions {
  /** The activation of the Elman cell (default `'tanh'`). */
  nonlinearity?: 'tanh' | 'relu';
}

// One direction of one layer: its parameters under PyTorch's names without the `_l{k}` suffix.
interface DirectionWeights {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter | null;
  readonly biasHh: Parameter | null;
}

/**
 * What `RNN`, `LSTM` and `GRU` share (PyTorch's `RNNBase`): the parameters, under PyTorch's names
 * and in its order, and the loop over layers, directions and time steps. Each layer projects the
 * whole input sequence with one matmul (`[T·N, in]` by `W_ih`ᵀ) and then runs only the hidden
 * projection per step.
 *
 * @example
 * ```ts
 * const lstm = new LSTM(8, 16, { numLayers: 2 });
 * lstm.allWeights.length; // 2: one [w_ih, w_hh, b_ih, b_hh] per layer and direction
 * ```
 */
export abstract class RecurrentBase<Inputs extends unknown[], Output> extends Module<Inputs, Output> {
  /** Stacked layers. */
  readonly numLayers: number;
  /** Whether input and output are `[N, T, features]`. */
  readonly batchFirst: boolean;
  /** Whether the layers have `bias_ih` and `bias_hh`. */
  readonly bias: boolean;
  /** Dropout probability between layers, in training mode. */
  readonly dropout: number;
  /** Whether each layer also runs over the reversed sequence. */
  readonly bidirectional: boolean;
  readonly #weights: DirectionWeights[] = [];
  readonly #generator: Generator | undefined;

  /**
   * @param name The layer's name for messages (`'LSTM'`).
   * @param gates How many gates stack in each weight's rows (1 RNN, 4 LSTM, 3 GRU).
   * @param inputSize Features of each input step.
   * @param hiddenSize Features of the hidden state.
   * @param options The shared options.
   */
  protected constructor(
    name: string,
    gates: number,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RecurrentOptions,
  ) {
    super();
    checkSize(name, 'inputSize', inputSize);
    checkSize(name, 'hiddenSize', hiddenSize);
    const numLayers = options.numLayers ?? 1;
    checkSize(name, 'numLayers', numLayers);
    const dropout = options.dropout ?? 0;
    if (typeof dropout !== 'number' || !(dropout >= 0 && dropout <= 1)) {
      throw new ValueError(`${name}: dropout must be a number in [0, 1], got ${String(dropout)}`);
    }
    this.numLayers = numLayers;
    this.batchFirst = options.batchFirst ?? false;
    this.bias = options.bias ?? true;
    this.dropout = dropout;
    this.bidirectional = options.bidirectional ?? false;
    this.#generator = options.generator;
    this.#createParameters(gates, options);
  }

  // Registers `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` (then the
  // `_reverse` ones) as own properties, which is how Module finds parameters and names them, in
  // PyTorch's order; then draws every one from U(−1/√hidden, 1/√hidden) in that order.
  #createParameters(gates: number, options: RecurrentOptions): void {
    const dtype = options.dtype ?? 'float32';
    const rows = gates * this.hiddenSize;
    const own = this as unknown as Record<string, Parameter>;
    const make = (name: string, shape: number[]): Parameter => {
      own[name] = new Parameter(zeros(shape, { dtype }));
      return own[name];
    };
    for (let k = 0; k < this.numLayers; k++) {
      const inSize = k === 0 ? this.inputSize : this.hiddenSize * this.directions;
      for (let d = 0; d < this.directions; d++) {
        const suffix = `_l${k}${d === 1 ? '_reverse' : ''}`;
        this.#weights.push({
          weightIh: make(`weight_ih${suffix}`, [rows, inSize]),
          weightHh: make(`weight_hh${suffix}`, [rows, this.hiddenSize]),
          biasIh: this.bias ? make(`bias_ih${suffix}`, [rows]) : null,
          biasHh: this.bias ? make(`bias_hh${suffix}`, [rows]) : null,
        });
      }
    }
    const bound = 1 / Math.sqrt(this.hiddenSize);
    const drawFrom = options.generator ? { generator: options.generator } : {};
    for (const p of this.allWeights.flat()) init.uniform_(p, -bound, bound, drawFrom);
  }

  /**
   * 2 when bidirectional, else 1: the output has `directions · hiddenSize` features and the states
   * `numLayers · directions` rows.
   *
   * @example
   * ```ts
   * new GRU(4, 8, { bidirectional: true }).directions; // 2
   * ```
   */
  get directions(): number {
    return this.bidirectional ? 2 : 1;
  }

  /**
   * The parameters per layer and direction (PyTorch's `all_weights`), in state-dict order:
   * `[weight_ih, weight_hh, bias_ih, bias_hh]`, or the two weights without bias.
   *
   * @example
   * ```ts
   * const [wIh, wHh] = new GRU(4, 8).allWeights[0]!;
   * wIh!.shape; // [24, 4]
   * ```
   */
  get allWeights(): Parameter[][] {
    return this.#weights.map((w) =>
      w.biasIh && w.biasHh ? [w.weightIh, w.weightHh, w.biasIh, w.biasHh] : [w.weightIh, w.weightHh],
    );
  }

  /**
   * Runs every layer and direction over `x` from the initial states `states` (`[h0]` or
   * `[h0, c0]`, each `[layers·dirs, N, H]`, or `[layers·dirs, H]` for unbatched input; zeros when
   * null). Returns the last layer's output and the final states in the layout of the initial ones.
   */
  protected run(
    x: Tensor,
    states: readonly Tensor[] | null,
    stateNames: readonly string[],
    step: CellStep,
  ): [Tensor, Tensor[]] {
    const unbatched = this.#checkInput(x);
    let seq = unbatched ? x.unsqueeze(1) : this.batchFirst ? x.transpose(0, 1) : x;
    const batch = seq.shape[1]!;
    const stateShape = [this.numLayers * this.directions, batch, this.hiddenSize];
    const initial = stateNames.map((name, j) => {
      const given = states?.[j];
      if (given === undefined) return zeros(stateShape, { dtype: x.dtype, device: x.device });
      this.#checkState(name, given, unbatched ? [stateShape[0]!, this.hiddenSize] : stateShape);
      return unbatched ? given.unsqueeze(1) : given;
    });
    const finals: Tensor[][] = stateNames.map(() => []);
    for (let k = 0; k < this.numLayers; k++) {
      if (k > 0) seq = this.#dropBetweenLayers(seq);
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const index = k * this.directions + d;
        const start = initial.map((s) => s.narrow(0, index, 1));
        const [out, last] = runDirection(seq, start, this.#weights[index]!, step, d === 1);
        outputs.push(out);
        for (let j = 0; j < last.length; j++) finals[j]!.push(last[j]!);
      }
      seq = outputs.length === 1 ? outputs[0]! : cat(outputs, 2);
    }
    const hN = finals.map((parts) => cat(parts, 0));
    if (unbatched) return [seq.squeeze(1), hN.map((s) => s.squeeze(1))];
    return [this.batchFirst ? seq.transpose(0, 1) : seq, hN];
  }

  // Returns whether x is unbatched ([T, in]); throws a ShapeError naming the layer otherwise.
  #checkInput(x: Tensor): boolean {
    const layout = this.batchFirst ? 'N, T' : 'T, N';
    const expected = `input [${layout}, ${this.inputSize}] or unbatched [T, ${this.inputSize}]`;
    if ((x.ndim !== 2 && x.ndim !== 3) || x.shape[x.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${this.describe()}: expected ${expected}, got shape ${fmtShape(x.shape)}`);
    }
    const steps = x.ndim === 3 && this.batchFirst ? x.shape[1]! : x.shape[0]!;
    if (steps === 0) {
      throw new ShapeError(
        `${this.describe()}: expected a sequence of length at least 1, got input of shape ${fmtShape(x.shape)}`,
      );
    }
    return x.ndim === 2;
  }

  #checkState(name: string, state: Tensor, shape: readonly number[]): void {
    if (fmtShape(state.shape) !== fmtShape(shape)) {
      throw new ShapeError(
        `${this.describe()}: expected ${name} of shape ${fmtShape(shape)} (layers·directions, ` +
          `${shape.length === 3 ? 'batch, ' : ''}hidden), got shape ${fmtShape(state.shape)}`,
      );
    }
  }

  // PyTorch's inter-layer dropout: in training only, with the seeded masks of `Dropout`.
  #dropBetweenLayers(x: Tensor): Tensor {
    return dropout(x, this.dropout, { training: this.training, generator: this.#generator });
  }

  /**
   * PyTorch's repr: `LSTM(8, 16, numLayers=2, bidirectional=true)`.
   *
   * @example
   * ```ts
   * new GRU(4, 8, { batchFirst: true }).describe(); // 'GRU(4, 8, batchFirst=true)'
   * ```
   */
  override describe(): string {
    const parts = [String(this.inputSize), String(this.hiddenSize)];
    if (this.numLayers !== 1) parts.push(`numLayers=${this.numLayers}`);
    parts.push(...this.extraDescription());
    if (!this.bias) parts.push('bias=false');
    if (this.batchFirst) parts.push('batchFirst=true');
    if (this.dropout !== 0) parts.push(`dropout=${this.dropout}`);
    if (this.bidirectional) parts.push('bidirectional=true');
    return `${this.constructor.name}(${parts.join(', ')})`;
  }

  /** Options a subclass adds to `describe()` (RNN's nonlinearity). */
  protected extraDescription(): string[] {
    return [];
  }
}

// One direction of one layer over seq [T, N, in]: the input projection of every step in one
// matmul, then the cell per step (backwards in time for the reverse direction). Returns the
// outputs in time order, [T, N, H], and the final state.
function runDirection(
  seq: Tensor,
  start: Tensor[],
  w: DirectionWeights,
  step: CellStep,
  reverse: boolean,
): [Tensor, Tensor[]] {
  const steps = timeSteps(linear(seq, w.weightIh, w.biasIh));
  if (reverse) steps.reverse();
  let state = start;
  const outputs: Tensor[] = [];
  for (const gi of steps) {
    state = step(gi, state, w.weightHh, w.biasHh);
    outputs.push(state[0]!);
  }
  if (reverse) outputs.reverse();
  return [cat(outputs, 0), state];
}
