import { ShapeError, type Tensor } from '@backprop/core';
import { checkInterpolateOptions, type InterpolateOptions, interpolate } from './functional/interpolate.js';
import { Module } from './module.js';
import { fmtShape } from './shape-check.js';

/**
 * Resizes NCHW images (PyTorch's `nn.Upsample`) to a `size` or by a `scaleFactor` (give one), with
 * `mode` `'nearest'` (default) or `'bilinear'` (`alignCorners` default false); see `interpolate`.
 *
 * @example
 * ```ts
 * new Upsample({ scaleFactor: 2 }).forward(randn([1, 3, 8, 8])).shape; // [1, 3, 16, 16]
 * new Upsample({ size: [5, 7], mode: 'bilinear', alignCorners: true }).forward(randn([1, 1, 3, 3])).shape; // [1, 1, 5, 7]
 * ```
 */
export class Upsample extends Module {
  /** The interpolation settings, checked at construction. */
  readonly options: Readonly<InterpolateOptions>;

  /**
   * @param options `size` or `scaleFactor`, `mode`, `alignCorners`.
   */
  constructor(options: InterpolateOptions) {
    super();
    this.options = { ...options };
    checkInterpolateOptions('Upsample', this.options);
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 4) {
      throw new ShapeError(`${this.describe()}: expected input [N, C, H, W], got shape ${fmtShape(x.shape)}`);
    }
    return interpolate(x, this.options);
  }

  override describe(): string {
    const { size, scaleFactor, mode = 'nearest', alignCorners } = this.options;
    const what = size != null ? `size=${JSON.stringify(size)}` : `scaleFactor=${JSON.stringify(scaleFactor)}`;
    const corners = alignCorners != null ? `, alignCorners=${alignCorners}` : '';
    return `Upsample(${what}, mode=${mode}${corners})`;
  }
}
