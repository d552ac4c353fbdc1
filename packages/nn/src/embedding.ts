import { DTypeError, noGrad, type Tensor, zeros } from '@backprop/core';
import { embedding, resolvePaddingIdx } from './functional/embedding.js';
import { init } from './init.js';
import { checkSize, type LayerOptions } from './linear.js';
import { Module } from './module.js';
import { Parameter } from './parameter.js';

/** Options of `Embedding`. */
export interface EmbeddingLayerOptions extends LayerOptions {
  /** A row kept at zero at init that never receives a gradient (negative counts from the end). */
  paddingIdx?: number | null;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (PyTorch's `nn.Embedding`):
 * int32 indices of any shape give `[...input.shape, embeddingDim]`. Weights start from N(0, 1);
 * the `paddingIdx` row starts at zero and gets no gradient.
 *
 * @example
 * ```ts
 * const emb = new Embedding(100, 16, { paddingIdx: 0 });
 * emb.forward(tensor([[5, 7, 0]], { dtype: 'int32' })).shape; // [1, 3, 16]
 * ```
 */
export class Embedding extends Module {
  /** The table, `[numEmbeddings, embeddingDim]`, as PyTorch. */
  readonly weight: Parameter;
  /** The padding row as an index in [0, numEmbeddings), or null. */
  readonly paddingIdx: number | null;

  /**
   * @param numEmbeddings Rows of the table (the number of distinct indices).
   * @param embeddingDim Size of each vector.
   * @param options `paddingIdx`, `dtype`, `generator`.
   */
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingLayerOptions = {},
  ) {
    super();
    checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    checkSize('Embedding', 'embeddingDim', embeddingDim);
    this.paddingIdx = resolvePaddingIdx('Embedding', options.paddingIdx, numEmbeddings);
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim], { dtype: options.dtype ?? 'float32' }));
    init.normal_(this.weight, 0, 1, options.generator ? { generator: options.generator } : {});
    const pad = this.paddingIdx;
    if (pad !== null) noGrad(() => this.weight.slice(0, pad, pad + 1).fill_(0));
  }

  forward(input: Tensor): Tensor {
    if (input.dtype !== 'int32') {
      throw new DTypeError(
        `${this.describe()}: expected int32 indices, got ${input.dtype} of shape [${input.shape}]`,
      );
    }
    return embedding(input, this.weight, { paddingIdx: this.paddingIdx });
  }

  override describe(): string {
    const pad = this.paddingIdx === null ? '' : `, paddingIdx=${this.paddingIdx}`;
    return `Embedding(${this.numEmbeddings}, ${this.embeddingDim}${pad})`;
  }
}
