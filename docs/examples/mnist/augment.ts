import { type Generator, type Tensor, tensor } from '@backprop/core';
import type { Batches } from '@backprop/data';

/**
 * Shifts each image of a `[N, 1, H, W]` batch by up to `max` pixels in each direction, filling the
 * uncovered border with `background` (the value of a blank pixel): the classic MNIST augmentation,
 * which shows the network each digit in a slightly different place every epoch. Done on the raw
 * values, one row copy at a time, because it runs on every training batch.
 */
export function randomShift(x: Tensor, max: number, generator: Generator, background: number): Tensor {
  const [n, channels, h, w] = x.shape as [number, number, number, number];
  if (channels !== 1) throw new Error(`randomShift: expected one channel, got shape [${x.shape}]`);
  const source = x.contiguous().data() as Float32Array;
  const shifted = new Float32Array(source.length).fill(background);
  for (let i = 0; i < n; i++) {
    const dy = generator.integer(-max, max + 1);
    const dx = generator.integer(-max, max + 1);
    const image = i * h * w;
    // Pixel (r, c) of the output reads (r - dy, c - dx) of the input where that lies inside.
    const [firstCol, endCol] = [Math.max(0, dx), Math.min(w, w + dx)];
    for (let r = Math.max(0, dy); r < Math.min(h, h + dy); r++) {
      const from = image + (r - dy) * w + (firstCol - dx);
      shifted.set(source.subarray(from, from + endCol - firstCol), image + r * w + firstCol);
    }
  }
  return tensor(shifted, { shape: x.shape });
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
