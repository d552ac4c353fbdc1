import { Tensor } from '@backprop/core';

/**
 * A tensor that a {@link Module} owns as a learnable weight: a leaf with `requiresGrad` set, which
 * `parameters()` finds and optimizers update. It shares `data`'s storage (as PyTorch's
 * `nn.Parameter`), so wrapping copies nothing.
 *
 * @example
 * ```ts
 * const w = new Parameter(randn([4, 3]));
 * w.requiresGrad; // true
 * w instanceof Tensor; // true
 * ```
 */
export class Parameter extends Tensor {
  /**
   * @param data the initial values (a leaf is made from them; their graph, if any, is dropped)
   * @param requiresGrad whether the optimizer should train it (default true)
   */
  constructor(data: Tensor, requiresGrad = true) {
    super(data.storage, data.shape, data.strides, data.offset);
    if (requiresGrad) this.requiresGrad_(true);
  }
}
