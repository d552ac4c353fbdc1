// The form's strings to a checked config and back, and the losses and predictions on the logits.
import { tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG,
  formatConfig,
  LEARNING_RATES,
  MAX_WIDTH,
  needsNewRun,
  type PlaygroundConfig,
  parseConfig,
  parseFeatures,
  parseHidden,
  type RawConfig,
  stepLearningRate,
} from './src/config.js';
import { canEdit, editHidden } from './src/hidden-edit.js';
import { lossOf, outputUnits, predict } from './src/objective.js';

const raw = (fields: Partial<RawConfig>): RawConfig => ({ ...formatConfig(DEFAULT_CONFIG), ...fields });
const labels = (values: number[]) => tensor(values, { dtype: 'int32' });

describe('config', () => {
  it('round-trips through the form', () => {
    expect(parseConfig(formatConfig(DEFAULT_CONFIG))).toEqual({ ok: true, config: DEFAULT_CONFIG });
    const custom: PlaygroundConfig = {
      ...DEFAULT_CONFIG,
      dataset: 'spirals-3',
      hidden: [8, 4],
      lr: 0.5,
      batchSize: 1,
      features: ['x1', 'x1x2', 'sinx2'],
      noise: 25,
      trainRatio: 40,
      regularization: 'l1',
      regularizationRate: 0.003,
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
    expect(error({ hidden: '0' })).toBe(`Hidden layers: must be a width in 1..${MAX_WIDTH}, got "0"`);
    expect(error({ hidden: '4, 0' })).toBe(`Hidden layers: must be a width in 1..${MAX_WIDTH}, got "0"`);
    expect(error({ hidden: '2.5' })).toBe(`Hidden layers: must be a width in 1..${MAX_WIDTH}, got "2.5"`);
    expect(error({ hidden: '1 1 1 1 1 1 1' })).toBe(
      'Hidden layers: at most 6 layers, got 7 in "1 1 1 1 1 1 1"',
    );
    expect(error({ lr: '0' })).toBe('Learning rate: must be in (0, 100], got "0"');
    expect(error({ lr: '-1' })).toBe('Learning rate: must be in (0, 100], got "-1"');
    expect(error({ lr: '101' })).toBe('Learning rate: must be in (0, 100], got "101"');
    expect(error({ lr: '1e' })).toBe('Learning rate: "1e" is not a number');
    expect(error({ lr: '' })).toBe('Learning rate: is empty, enter a number (in (0, 100])');
    expect(error({ batchSize: '0' })).toBe('Batch size: must be an integer >= 1, got "0"');
    expect(error({ batchSize: '1.5' })).toBe('Batch size: must be an integer >= 1, got "1.5"');
    expect(error({ regularizationRate: '11' })).toBe('Regularization rate: must be in [0, 10], got "11"');
    expect(error({ seed: '-1' })).toBe('Seed: must be an integer in [0, 2^32), got "-1"');
    expect(error({ seed: '1.5' })).toBe('Seed: must be an integer in [0, 2^32), got "1.5"');
    expect(error({ noise: '60' })).toBe('Noise: must be in [0, 50] (%), got "60"');
    expect(error({ trainRatio: '5' })).toBe('Training data: must be in [10, 90] (%), got "5"');
    expect(error({ features: '' })).toBe('Input features: pick at least one');
    expect(error({ features: 'x1,x3' })).toBe(
      'Input features: expected one of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2, got "x3"',
    );
    expect(error({ regularization: 'l3' })).toBe('Regularization: expected one of none, l1, l2, got "l3"');
    expect(error({ dataset: 'mnist' })).toMatch(/^Data set: expected one of xor, hokies, .*, got "mnist"$/);
    expect(error({ activation: 'gelu' })).toBe(
      'Activation: expected one of sigmoid, tanh, relu, leakyRelu, elu, got "gelu"',
    );
  });

  it('lists every field that does not parse, in the form order', () => {
    const result = parseConfig(raw({ seed: 'x', hidden: '0', lr: '0' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.field)).toEqual(['hidden', 'lr', 'seed']);
    expect(result.error).toBe(result.errors[0]!.message);
  });

  it('reads features in any order into the canonical order, without repeats', () => {
    expect(parseFeatures('sinx2, x1 x1')).toEqual(['x1', 'sinx2']);
    expect(parseFeatures('x1x2,x2sq,x1sq')).toEqual(['x1sq', 'x2sq', 'x1x2']);
  });

  it('starts a new run for anything but the learning rate', () => {
    expect(needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, lr: 3 })).toBe(false);
    expect(needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG })).toBe(false);
    expect(needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, hidden: [4, 4] })).toBe(true);
    expect(needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, features: ['x1'] })).toBe(true);
    expect(needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, noise: 5 })).toBe(true);
    expect(needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, regularizationRate: 0.1 })).toBe(true);
    expect(needsNewRun(DEFAULT_CONFIG, { ...DEFAULT_CONFIG, seed: 1, lr: 3 })).toBe(true);
  });

  it("steps the learning rate through TF Playground's list", () => {
    expect(stepLearningRate(0.03, 1)).toBe(0.1);
    expect(stepLearningRate(0.03, -1)).toBe(0.01);
    expect(stepLearningRate(0.05, 1)).toBe(0.1); // between two: to the neighbour that way
    expect(stepLearningRate(0.05, -1)).toBe(0.03);
    expect(stepLearningRate(10, 1)).toBe(10); // the ends stay put
    expect(stepLearningRate(0.00001, -1)).toBe(0.00001);
    expect(stepLearningRate(50, -1)).toBe(10);
    expect(stepLearningRate(Number.NaN, 1)).toBe(DEFAULT_CONFIG.lr);
    // Up from the smallest reaches every rate in order.
    const walked = [LEARNING_RATES[0] as number];
    for (let i = 1; i < LEARNING_RATES.length; i++) walked.push(stepLearningRate(walked.at(-1)!, 1));
    expect(walked).toEqual([...LEARNING_RATES]);
  });
});

describe('hidden-layer buttons', () => {
  it('add a layer as wide as the last (4 for a linear model) and remove the last one', () => {
    expect(editHidden([8, 2], { kind: 'add-layer' })).toEqual([8, 2, 2]);
    expect(editHidden([], { kind: 'add-layer' })).toEqual([4]);
    expect(editHidden([8, 2], { kind: 'remove-layer' })).toEqual([8]);
    expect(editHidden([1, 1, 1, 1, 1, 1], { kind: 'add-layer' })).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("change one layer's width within 1..MAX_WIDTH", () => {
    expect(editHidden([4, 4], { kind: 'resize', layer: 1, delta: 1 })).toEqual([4, 5]);
    expect(editHidden([4, 4], { kind: 'resize', layer: 0, delta: -1 })).toEqual([3, 4]);
    expect(editHidden([1], { kind: 'resize', layer: 0, delta: -1 })).toEqual([1]);
    expect(editHidden([MAX_WIDTH], { kind: 'resize', layer: 0, delta: 1 })).toEqual([MAX_WIDTH]);
  });

  it('disable the edits that would change nothing', () => {
    expect(canEdit([], { kind: 'remove-layer' })).toBe(false);
    expect(canEdit([1], { kind: 'resize', layer: 0, delta: -1 })).toBe(false);
    expect(canEdit([1], { kind: 'resize', layer: 0, delta: 1 })).toBe(true);
    expect(canEdit([4, 4, 4, 4, 4, 4], { kind: 'add-layer' })).toBe(false);
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
