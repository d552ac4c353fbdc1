import { IndexError, ShapeError, tensor, ValueError } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { accuracy, confusionMatrix, predictions, topKError } from '../src/index.js';

const int = (v: number[]) => tensor(v, { dtype: 'int32' });

describe('predictions', () => {
  it('argmax of [N, C] scores, threshold of one score, int32 as given', () => {
    expect(
      predictions(
        tensor([
          [0.1, 2, 0],
          [3, -1, 2],
        ]),
      ).toArray(),
    ).toEqual([1, 0]);
    expect(predictions(tensor([0.2, 0.7, 0.5])).toArray()).toEqual([0, 1, 0]);
    expect(predictions(tensor([[0.9], [0.1]])).toArray()).toEqual([1, 0]);
    expect(predictions(tensor([-0.3, 0.4]), { threshold: 0 }).toArray()).toEqual([0, 1]);
    expect(predictions(int([2, 0, 1])).toArray()).toEqual([2, 0, 1]);
    expect(() => predictions(tensor([[[1]]]))).toThrow(ShapeError);
  });
});

describe('accuracy', () => {
  const logits = tensor([
    [2, 1, 0],
    [0, 3, 1],
    [1, 0, 2],
    [5, 0, 0],
  ]);

  it('counts argmax hits against int32 targets', () => {
    expect(accuracy(logits, int([0, 1, 1, 0]))).toBe(0.75);
    expect(accuracy(logits, int([0, 1, 2, 0]))).toBe(1);
    expect(accuracy(logits, int([1, 0, 0, 1]))).toBe(0);
  });

  it('accepts one-hot targets', () => {
    const oneHot = tensor([
      [1, 0, 0],
      [0, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(accuracy(logits, oneHot)).toBe(0.75);
  });

  it('thresholds one probability per example against 0/1 float targets', () => {
    expect(accuracy(tensor([0.9, 0.2, 0.6]), tensor([1, 0, 0]))).toBeCloseTo(2 / 3, 12);
    expect(accuracy(tensor([[0.9], [0.4]]), tensor([[1], [1]]))).toBe(0.5);
    expect(accuracy(tensor([2.5, -1, 0.1]), tensor([1, 0, 1]), { threshold: 0 })).toBe(1);
  });

  it('rejects mismatched lengths', () => {
    expect(() => accuracy(logits, int([0, 1]))).toThrow('accuracy: 4 outputs but 2 targets (shape [2])');
  });
});

describe('accuracy and confusionMatrix break ties as argmax does: lowest class first', () => {
  it('a constant-score model predicts class 0', () => {
    const constant = tensor([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
    expect(accuracy(constant, int([0, 1, 2]))).toBe(1 / 3);
    expect(confusionMatrix(constant, int([0, 1, 2])).toArray()).toEqual([
      [1, 0, 0],
      [1, 0, 0],
      [1, 0, 0],
    ]);
    // A tie between classes 1 and 2 predicts 1.
    expect(predictions(tensor([[0, 3, 3]])).toArray()).toEqual([1]);
  });
});

describe('topKError', () => {
  // Row 0: class 2 ranks 2nd; row 1: class 2 ranks 3rd; row 2: class 0 ranks 1st; row 3: class 3 ranks 4th.
  const scores = tensor([
    [0.1, 0.5, 0.3, 0.1],
    [0.4, 0.3, 0.2, 0.1],
    [0.7, 0.1, 0.1, 0.1],
    [0.4, 0.3, 0.2, 0.1],
  ]);
  const targets = int([2, 2, 0, 3]);

  it('is the fraction of true classes outside the k best scores', () => {
    expect(topKError(scores, targets, 1)).toBe(0.75);
    expect(topKError(scores, targets, 2)).toBe(0.5);
    expect(topKError(scores, targets, 3)).toBe(0.25);
    expect(topKError(scores, targets, 4)).toBe(0);
  });

  it('top-1 error is one minus accuracy', () => {
    expect(topKError(scores, targets, 1)).toBeCloseTo(1 - accuracy(scores, targets), 12);
  });

  it('defaults to the ImageNet top-5', () => {
    const ten = tensor([Array.from({ length: 10 }, (_, j) => 10 - j)]); // class j ranks j+1
    expect(topKError(ten, int([4]))).toBe(0);
    expect(topKError(ten, int([5]))).toBe(1);
  });

  it('breaks ties by index order, lower class first (issue 11: a constant model scored 0% error)', () => {
    // A constant-score model predicts classes 0..k-1: its error is that of always guessing them.
    const constant = tensor(Array.from({ length: 6 }, () => [0.25, 0.25, 0.25, 0.25]));
    const truth = int([0, 1, 2, 3, 3, 2]);
    expect(topKError(constant, truth, 1)).toBe(5 / 6); // only class 0 is "predicted"
    expect(topKError(constant, truth, 2)).toBe(4 / 6); // classes 0 and 1
    expect(topKError(constant, truth, 3)).toBe(2 / 6);
    expect(topKError(constant, truth, 4)).toBe(0);
    expect(topKError(constant, truth, 1)).toBe(1 - accuracy(constant, truth));
    // A tie partway down: class 2 ties class 1 for 2nd place and loses it, being the higher index.
    const row = tensor([[0.9, 0.5, 0.5, 0.1]]);
    expect(topKError(row, int([1]), 2)).toBe(0);
    expect(topKError(row, int([2]), 2)).toBe(1);
    expect(topKError(row, int([2]), 3)).toBe(0);
  });

  it('ranks NaN above every number, as PyTorch topk', () => {
    const row = tensor([[0.1, Number.NaN, 0.9]]);
    expect(topKError(row, int([1]), 1)).toBe(0);
    expect(topKError(row, int([2]), 1)).toBe(1);
    expect(topKError(row, int([2]), 2)).toBe(0);
  });

  it('rejects a bad k, shape or target', () => {
    expect(() => topKError(scores, targets, 5)).toThrow(ValueError);
    expect(() => topKError(scores, targets, 0)).toThrow(/k must be an integer in 1..4/);
    expect(() => topKError(tensor([1, 2]), int([0, 1]), 1)).toThrow(/must be \[N, C\] scores/);
    expect(() => topKError(scores, int([0, 1, 2, 4]), 1)).toThrow(IndexError);
  });
});

describe('confusionMatrix', () => {
  it('counts (true, predicted) pairs, rows the true class', () => {
    const m = confusionMatrix(int([0, 1, 1, 2, 2, 2]), int([0, 1, 2, 2, 2, 0]), 3);
    expect(m.dtype).toBe('int32');
    expect(m.toArray()).toEqual([
      [1, 0, 1],
      [0, 1, 0],
      [0, 1, 2],
    ]);
  });

  it('takes scores, and the class count from them', () => {
    const logits = tensor([
      [2, 1, 0, 0],
      [0, 3, 1, 0],
      [1, 0, 2, 0],
    ]);
    const m = confusionMatrix(logits, int([0, 2, 2]));
    expect(m.shape).toEqual([4, 4]);
    expect(m.toArray()).toEqual([
      [1, 0, 0, 0],
      [0, 0, 0, 0],
      [0, 1, 1, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('sums to N with the hits on its diagonal', () => {
    const pred = int([0, 1, 2, 1, 0, 2, 2, 1]);
    const truth = int([0, 1, 2, 2, 0, 1, 2, 1]);
    const m = confusionMatrix(pred, truth);
    expect(m.shape).toEqual([3, 3]);
    expect(m.sum().item()).toBe(8);
    const diag = [0, 1, 2].map((i) => (m.toArray() as number[][])[i]![i]!);
    expect(diag.reduce((a, b) => a + b) / 8).toBe(accuracy(pred, truth));
  });

  it('rejects a class outside numClasses', () => {
    expect(() => confusionMatrix(int([0, 3]), int([0, 1]), 3)).toThrow(
      'confusionMatrix: class 3 is out of range for 3 classes',
    );
  });
});
