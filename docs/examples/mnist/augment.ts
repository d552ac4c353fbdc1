import { cat, type Generator, noGrad, type Tensor } from '@backprop/core';
import type { Batches } from '@backprop/data';

/**
 * Shifts each image of a `[N, 1, 28, 28]` batch by up to `max` pixels in each direction (zero
 * fill): the classic MNIST augmentation, which keeps a small CNN from memorizing 8,500 digits.
 */
export function randomShift(x: Tensor, max: number, generator: Generator): Tensor {
  return noGrad(() => {
    const [, , h, w] = x.shape as [number, number, number, number];
    const padded = x.pad([max, max, max, max]);
    const shifted: Tensor[] = [];
    for (let i = 0; i < x.shape[0]!; i++) {
      const dy = generator.integer(0, 2 * max + 1);
      const dx = generator.integer(0, 2 * max + 1);
      shifted.push(
        padded
          .slice(0, i, i + 1)
          .slice(2, dy, dy + h)
          .slice(3, dx, dx + w),
      );
    }
    return cat(shifted, 0);
  });
}

/** Batches of `loader` with `transform` applied to each input batch, drawn afresh every epoch. */
export function mapInputs(loader: Batches, transform: (x: Tensor) => Tensor): Batches {
  return {
    length: loader.length,
    *[Symbol.iterator]() {
      for (const [x, y] of loader) yield [transform(x), y];
    },
  };
}
