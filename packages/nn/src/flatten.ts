import type { Tensor } from '@backprop/core';
import { Module } from './module.js';

/**
 * Flattens dims `startDim..endDim` into one (by default all but the batch dim), as between the
 * convolutional and the linear part of a CNN.
 *
 * @example
 * ```ts
 * new Flatten().forward(randn([2, 3, 4, 4])).shape; // [2, 48]
 * ```
 */
export class Flatten extends Module {
  /**
   * @param startDim First dim merged (default 1: keep the batch dim).
   * @param endDim Last dim merged (default -1).
   */
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }

  override describe(): string {
    return `Flatten(startDim=${this.startDim}, endDim=${this.endDim})`;
  }
}
