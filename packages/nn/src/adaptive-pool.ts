import { ShapeError, type Tensor } from '@backprop/core';
import { type AdaptiveSize, adaptiveAvgPool2d, resolveAdaptiveSize } from './functional/pooling.js';
import { Module } from './module.js';
import { fmtShape } from './shape-check.js';

/**
 * Adaptive 2-D average pooling to a fixed output size whatever the input's (PyTorch's
 * `nn.AdaptiveAvgPool2d`): `outputSize` is one number or `[h, w]`, where null keeps that input
 * dim. Windows follow PyTorch's rule (start floor(i·H/h), end ceil((i+1)·H/h)), so they may
 * overlap and differ in size.
 *
 * @example
 * ```ts
 * new AdaptiveAvgPool2d(1).forward(randn([2, 64, 7, 7])).shape; // [2, 64, 1, 1]
 * new AdaptiveAvgPool2d([3, null]).forward(randn([1, 2, 10, 5])).shape; // [1, 2, 3, 5]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  /**
   * @param outputSize Output height and width: one number, or `[h, w]` with null for "as the input".
   */
  constructor(readonly outputSize: AdaptiveSize) {
    super();
    resolveAdaptiveSize('AdaptiveAvgPool2d', outputSize, [1, 1]);
  }

  forward(x: Tensor): Tensor {
    if ((x.ndim !== 3 && x.ndim !== 4) || x.shape.slice(-2).includes(0)) {
      throw new ShapeError(
        `${this.describe()}: expected input [N, C, H, W] or [C, H, W] with H, W > 0, got shape ${fmtShape(x.shape)}`,
      );
    }
    return adaptiveAvgPool2d(x, this.outputSize);
  }

  override describe(): string {
    return `AdaptiveAvgPool2d(${JSON.stringify(this.outputSize)})`;
  }
}
