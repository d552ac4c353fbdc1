import { type DType, type Generator, gelu, relu, ShapeError, type Tensor, ValueError } from '@backprop/core';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { LayerNorm } from './normalization.js';

/** The feed-forward activation of `TransformerEncoderLayer`: a name or a function. */
export type TransformerActivation = 'relu' | 'gelu' | ((x: Tensor) => Tensor);

/** Options of `TransformerEncoderLayer` (PyTorch's arguments and defaults). */
export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** The feed-forward activation (default `'relu'`). */
  activation?: TransformerActivation;
  /** LayerNorm's eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are `[N, L, E]` instead of `[L, N, E]` (default false). */
  batchFirst?: boolean;
  /** Pre-norm (`x + f(norm(x))`, GPT-2's) instead of PyTorch's default post-norm (`norm(x + f(x))`). */
  normFirst?: boolean;
  /** Biases in the linear layers, attention and LayerNorms (default true). */
  bias?: boolean;
  /** dtype of the parameters (default float32). */
  dtype?: DType;
  /** Generator for the initial weights and the dropout masks. */
  generator?: Generator;
}

/** Options of `TransformerEncoderLayer.forward`. */
export interface TransformerEncoderForwardOptions {
  /** `[L, L]` (or `[N·heads, L, L]`): bool true = may NOT attend; float: added (as PyTorch's `src_mask`). */
  srcMask?: Tensor | null;
  /** `[N, L]`: bool true = padding, ignored as a key. */
  srcKeyPaddingMask?: Tensor | null;
  /** A causal mask (each position sees itself and earlier ones), when no `srcMask` is given. */
  isCausal?: boolean;
}

/**
 * One encoder block of "Attention Is All You Need" (PyTorch's `nn.TransformerEncoderLayer`):
 * self-attention then a two-layer feed-forward network, each with a residual connection, dropout
 * and LayerNorm (after the sum by default, before the block with `normFirst`). Submodules and
 * state-dict keys are PyTorch's: `self_attn.*`, `linear1.*`, `linear2.*`, `norm1.*`, `norm2.*`.
 *
 * @example
 * ```ts
 * const layer = new TransformerEncoderLayer(32, 4, { dimFeedforward: 64, batchFirst: true });
 * layer.forward(randn([2, 10, 32]), { isCausal: true }).shape; // [2, 10, 32]
 * ```
 */
export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderForwardOptions?], Tensor> {
  /** The self-attention block. */
  readonly self_attn: MultiheadAttention;
  /** Feed-forward in: dModel → dimFeedforward. */
  readonly linear1: Linear;
  /** Dropout inside the feed-forward block. */
  readonly dropout: Dropout;
  /** Feed-forward out: dimFeedforward → dModel. */
  readonly linear2: Linear;
  /** The LayerNorm of the attention block. */
  readonly norm1: LayerNorm;
  /** The LayerNorm of the feed-forward block. */
  readonly norm2: LayerNorm;
  /** Dropout on the attention block's output. */
  readonly dropout1: Dropout;
  /** Dropout on the feed-forward block's output. */
  readonly dropout2: Dropout;
  /** Whether the LayerNorms come before the blocks. */
  readonly normFirst: boolean;
  readonly #activation: (x: Tensor) => Tensor;
  readonly #activationName: string;

  /**
   * @param dModel Model width E.
   * @param nhead Attention heads; must divide `dModel`.
   * @param options `dimFeedforward`, `dropout`, `activation`, `layerNormEps`, `batchFirst`,
   *   `normFirst`, `bias`, `dtype`, `generator`.
   */
  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerEncoderLayerOptions = {},
  ) {
    super();
    const p = options.dropout ?? 0.1;
    const dff = options.dimFeedforward ?? 2048;
    const bias = options.bias ?? true;
    const common = {
      ...(options.dtype ? { dtype: options.dtype } : {}),
      ...(options.generator ? { generator: options.generator } : {}),
    };
    this.self_attn = new MultiheadAttention(dModel, nhead, {
      dropout: p,
      bias,
      batchFirst: options.batchFirst ?? false,
      ...common,
    });
    this.linear1 = new Linear(dModel, dff, { bias, ...common });
    this.dropout = new Dropout(p, common.generator ? { generator: common.generator } : {});
    this.linear2 = new Linear(dff, dModel, { bias, ...common });
    const eps = options.layerNormEps ?? 1e-5;
    const norm = { eps, bias, ...(options.dtype ? { dtype: options.dtype } : {}) };
    this.norm1 = new LayerNorm(dModel, norm);
    this.norm2 = new LayerNorm(dModel, norm);
    this.dropout1 = new Dropout(p, common.generator ? { generator: common.generator } : {});
    this.dropout2 = new Dropout(p, common.generator ? { generator: common.generator } : {});
    this.normFirst = options.normFirst ?? false;
    const activation = options.activation ?? 'relu';
    if (activation === 'relu') this.#activation = relu;
    else if (activation === 'gelu') this.#activation = (x) => gelu(x);
    else if (typeof activation === 'function') this.#activation = activation;
    else {
      throw new ValueError(
        `TransformerEncoderLayer: activation must be 'relu', 'gelu' or a function, got ${JSON.stringify(activation)}`,
      );
    }
    this.#activationName = typeof activation === 'string' ? activation : 'custom';
  }

  /**
   * Runs the block on `src` (`[L, N, E]`, `[N, L, E]` with `batchFirst`, or `[L, E]`).
   *
   * @example
   * ```ts
   * const layer = new TransformerEncoderLayer(16, 2, { dimFeedforward: 32 });
   * layer.forward(randn([7, 3, 16])).shape; // [7, 3, 16]
   * ```
   */
  forward(src: Tensor, options: TransformerEncoderForwardOptions = {}): Tensor {
    if ((src.ndim !== 2 && src.ndim !== 3) || src.shape.at(-1) !== this.dModel) {
      throw new ShapeError(
        `${this.describe()}: expected src [L, N, E], [N, L, E] or [L, E] with E = ${this.dModel}, got [${src.shape.join(',')}]`,
      );
    }
    const attention = (x: Tensor) =>
      this.dropout1.forward(
        this.self_attn.forward(x, x, x, {
          attnMask: options.srcMask ?? null,
          keyPaddingMask: options.srcKeyPaddingMask ?? null,
          isCausal: options.isCausal ?? false,
          needWeights: false,
        })[0],
      );
    const feedForward = (x: Tensor) =>
      this.dropout2.forward(
        this.linear2.forward(this.dropout.forward(this.#activation(this.linear1.forward(x)))),
      );
    if (this.normFirst) {
      const x = src.add(attention(this.norm1.forward(src)));
      return x.add(feedForward(this.norm2.forward(x)));
    }
    const x = this.norm1.forward(src.add(attention(src)));
    return this.norm2.forward(x.add(feedForward(x)));
  }

  override describe(): string {
    return `TransformerEncoderLayer(${this.dModel}, nhead=${this.nhead}, dimFeedforward=${this.linear1.outFeatures}, activation=${this.#activationName}${this.normFirst ? ', normFirst=true' : ''})`;
  }
}
