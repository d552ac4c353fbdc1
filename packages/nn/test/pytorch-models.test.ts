// Two whole models with given weights against PyTorch: an MLP (Linear/Tanh/Linear/ReLU/Linear) and
// a CNN (Conv2d/ReLU/MaxPool2d/Conv2d/Tanh/Flatten/Linear). Loss and every parameter's gradient,
// with the state-dict names of PyTorch's Sequential.
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../src/index.js';
import { build, decode, decodeState, type Encoded, expectClose, readFixture, type Spec } from './helpers.js';

interface ModelCase {
  name: string;
  spec: Spec;
  state: Record<string, Encoded>;
  input: Encoded;
  target: Encoded;
  output: Encoded;
  loss: number;
  grads: Record<string, Encoded>;
}

const { models } = readFixture<{ models: ModelCase[] }>('nn.json');

describe('whole models match PyTorch', () => {
  for (const c of models) {
    it(`${c.name}: loss and every parameter gradient`, () => {
      const model = build(c.spec);
      expect(Object.keys(model.stateDict())).toEqual(Object.keys(c.state));
      model.loadStateDict(decodeState(c.state));
      const out = model.forward(decode(c.input));
      expectClose(out, c.output);
      const loss = crossEntropy(out, decode(c.target));
      expect(loss.item()).toBeCloseTo(c.loss, 12);
      loss.backward();
      const names = model.namedParameters().map(([n]) => n);
      expect(names).toEqual(Object.keys(c.grads));
      for (const [name, p] of model.namedParameters()) expectClose(p.grad, c.grads[name]!);
    });
  }

  it('the MLP names its parameters as PyTorch does', () => {
    const mlp = models.find((m) => m.name === 'mlp')!;
    expect(Object.keys(mlp.grads)).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
      '4.weight',
      '4.bias',
    ]);
  });
});
