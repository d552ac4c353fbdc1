// The form's strings to a checked config and back, and the losses and predictions on the logits.
import { tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  formatConfig,
  MAX_WIDTH,
  parseConfig,
  parseHidden,
  type RawConfig,
} from './src/config.js';
import { lossOf, outputUnits, predict } from './src/objective.js';

const raw = (fields: Partial<RawConfig>): RawConfig => ({ ...formatConfig(DEFAULT_CONFIG), ...fields });
const labels = (values: number[]) => tensor(values, { dtype: 'int32' });

describe('config', () => {
  it('round-trips through the form', () => {
    expect(parseConfig(formatConfig(DEFAULT_CONFIG))).toEqual({ ok: true, config: DEFAULT_CONFIG });
    const custom = {
      ...DEFAULT_CONFIG,
      dataset: 'spirals-3' as const,
      hidden: [8, 4],
      lr: 0.5,
      batchSize: 1,
    };
    expect(parseConfig(formatConfig(custom))).toEqual({ ok: true, config: custom });
  });

  it('reads hidden widths separated by commas or spaces; empty is no hidden layer', () => {
    expect(parseHidden('8, 4')).toEqual([8, 4]);
    expect(parseHidden(' 3 5  2 ')).toEqual([3, 5, 2]);
    expect(parseHidden('')).toEqual([]);
  });

  it('names the field and the value it rejects', () => {
    const error = (fields: Partial<RawConfig>) => {
      const result = parseConfig(raw(fields));
      return result.ok ? null : result.error;
    };
    expect(error({ hidden: '4, 0' })).toBe(`hidden layers: must be 1..${MAX_WIDTH}, got "0"`);
    expect(error({ hidden: '2.5' })).toBe(`hidden layers: must be 1..${MAX_WIDTH}, got "2.5"`);
    expect(error({ hidden: '1 1 1 1 1 1 1' })).toBe(
      'hidden layers: at most 6 layers, got 7 in "1 1 1 1 1 1 1"',
    );
    expect(error({ lr: '0' })).toBe('learning rate: must be in (0, 100], got "0"');
    expect(error({ lr: '' })).toBe('learning rate: must be in (0, 100], got ""');
    expect(error({ batchSize: '0' })).toBe('batch size: must be an integer >= 1, got "0"');
    expect(error({ weightDecay: '-1' })).toBe('weight decay: must be in [0, 10], got "-1"');
    expect(error({ seed: '1.5' })).toBe('seed: must be an integer >= 0, got "1.5"');
    expect(error({ dataset: 'mnist' })).toMatch(/^dataset: expected one of xor, hokies, .*, got "mnist"$/);
    expect(error({ activation: 'gelu' })).toBe(
      'activation: expected one of sigmoid, tanh, relu, leakyRelu, elu, got "gelu"',
    );
  });
});

describe('losses and predictions', () => {
  it('uses one output for two classes and one per class beyond', () => {
    expect([outputUnits(2), outputUnits(3), outputUnits(5)]).toEqual([1, 3, 5]);
  });

  it('computes the binary losses on one logit per example', () => {
    expect(lossOf('cross-entropy', 2, tensor([[0]]), labels([1])).item()).toBeCloseTo(Math.LN2, 6);
    // squared error of σ(0) = 0.5 against 1
    expect(lossOf('mse', 2, tensor([[0]]), labels([1])).item()).toBeCloseTo(0.25, 6);
    // hinge, targets +1 and -1: (max(0, 1 - 1 · 2) + max(0, 1 - (-1)(-0.5))) / 2 = (0 + 0.5) / 2
    expect(lossOf('hinge', 2, tensor([[2], [-0.5]]), labels([1, 0])).item()).toBeCloseTo((0 + 0.5) / 2, 6);
  });

  it('computes the multi-class losses on one logit per class', () => {
    const even = tensor([[0, 0, 0]]);
    expect(lossOf('cross-entropy', 3, even, labels([2])).item()).toBeCloseTo(Math.log(3), 6);
    // softmax (1/3 each) against one-hot [0, 0, 1]: ((1/3)² · 2 + (2/3)²) / 3
    expect(lossOf('mse', 3, even, labels([2])).item()).toBeCloseTo((2 / 9 + 4 / 9) / 3, 6);
    // multi-margin: Σ_{k≠y} max(0, 1 - z_y + z_k) / C = (1 + 1) / 3
    expect(lossOf('hinge', 3, even, labels([2])).item()).toBeCloseTo(2 / 3, 6);
  });

  it('predicts class 1 where the logit is positive, the argmax beyond two classes', () => {
    const binary = predict(2, tensor([[2], [-1], [0]]));
    expect(Array.from(binary.classes)).toEqual([1, 0, 0]);
    expect(binary.confidence[0]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
    expect(binary.confidence[2]).toBeCloseTo(0.5, 6);
    const multi = predict(
      3,
      tensor([
        [0, 3, 1],
        [5, 0, 0],
      ]),
    );
    expect(Array.from(multi.classes)).toEqual([1, 0]);
    expect(multi.confidence[1]).toBeCloseTo(Math.exp(5) / (Math.exp(5) + 2), 6);
  });
});
