import {
  AutogradError,
  cat,
  conv2d,
  DTypeError,
  IndexError,
  ShapeError,
  tensor,
  ValueError,
} from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectRejected, withGrads } from './helpers.js';

describe('shape errors', () => {
  it('matmul of mismatched shapes names both shapes and the inner sizes', () => {
    const [a, b] = withGrads(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tensor([...Array(20).keys()], { shape: [4, 5] }),
    );
    expectRejected(
      () => a!.matmul(b!),
      ShapeError,
      ['matmul: shapes [2,3] and [4,5] cannot be multiplied (3 != 4)'],
      [a!, b!],
    );
  });

  it('add of non-broadcastable shapes names both shapes', () => {
    const [a, b] = withGrads(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
      tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    expectRejected(() => a!.add(b!), ShapeError, ['add', '[2,3]', '[2,2]'], [a!, b!]);
  });

  it('reshape to a shape of another size names the shape and the element count', () => {
    const [a] = withGrads(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expectRejected(() => a!.reshape([4, 2]), ShapeError, ['reshape', '[4,2]', '6 elements'], [a!]);
    expectRejected(() => a!.reshape([-1, 4]), ShapeError, ['reshape', '[-1,4]'], [a!]);
  });

  it('cat of mismatched shapes names the offending tensor and both shapes', () => {
    const [a, b] = withGrads(tensor([[1, 2, 3]]), tensor([[1, 2]]));
    expectRejected(() => cat([a!, b!], 0), ShapeError, ['cat', 'tensor 1', '[1,2]', '[1,3]'], [a!, b!]);
  });

  it('conv2d with a channel mismatch names input and weight shapes', () => {
    const [x, w] = withGrads(
      tensor(new Float32Array(75).fill(1), { shape: [1, 3, 5, 5] }),
      tensor(new Float32Array(72).fill(1), { shape: [4, 2, 3, 3] }),
    );
    expectRejected(
      () => conv2d(x!, w!),
      ShapeError,
      ['conv2d', '[1,3,5,5]', '3 channels', '[4,2,3,3]', 'expects 2'],
      [x!, w!],
    );
  });

  it('tensor() of ragged nested arrays names the index', () => {
    expectRejected(() => tensor([[1, 2], [3]]), ShapeError, ['tensor: ragged', 'index [1]', 'length 1']);
    expectRejected(
      () =>
        tensor([
          [[1], [2]],
          [[3], 4],
        ] as unknown as number[][][]),
      ShapeError,
      ['tensor: ragged', 'index [1,1]'],
    );
  });
});

describe('index and value errors', () => {
  it('a dim out of range names the op, the dim and the valid range', () => {
    const [a] = withGrads(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expectRejected(() => a!.sum(5), IndexError, ['sum', 'dim 5', '2 dims', '-2..1'], [a!]);
    expectRejected(() => a!.mean(-3), IndexError, ['mean', 'dim -3', '-2..1'], [a!]);
  });

  it('gather with an index out of bounds names the index, the dim and its size', () => {
    const [a] = withGrads(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    const index = tensor(
      [
        [0, 3],
        [1, 1],
      ],
      { dtype: 'int32' },
    );
    expectRejected(
      () => a!.gather(1, index),
      IndexError,
      ['gather', 'index 3', 'dim 1', 'size 3'],
      [a!, index],
    );
  });

  it('indexSelect and oneHot with an index out of range name themselves and the range', () => {
    const [a] = withGrads(
      tensor([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expectRejected(
      () => a!.indexSelect(0, [1, 2]),
      IndexError,
      ['indexSelect', 'index 2', 'dim 0', 'size 2'],
      [a!],
    );
    const labels = tensor([0, 3], { dtype: 'int32' });
    expectRejected(() => labels.oneHot(3), IndexError, ['oneHot', 'index 3', '3 classes'], [labels]);
  });

  it('item() on a multi-element tensor names the shape', () => {
    const [a] = withGrads(tensor([1, 2]));
    expectRejected(() => a!.item(), ValueError, ['item', 'one-element', '[2]'], [a!]);
  });
});

describe('dtype errors', () => {
  it('requiresGrad on an int32 tensor is refused, at creation and by requiresGrad_()', () => {
    expectRejected(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true }), DTypeError, [
      'requiresGrad',
      'floating-point',
      'int32',
    ]);
    const labels = tensor([1, 2], { dtype: 'int32' });
    expectRejected(() => labels.requiresGrad_(), DTypeError, ['requiresGrad', 'int32'], [labels]);
    expect(labels.requiresGrad).toBe(false);
  });
});

describe('autograd errors', () => {
  it('backward() on a non-scalar without a gradient names the shape', () => {
    const [x] = withGrads(tensor([1, 2, 3]));
    const y = x!.mul(2);
    expectRejected(() => y.backward(), AutogradError, ['backward', 'scalar', '[3]'], [x!, y]);
  });

  it('a second backward through a freed graph says to pass retainGraph', () => {
    const [x, w] = withGrads(tensor([1, 2]), tensor([3, 4]));
    const loss = x!.mul(w!).sum();
    loss.backward();
    expect(x!.grad!.toArray()).toEqual([2 + 3, 4 + 4]); // 2x from withGrads, then w
    expectRejected(
      () => loss.backward(),
      AutogradError,
      ['second time', 'retainGraph: true'],
      [x!, w!, loss],
    );
  });
});
