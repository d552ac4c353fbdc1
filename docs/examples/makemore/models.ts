// Models 2–4: the networks. Each maps int32 tokens to next-character scores (logits); what it
// reads differs: a fixed window of the last characters (MLP) or the whole word so far (LSTM,
// Transformer).
import { arange, type Generator, type Tensor } from '@backprop/core';
import {
  type AnyModule,
  Embedding,
  LayerNorm,
  Linear,
  LSTM,
  Module,
  TransformerEncoderLayer,
} from '@backprop/nn';
import { VOCAB_SIZE } from './words.js';

/**
 * How a network reads a word: `'window'`, one row of the last `context` tokens per character to
 * predict (`[N, context]` in, `[N, 27]` out); `'sequence'`, the boundary token then the word's
 * letters, predicting every next token at once (`[B, T]` in, `[B, T, 27]` out).
 */
export type Layout = { kind: 'window'; context: number } | { kind: 'sequence' };

/** A character-level network: logits for the next token, read as its `layout` says. */
export abstract class CharModel extends Module<[Tensor], Tensor> {
  /** How `forward` reads its input. */
  abstract readonly layout: Layout;
}

/**
 * Bengio et al. (2003): embed each of the last `context` characters, concatenate, one tanh hidden
 * layer, then scores for the next character. It cannot see further back than `context`.
 *
 * @example
 * ```ts
 * const mlp = new MLPModel({ context: 3, embedding: 10, hidden: 200 });
 * mlp.forward(tensor([[0, 0, 8]], { dtype: 'int32' })).shape; // [1, 27]
 * ```
 */
export class MLPModel extends CharModel {
  readonly layout: Layout;
  readonly embed: Embedding;
  readonly hidden: Linear;
  readonly head: Linear;

  constructor(
    readonly sizes: { context: number; embedding: number; hidden: number },
    generator?: Generator,
  ) {
    super();
    const g = generator ? { generator } : {};
    this.layout = { kind: 'window', context: sizes.context };
    this.embed = new Embedding(VOCAB_SIZE, sizes.embedding, g);
    this.hidden = new Linear(sizes.context * sizes.embedding, sizes.hidden, g);
    this.head = new Linear(sizes.hidden, VOCAB_SIZE, g);
  }

  forward(input: Tensor): Tensor {
    const rows = this.embed.forward(input).reshape([input.shape[0]!, -1]);
    return this.head.forward(this.hidden.forward(rows).tanh());
  }
}

/**
 * An LSTM over the whole word: its state carries everything read so far, one character per step.
 *
 * @example
 * ```ts
 * const lstm = new LSTMModel({ embedding: 32, hidden: 128 });
 * lstm.forward(tensor([[0, 8, 5]], { dtype: 'int32' })).shape; // [1, 3, 27]
 * ```
 */
export class LSTMModel extends CharModel {
  readonly layout: Layout = { kind: 'sequence' };
  readonly embed: Embedding;
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(
    readonly sizes: { embedding: number; hidden: number },
    generator?: Generator,
  ) {
    super();
    const g = generator ? { generator } : {};
    this.embed = new Embedding(VOCAB_SIZE, sizes.embedding, g);
    this.lstm = new LSTM(sizes.embedding, sizes.hidden, { batchFirst: true, ...g });
    this.head = new Linear(sizes.hidden, VOCAB_SIZE, g);
  }

  forward(input: Tensor): Tensor {
    const [output] = this.lstm.forward(this.embed.forward(input));
    return this.head.forward(output);
  }
}

/** Sizes of `TransformerModel`. */
export interface TransformerSizes {
  /** Model width (token and position embeddings, attention, residual stream). */
  width: number;
  /** Attention heads; must divide `width`. */
  heads: number;
  /** Encoder layers. */
  layers: number;
  /** Longest input (boundary token included) a position embedding exists for. */
  maxLength: number;
}

/**
 * A causal Transformer (GPT-like, pre-norm): token plus position embeddings, `layers`
 * `TransformerEncoderLayer`s whose attention may only look back (`isCausal`), a final LayerNorm
 * and a linear head. Every position sees the whole word before it, in parallel.
 *
 * @example
 * ```ts
 * const gpt = new TransformerModel({ width: 64, heads: 4, layers: 2, maxLength: 32 });
 * gpt.forward(tensor([[0, 8, 5]], { dtype: 'int32' })).shape; // [1, 3, 27]
 * ```
 */
export class TransformerModel extends CharModel {
  readonly layout: Layout = { kind: 'sequence' };
  readonly tokens: Embedding;
  readonly positions: Embedding;
  readonly blocks: TransformerEncoderLayer[];
  readonly norm: LayerNorm;
  readonly head: Linear;

  constructor(
    readonly sizes: TransformerSizes,
    generator?: Generator,
  ) {
    super();
    const g = generator ? { generator } : {};
    this.tokens = new Embedding(VOCAB_SIZE, sizes.width, g);
    this.positions = new Embedding(sizes.maxLength, sizes.width, g);
    // Pre-norm (normFirst), GPT-2's layout, is what the final LayerNorm belongs to. No dropout:
    // four epochs barely open a gap between training and validation loss. ReLU, PyTorch's default,
    // rather than GELU: the exact GELU's erf costs about 25 times a ReLU on the CPU backends.
    this.blocks = Array.from(
      { length: sizes.layers },
      () =>
        new TransformerEncoderLayer(sizes.width, sizes.heads, {
          dimFeedforward: 4 * sizes.width,
          dropout: 0,
          activation: 'relu',
          batchFirst: true,
          normFirst: true,
          ...g,
        }),
    );
    this.norm = new LayerNorm(sizes.width);
    this.head = new Linear(sizes.width, VOCAB_SIZE, g);
  }

  forward(input: Tensor): Tensor {
    const length = input.shape[1]!;
    const where = arange(0, length, 1, { dtype: 'int32' });
    let x = this.tokens.forward(input).add(this.positions.forward(where));
    for (const block of this.blocks) x = block.forward(x, { isCausal: true });
    return this.head.forward(this.norm.forward(x));
  }
}

/**
 * How many numbers a model learns: the sum of its parameters' sizes.
 *
 * @example
 * ```ts
 * parameterCount(new MLPModel({ context: 3, embedding: 10, hidden: 200 })); // 11897
 * ```
 */
export function parameterCount(model: AnyModule): number {
  return model.parameters().reduce((n, p) => n + p.size, 0);
}
