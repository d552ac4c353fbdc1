import { DTypeError, gather, IndexError, indexSelect, oneHot, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { gradsOf } from './helpers.js';

const idx = (v: number[] | number[][]) => tensor(v, { dtype: 'int32' });
const m = [
  [1, 2, 3],
  [4, 5, 6],
];

describe('gather', () => {
  it('picks along a dim; the result has the index shape', () => {
    expect(
      gather(
        tensor(m),
        1,
        idx([
          [2, 0],
          [1, 1],
        ]),
      ).toArray(),
    ).toEqual([
      [3, 1],
      [5, 5],
    ]);
    expect(gather(tensor(m), 0, idx([[1, 0, 1]])).toArray()).toEqual([[4, 2, 6]]);
  });

  it('scatters dy back, adding at repeated indices', () => {
    const [dx] = gradsOf(
      (x) =>
        x.gather(
          1,
          idx([
            [2, 2],
            [0, 1],
          ]),
        ),
      [m],
      [
        [1, 2],
        [3, 4],
      ],
    );
    expect(dx!.toArray()).toEqual([
      [0, 0, 3],
      [3, 4, 0],
    ]);
  });

  it('wants an int32 index with as many dims as the input', () => {
    expect(() => gather(tensor(m), 1, tensor([[0]]))).toThrow(DTypeError);
    expect(() => gather(tensor(m), 1, idx([0]))).toThrow(
      /gather: index of shape \[1\] must have as many dims/,
    );
  });
});

describe('indexSelect', () => {
  it('picks whole slices by a list of indices, repeats allowed', () => {
    expect(indexSelect(tensor(m), 0, idx([1, 1, 0])).toArray()).toEqual([
      [4, 5, 6],
      [4, 5, 6],
      [1, 2, 3],
    ]);
    expect(tensor(m).indexSelect(1, [2, 0]).toArray()).toEqual([
      [3, 1],
      [6, 4],
    ]);
  });

  it('accumulates the gradient of repeated rows', () => {
    const [dx] = gradsOf((x) => x.indexSelect(0, [1, 1, 0]).sum(), [m]);
    expect(dx!.toArray()).toEqual([
      [1, 1, 1],
      [2, 2, 2],
    ]);
  });
});

describe('oneHot', () => {
  it('adds a last dim of numClasses, as a float32 1/0 tensor', () => {
    const h = oneHot(idx([0, 2]), 3);
    expect(h.dtype).toBe('float32');
    expect(h.toArray()).toEqual([
      [1, 0, 0],
      [0, 0, 1],
    ]);
    expect(idx([[1], [0]]).oneHot(2).shape).toEqual([2, 1, 2]);
  });

  it('rejects out-of-range classes and non-int32 input', () => {
    expect(() => oneHot(idx([3]), 3)).toThrow(IndexError);
    expect(() => oneHot(idx([-1]), 3)).toThrow(/oneHot: class index -1 is out of range for 3 classes/);
    expect(() => oneHot(tensor([0]), 3)).toThrow(DTypeError);
  });
});
