import { BackpropError, DTypeError, type Tensor, tensor, ValueError, zeros } from '@backprop/core';
import { Adagrad, Adam, AdamW, RMSprop, SGD } from '@backprop/optim';
import { describe, expect, it } from 'vitest';

const p = () => zeros([2], { requiresGrad: true });

describe('bad options throw at construction, naming the optimizer and the value', () => {
  it('negative learning rate, for every optimizer', () => {
    expect(() => new SGD([p()], { lr: -0.1 })).toThrow('SGD: invalid learning rate -0.1 (must be >= 0)');
    expect(() => new Adam([p()], { lr: -1 })).toThrow('Adam: invalid learning rate -1 (must be >= 0)');
    expect(() => new AdamW([p()], { lr: -1 })).toThrow('AdamW: invalid learning rate -1 (must be >= 0)');
    expect(() => new RMSprop([p()], { lr: -1 })).toThrow('RMSprop: invalid learning rate -1 (must be >= 0)');
    expect(() => new Adagrad([p()], { lr: -1 })).toThrow('Adagrad: invalid learning rate -1 (must be >= 0)');
    expect(() => new SGD([p()], { lr: Number.NaN })).toThrow('SGD: invalid learning rate NaN (must be >= 0)');
    expect(() => new SGD([p()], {} as { lr: number })).toThrow('SGD: lr is required');
  });

  it('momentum below 0', () => {
    expect(() => new SGD([p()], { lr: 0.1, momentum: -0.5 })).toThrow(
      'SGD: invalid momentum -0.5 (must be >= 0)',
    );
    expect(() => new RMSprop([p()], { momentum: -1 })).toThrow('RMSprop: invalid momentum -1 (must be >= 0)');
  });

  it('betas outside [0, 1)', () => {
    expect(() => new Adam([p()], { betas: [1, 0.999] })).toThrow(
      'Adam: invalid beta parameter at index 0: 1 (must be in [0, 1))',
    );
    expect(() => new Adam([p()], { betas: [0.9, -0.1] })).toThrow(
      'Adam: invalid beta parameter at index 1: -0.1 (must be in [0, 1))',
    );
    expect(() => new AdamW([p()], { betas: [0.9, 1.5] })).toThrow(
      'AdamW: invalid beta parameter at index 1: 1.5',
    );
    expect(() => new Adam([p()], { betas: [0.9] as unknown as [number, number] })).toThrow(
      'Adam: betas must be a two-element array [beta1, beta2], got 0.9',
    );
  });

  it('negative eps, weight decay and other non-negative options', () => {
    expect(() => new Adam([p()], { eps: -1e-8 })).toThrow('Adam: invalid eps -1e-8 (must be >= 0)');
    expect(() => new SGD([p()], { lr: 0.1, weightDecay: -1 })).toThrow(
      'SGD: invalid weightDecay -1 (must be >= 0)',
    );
    expect(() => new RMSprop([p()], { alpha: -0.1 })).toThrow('RMSprop: invalid alpha -0.1 (must be >= 0)');
    expect(() => new Adagrad([p()], { lrDecay: -1 })).toThrow('Adagrad: invalid lrDecay -1 (must be >= 0)');
    expect(() => new Adagrad([p()], { initialAccumulatorValue: -1 })).toThrow(
      'Adagrad: invalid initialAccumulatorValue -1 (must be >= 0)',
    );
  });

  it('Nesterov without momentum or with dampening', () => {
    expect(() => new SGD([p()], { lr: 0.1, nesterov: true })).toThrow(
      'SGD: Nesterov momentum requires a momentum > 0 (got momentum 0)',
    );
    expect(() => new SGD([p()], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(
      'SGD: Nesterov momentum requires zero dampening (got dampening 0.1)',
    );
  });

  it('a parameter in two groups, or twice in one group', () => {
    const a = p();
    const b = p();
    expect(() => new SGD([{ params: [a, b] }, { params: [b] }], { lr: 0.1 })).toThrow(
      'SGD: some parameters appear in more than one parameter group (parameter 0 of the new group 1 is already in group 0)',
    );
    expect(() => new Adam([a, b, a])).toThrow('Adam: parameter 2 of group 0 appears twice in the group');
  });

  it('an empty parameter list', () => {
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: got an empty parameter list');
    expect(() => new Adam(new Set<Tensor>())).toThrow('Adam: got an empty parameter list');
  });

  it('parameters that are not float leaf tensors', () => {
    expect(() => new SGD([p(), 3 as unknown as ReturnType<typeof p>], { lr: 0.1 })).toThrow(
      'SGD: parameter 1 of group 0 is not a Tensor (got number 3)',
    );
    const ints = () => new SGD([tensor([1, 2], { dtype: 'int32' })], { lr: 0.1 });
    expect(ints).toThrow(DTypeError);
    expect(ints).toThrow(
      'SGD: parameter 0 of group 0 has dtype int32; only float32 and float64 tensors can be optimized',
    );
    expect(() => new SGD([p().mul(2)], { lr: 0.1 })).toThrow(
      'SGD: parameter 0 of group 0 is not a leaf tensor',
    );
    expect(() => new SGD(p() as unknown as [], { lr: 0.1 })).toThrow(
      'SGD: params must be an iterable of Tensors or of parameter groups, got a single Tensor (pass [tensor])',
    );
  });

  it('bad options inside a group', () => {
    expect(() => new SGD([{ params: [p()], lr: -1 }], { lr: 0.1 })).toThrow('SGD: invalid learning rate -1');
    expect(() => new Adam([{ params: [p()], betas: [0.9, 1] }])).toThrow(
      'Adam: invalid beta parameter at index 1: 1',
    );
  });

  it('errors are ValueErrors (BackpropErrors), and a failed addParamGroup changes nothing', () => {
    const a = p();
    const opt = new SGD([a], { lr: 0.1 });
    const bad = () => opt.addParamGroup({ params: [p()], momentum: -1 });
    expect(bad).toThrow(ValueError);
    expect(bad).toThrow(BackpropError);
    expect(() => opt.addParamGroup({ params: [p(), a] })).toThrow(
      'parameter 1 of the new group 1 is already in group 0',
    );
    expect(opt.paramGroups).toHaveLength(1);
  });
});
