import {
  arange,
  avgPool2d,
  conv2d,
  maxPool2d,
  ones,
  ShapeError,
  tensor,
  ValueError,
  zeros,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { gradsOf } from './helpers.js';

// [[0, 1, 2], [3, 4, 5], [6, 7, 8]] as [1, 1, 3, 3]
const x3 = () => arange(9).reshape([1, 1, 3, 3]);
const ones22 = () => ones([1, 1, 2, 2]);

describe('conv2d', () => {
  it('slides the kernel as a cross-correlation, with bias', () => {
    expect(conv2d(x3(), ones22()).toArray()).toEqual([
      [
        [
          [8, 12],
          [20, 24],
        ],
      ],
    ]);
    const diag = tensor([
      [
        [
          [1, 0],
          [0, -1],
        ],
      ],
    ]);
    expect(conv2d(x3(), diag, tensor([0.5])).toArray()).toEqual([
      [
        [
          [-3.5, -3.5],
          [-3.5, -3.5],
        ],
      ],
    ]);
  });

  it('stride, padding, dilation and groups follow PyTorch output sizes', () => {
    expect(conv2d(x3(), ones22(), null, { stride: 2 }).toArray()).toEqual([[[[8]]]]);
    const padded = conv2d(x3(), ones22(), null, { padding: 1 });
    expect(padded.shape).toEqual([1, 1, 4, 4]);
    expect(padded.toArray()).toEqual([
      [
        [
          [0, 1, 3, 2],
          [3, 8, 12, 7],
          [9, 20, 24, 13],
          [6, 13, 15, 8],
        ],
      ],
    ]);
    expect(conv2d(x3(), ones22(), null, { dilation: 2 }).toArray()).toEqual([[[[16]]]]);
    expect(
      conv2d(zeros([1, 2, 5, 4]), zeros([3, 2, 3, 3]), null, { stride: [2, 1], padding: [1, 0] }).shape,
    ).toEqual([1, 3, 3, 2]);
    // groups 2: channel 0 sees only input channel 0, channel 1 only input channel 1
    const two = tensor([
      [
        x3().reshape([3, 3]).toArray() as number[][],
        [
          [10, 10, 10],
          [10, 10, 10],
          [10, 10, 10],
        ],
      ],
    ]);
    expect(conv2d(two, ones([2, 1, 2, 2]), null, { groups: 2 }).toArray()).toEqual([
      [
        [
          [8, 12],
          [20, 24],
        ],
        [
          [40, 40],
          [40, 40],
        ],
      ],
    ]);
  });

  it('accepts unbatched [C, H, W] input', () => {
    expect(conv2d(arange(9).reshape([1, 3, 3]), ones22()).toArray()).toEqual([
      [
        [8, 12],
        [20, 24],
      ],
    ]);
  });

  it('gradients: dx counts the windows over each pixel, dw sums the windows, db counts outputs', () => {
    const [dx, dw, db] = gradsOf(
      (x, w, b) => conv2d(x, w, b).sum(),
      [x3().toArray(), ones22().toArray(), [0]],
    );
    expect(dx!.toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
    expect(dw!.toArray()).toEqual([
      [
        [
          [8, 12],
          [20, 24],
        ],
      ],
    ]);
    expect(db!.toArray()).toEqual([4]);
  });

  it('names the shapes at fault', () => {
    expect(() => conv2d(zeros([1, 3, 4, 4]), zeros([1, 2, 3, 3]))).toThrow(ShapeError);
    expect(() => conv2d(zeros([1, 3, 4, 4]), zeros([1, 2, 3, 3]))).toThrow(
      /conv2d: input \[1,3,4,4\] has 3 channels/,
    );
    expect(() => conv2d(zeros([1, 1, 2, 2]), zeros([1, 1, 3, 3]))).toThrow(/too small/);
    expect(() => conv2d(zeros([1, 1, 4, 4]), zeros([1, 1, 3, 3]), null, { stride: 0 })).toThrow(ValueError);
  });
});

describe('maxPool2d and avgPool2d', () => {
  // [[0..3], [4..7], [8..11], [12..15]] as [1, 1, 4, 4]
  const x4 = () => arange(16).reshape([1, 1, 4, 4]);

  it('pool 2x2 windows with stride defaulting to the kernel size', () => {
    expect(maxPool2d(x4(), 2).toArray()).toEqual([
      [
        [
          [5, 7],
          [13, 15],
        ],
      ],
    ]);
    expect(avgPool2d(x4(), 2).toArray()).toEqual([
      [
        [
          [2.5, 4.5],
          [10.5, 12.5],
        ],
      ],
    ]);
    expect(maxPool2d(x4(), [2, 4]).toArray()).toEqual([[[[7], [15]]]]);
    expect(avgPool2d(x4(), 2, { stride: 1 }).shape).toEqual([1, 1, 3, 3]);
  });

  it('max padding never wins; average padding counts as zeros', () => {
    const neg = arange(16).add(1).neg().reshape([1, 1, 4, 4]);
    expect(maxPool2d(neg, 3, { stride: 2, padding: 1 }).toArray()).toEqual([
      [
        [
          [-1, -2],
          [-5, -6],
        ],
      ],
    ]);
    const avg = avgPool2d(ones([1, 1, 4, 4]), 3, { stride: 2, padding: 1 }).toArray() as number[][][][];
    const [r0, r1] = avg[0]![0]! as [number[], number[]];
    expect(r0[0]).toBeCloseTo(4 / 9, 6);
    expect(r0[1]).toBeCloseTo(6 / 9, 6);
    expect(r1[1]).toBeCloseTo(1, 6);
  });

  it('gradients: max routes dy to the winner, average spreads it evenly', () => {
    const [dm] = gradsOf((x) => maxPool2d(x, 2).sum(), [x4().toArray()]);
    expect(dm!.toArray()).toEqual([
      [
        [
          [0, 0, 0, 0],
          [0, 1, 0, 1],
          [0, 0, 0, 0],
          [0, 1, 0, 1],
        ],
      ],
    ]);
    const [da] = gradsOf((x) => avgPool2d(x, 2).sum(), [x4().toArray()]);
    expect(Array.from(da!.data())).toEqual(new Array(16).fill(0.25));
  });

  it('accept [C, H, W] input and reject padding over half the kernel', () => {
    expect(maxPool2d(arange(16).reshape([1, 4, 4]), 2).toArray()).toEqual([
      [
        [5, 7],
        [13, 15],
      ],
    ]);
    expect(() => maxPool2d(x4(), 2, { padding: 2 })).toThrow(
      /maxPool2d: padding \[2,2\] must be at most half/,
    );
  });
});
