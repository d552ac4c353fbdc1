// fold (col2im, PyTorch's F.fold), by hand: overlapping taps add up, the unbatched form, the adjoint
// of conv2d's im2col (checked through conv2d with one-hot kernels, which is im2col), and its errors.
// PyTorch's values for fold are checked in packages/nn/test/pytorch-layers2.test.ts.
import {
  cat,
  conv2d,
  eye,
  fold,
  Generator,
  gradcheck,
  ones,
  randn,
  ShapeError,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose, F64 } from './helpers.js';

describe('fold', () => {
  it('sums overlapping window taps into the image', () => {
    expect(fold(ones([1, 4, 4]), [3, 3], 2).toArray()).toEqual([
      [
        [
          [1, 2, 1],
          [2, 4, 2],
          [1, 2, 1],
        ],
      ],
    ]);
    // unbatched [C·kh·kw, L], stride 2: windows do not overlap and every pixel is covered once
    expect(fold(ones([2 * 4, 4]), [4, 4], 2, { stride: 2 }).toArray()).toEqual(ones([2, 4, 4]).toArray());
  });

  it('is the adjoint of im2col: <fold(c), x> = <c, im2col(x)>', () => {
    const g = new Generator(3);
    const options = { stride: [2, 1] as const, padding: 1, dilation: [1, 2] as const };
    const [channels, kh, kw] = [2, 2, 3];
    const x = randn([1, channels, 4, 5], { dtype: 'float64', generator: g });
    const cols = randn([1, channels * kh * kw, 9], { dtype: 'float64', generator: g });
    // conv2d with one-hot kernels per channel (groups = channels) picks each tap: im2col.
    const taps = eye(kh * kw, kh * kw, { dtype: 'float64' }).reshape([kh * kw, 1, kh, kw]);
    const picks = conv2d(x, cat([taps, taps]), null, { ...options, groups: channels });
    const lhs = fold(cols, [4, 5], [kh, kw], options).mul(x).sum().item();
    const rhs = cols
      .mul(picks.reshape([1, channels * kh * kw, 9]))
      .sum()
      .item();
    expectClose([lhs], [rhs], F64);
  });

  it('passes gradcheck', () => {
    const x = randn([2, 8, 6], { dtype: 'float64', requiresGrad: true, generator: new Generator(1) });
    expect(gradcheck((c) => fold(c, [3, 5], [2, 2], { stride: [1, 2], padding: [0, 1] }), [x])).toBe(true);
  });

  it('names the mismatch: columns, rows, rank, options', () => {
    expect(() => fold(ones([1, 4, 5]), [3, 3], 2)).toThrow(ShapeError);
    expect(() => fold(ones([1, 4, 5]), [3, 3], 2)).toThrow(
      /has 5 columns .* 4 positions over output \[3,3\]/,
    );
    expect(() => fold(ones([1, 5, 4]), [3, 3], 2)).toThrow(/multiple of 4/);
    expect(() => fold(ones([1, 4, 1]), [1, 1], 2)).toThrow(/at least as large as the dilated kernel/);
    expect(() => fold(ones([4]), [3, 3], 2)).toThrow(/\[N, C\*kh\*kw, L\]/);
    expect(() => fold(ones([1, 4, 4]), [3, 3], 2, { stride: 0 })).toThrow(ValueError);
  });
});
