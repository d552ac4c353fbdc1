import { IndexError, ShapeError, type Tensor } from '@backprop/core';

/**
 * One example: the input and its target.
 *
 * @example
 * ```ts
 * const [x, y]: Example = xor().get(0);
 * ```
 */
export type Example = [x: Tensor, y: Tensor];

/**
 * What `DataLoader` reads: a length and random access to examples. `TensorDataset` is the usual
 * one; any object with these two members works.
 *
 * @example
 * ```ts
 * const squares: Dataset = {
 *   length: 10,
 *   get: (i) => [tensor([i]), tensor([i * i])],
 * };
 * ```
 */
export interface Dataset {
  /** Number of examples. */
  readonly length: number;
  /** Example `index` (0-based) as `[x, y]`. */
  get(index: number): Example;
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/**
 * A dataset held as two tensors whose first dim indexes the examples: `x[i]` is example `i`'s input
 * and `y[i]` its target. `DataLoader` batches it by copying rows, not by stacking examples.
 *
 * @example
 * ```ts
 * const ds = new TensorDataset(tensor([[0, 0], [0, 1]]), tensor([0, 1], { dtype: 'int32' }));
 * ds.length; // 2
 * const [x1, y1] = ds.get(1); // x1: [0, 1], y1: 1
 * ```
 */
export class TensorDataset implements Dataset {
  /** Inputs; `x[i]` is example i's input. */
  readonly x: Tensor;
  /** Targets; `y[i]` is example i's target (int32 class indices or floats). */
  readonly y: Tensor;

  constructor(x: Tensor, y: Tensor) {
    if (x.ndim === 0 || y.ndim === 0) {
      throw new ShapeError(
        `TensorDataset: x and y need a first dim indexing the examples, got x ${fmtShape(x.shape)} and y ${fmtShape(y.shape)}`,
      );
    }
    if (x.shape[0] !== y.shape[0]) {
      throw new ShapeError(
        `TensorDataset: x has ${x.shape[0]} examples but y has ${y.shape[0]} (shapes ${fmtShape(x.shape)} and ${fmtShape(y.shape)})`,
      );
    }
    this.x = x;
    this.y = y;
  }

  /** Number of examples. */
  get length(): number {
    return this.x.shape[0]!;
  }

  /** Example `index` as views of one row of `x` and `y` (negative counts from the end). */
  get(index: number): Example {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new IndexError(`TensorDataset.get: index ${index} is out of range for ${n} examples`);
    }
    return [row(this.x, i), row(this.y, i)];
  }
}

// x[i] as a view: a one-row slice with the leading dim dropped.
function row(t: Tensor, i: number): Tensor {
  return t.slice(0, i, i + 1).reshape(t.shape.slice(1));
}
