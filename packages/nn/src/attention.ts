import {
  type DType,
  type Generator,
  linear,
  ShapeError,
  type Tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { additiveMask, attend, causalMask } from './functional/attention.js';
import { init } from './init.js';
import { checkSize, Linear } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';
import { fmtShape } from './shape-check.js';

/** Options of `MultiheadAttention`. */
export interface MultiheadAttentionOptions {
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Learn biases for the input and output projections (default true). */
  bias?: boolean;
  /** Inputs and outputs are `[N, L, E]` instead of PyTorch's default `[L, N, E]` (default false). */
  batchFirst?: boolean;
  /** dtype of the parameters (default float32). */
  dtype?: DType;
  /** Generator for the initial weights and the dropout masks. */
  generator?: Generator;
}

/** Options of `MultiheadAttention.forward`. */
export interface MultiheadAttentionForwardOptions {
  /** `[L, S]` or `[N·heads, L, S]`: bool true = may NOT attend (as `nn.MultiheadAttention`); float: added. */
  attnMask?: Tensor | null;
  /** `[N, S]` (or `[S]` unbatched): bool true = this key is padding and ignored; float: added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); false returns null in their place. */
  needWeights?: boolean;
  /** Average the weights over the heads (default true): `[N, L, S]`, else `[N, heads, L, S]`. */
  averageAttnWeights?: boolean;
  /** Each query attends only to keys at or before its position; used when no `attnMask` is given. */
  isCausal?: boolean;
}

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention`): queries, keys and values are projected
 * by `in_proj_weight` (`[3E, E]`, the three projections stacked, as PyTorch stores them), split into
 * `numHeads` heads of `E / numHeads`, attended (`softmax(q kᵀ / √d) v` per head) and projected back
 * by `out_proj`. State-dict keys are PyTorch's (`in_proj_weight`, `in_proj_bias`,
 * `out_proj.weight`, `out_proj.bias`), so its checkpoints load unchanged. `forward` returns
 * `[output, weights | null]`.
 *
 * @example
 * ```ts
 * const mha = new MultiheadAttention(16, 4, { batchFirst: true });
 * const x = randn([2, 5, 16]);
 * const [out, weights] = mha.forward(x, x, x);
 * out.shape; // [2, 5, 16]
 * weights?.shape; // [2, 5, 5]
 * ```
 */
export class MultiheadAttention extends Module<
  [Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?],
  [Tensor, Tensor | null]
> {
  /** The stacked query, key and value projections `[3E, E]`. */
  readonly in_proj_weight: Parameter;
  /** Their biases `[3E]`, or null with `bias: false`. */
  readonly in_proj_bias: Parameter | null;
  /** The output projection `E → E`. */
  readonly out_proj: Linear;
  /** Dropout probability on the attention weights. */
  readonly dropout: number;
  /** Whether inputs are `[N, L, E]`. */
  readonly batchFirst: boolean;
  readonly #generator: Generator | undefined;

  /**
   * @param embedDim Model width E (queries, keys and values all have it).
   * @param numHeads Heads; must divide `embedDim`.
   * @param options `dropout`, `bias`, `batchFirst`, `dtype`, `generator`.
   */
  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    checkSize('MultiheadAttention', 'embedDim', embedDim);
    checkSize('MultiheadAttention', 'numHeads', numHeads);
    if (embedDim % numHeads !== 0) {
      throw new ValueError(
        `MultiheadAttention: embedDim ${embedDim} must be divisible by numHeads ${numHeads}`,
      );
    }
    const p = options.dropout ?? 0;
    if (!(p >= 0 && p <= 1)) throw new ValueError(`MultiheadAttention: dropout must be in [0, 1], got ${p}`);
    this.dropout = p;
    this.batchFirst = options.batchFirst ?? false;
    this.#generator = options.generator;
    const dtype = options.dtype ?? 'float32';
    const withBias = options.bias ?? true;
    const gen = options.generator ? { generator: options.generator } : {};
    // PyTorch's _reset_parameters: Xavier-uniform in_proj_weight, zero biases; out_proj keeps
    // Linear's default weight init.
    this.in_proj_weight = new Parameter(zeros([3 * embedDim, embedDim], { dtype }));
    init.xavierUniform_(this.in_proj_weight, gen);
    this.in_proj_bias = withBias ? new Parameter(zeros([3 * embedDim], { dtype })) : null;
    this.out_proj = new Linear(embedDim, embedDim, { bias: withBias, dtype, ...gen });
    if (this.out_proj.bias) init.zeros_(this.out_proj.bias);
  }

  /**
   * Attends `query` `[L, N, E]` over `key`/`value` `[S, N, E]` (`[N, L, E]` with `batchFirst`;
   * `[L, E]` unbatched) and returns `[output, weights]`.
   *
   * @example
   * ```ts
   * const mha = new MultiheadAttention(8, 2);
   * const x = randn([6, 3, 8]); // L, N, E
   * const [y] = mha.forward(x, x, x, { isCausal: true, needWeights: false });
   * y.shape; // [6, 3, 8]
   * ```
   */
  forward(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    options: MultiheadAttentionForwardOptions = {},
  ): [Tensor, Tensor | null] {
    const name = this.describe();
    const batched = query.ndim === 3;
    const e = this.embedDim;
    for (const [what, t] of [
      ['query', query],
      ['key', key],
      ['value', value],
    ] as const) {
      if (t.ndim !== (batched ? 3 : 2) || t.shape.at(-1) !== e) {
        throw new ShapeError(
          `${name}: expected ${what} of shape ${batched ? (this.batchFirst ? '[N, L, E]' : '[L, N, E]') : '[L, E]'} with E = ${e}, got ${fmtShape(t.shape)}`,
        );
      }
    }
    // Internally [N, L, E].
    const toBatchFirst = (t: Tensor) => (!batched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const q0 = toBatchFirst(query);
    const k0 = toBatchFirst(key);
    const v0 = toBatchFirst(value);
    const [n, l] = q0.shape as [number, number];
    const s = k0.shape[1]!;
    if (v0.shape[1] !== s || k0.shape[0] !== n || v0.shape[0] !== n) {
      throw new ShapeError(
        `${name}: key ${fmtShape(key.shape)} and value ${fmtShape(value.shape)} must match each other and the query's batch`,
      );
    }
    const [q, k, v] = this.project(q0, k0, v0, query === key && key === value);
    const h = this.numHeads;
    const d = e / h;
    const heads = (t: Tensor, len: number) => t.reshape([n, len, h, d]).transpose(1, 2);
    const bias = this.maskBias(options, n, l, s, q);
    // PyTorch divides the queries by √d before the product.
    const { out, weights } = attend(
      heads(q, l).div(Math.sqrt(d)),
      heads(k, s),
      heads(v, s),
      bias,
      this.training ? this.dropout : 0,
      this.#generator,
    );
    const merged = out.transpose(1, 2).reshape([n, l, e]);
    const projected = this.out_proj.forward(merged);
    const output = !batched ? projected.squeeze(0) : this.batchFirst ? projected : projected.transpose(0, 1);
    if (options.needWeights === false) return [output, null];
    const w = options.averageAttnWeights === false ? weights : weights.mean(1);
    return [output, batched ? w : w.squeeze(0)];
  }

  // q, k, v projections: one product for self-attention (q = k = v), else three from the row blocks.
  private project(q: Tensor, k: Tensor, v: Tensor, self: boolean): [Tensor, Tensor, Tensor] {
    const w = this.in_proj_weight;
    const b = this.in_proj_bias;
    const e = this.embedDim;
    if (self) {
      const [pq, pk, pv] = linear(q, w, b).chunk(3, -1) as [Tensor, Tensor, Tensor];
      return [pq, pk, pv];
    }
    const block = (t: Tensor, i: number) =>
      linear(t, w.narrow(0, i * e, e), b ? b.narrow(0, i * e, e) : null);
    return [block(q, 0), block(k, 1), block(v, 2)];
  }

  // The additive mask [N or 1, heads or 1, L, S] of attnMask, keyPaddingMask and isCausal.
  private maskBias(
    o: MultiheadAttentionForwardOptions,
    n: number,
    l: number,
    s: number,
    like: Tensor,
  ): Tensor | null {
    const name = this.describe();
    let bias: Tensor | null = null;
    const attnMask = o.attnMask ?? null;
    if (attnMask) {
      const m = additiveMask(name, attnMask, false, like);
      if (attnMask.ndim === 2 && attnMask.shape[0] === l && attnMask.shape[1] === s) bias = m;
      else if (
        attnMask.ndim === 3 &&
        attnMask.shape[0] === n * this.numHeads &&
        attnMask.shape[1] === l &&
        attnMask.shape[2] === s
      ) {
        bias = m.reshape([n, this.numHeads, l, s]);
      } else {
        throw new ShapeError(
          `${name}: attnMask must be [L, S] = [${l}, ${s}] or [N·heads, L, S] = [${n * this.numHeads}, ${l}, ${s}], got ${fmtShape(attnMask.shape)}`,
        );
      }
    } else if (o.isCausal) bias = causalMask(l, s, like);
    const padding = o.keyPaddingMask ?? null;
    if (padding) {
      const rows = padding.ndim === 1 ? padding.unsqueeze(0) : padding;
      if (rows.ndim !== 2 || rows.shape[0] !== n || rows.shape[1] !== s) {
        throw new ShapeError(
          `${name}: keyPaddingMask must be [N, S] = [${n}, ${s}], got ${fmtShape(padding.shape)}`,
        );
      }
      const m = additiveMask(name, rows, false, like).reshape([n, 1, 1, s]);
      bias = bias ? bias.add(m) : m;
    }
    return bias;
  }

  override describe(): string {
    return `MultiheadAttention(${this.embedDim}, heads=${this.numHeads}${this.dropout ? `, dropout=${this.dropout}` : ''}${this.batchFirst ? ', batchFirst=true' : ''})`;
  }
}
