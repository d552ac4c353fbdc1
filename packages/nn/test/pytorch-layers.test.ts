// Every layer against PyTorch: forward values, input and parameter gradients, and BatchNorm's
// running statistics in train and eval mode (fixtures from fixtures/generate_nn.py, float64).
import { describe, expect, it } from 'vitest';
import { build, decode, decodeState, type Encoded, expectClose, readFixture, type Spec } from './helpers.js';

interface Step {
  mode: 'train' | 'eval';
  input: Encoded;
  upstream: Encoded;
  output: Encoded;
  inputGrad: Encoded;
  paramGrads: Record<string, Encoded>;
  stateAfter: Record<string, Encoded>;
}

interface LayerCase {
  name: string;
  spec: Spec;
  state: Record<string, Encoded>;
  steps: Step[];
}

const { layers } = readFixture<{ layers: LayerCase[] }>('nn.json');

describe('layers match PyTorch', () => {
  it('covers every layer family', () => {
    const types = new Set(layers.map((c) => c.spec.type));
    for (const t of ['Linear', 'Conv2d', 'MaxPool2d', 'AvgPool2d', 'Flatten', 'Dropout', 'BatchNorm1d']) {
      expect(types).toContain(t);
    }
    expect(types).toContain('BatchNorm2d');
    expect(types).toContain('Maxout');
  });

  for (const c of layers) {
    it(c.name, () => {
      const module = build(c.spec);
      module.loadStateDict(decodeState(c.state));
      for (const step of c.steps) {
        module.train(step.mode === 'train');
        module.zeroGrad();
        const x = decode(step.input).requiresGrad_();
        const out = module.forward(x);
        expectClose(out, step.output);
        if (out.requiresGrad) out.backward(decode(step.upstream));
        expectClose(x.grad ?? decode(step.inputGrad).mul(0), step.inputGrad);
        const params = Object.fromEntries(module.namedParameters());
        expect(Object.keys(params).sort()).toEqual(Object.keys(step.paramGrads).sort());
        for (const [name, g] of Object.entries(step.paramGrads)) expectClose(params[name]!.grad, g);
        const after = module.stateDict();
        expect(Object.keys(after)).toEqual(Object.keys(step.stateAfter));
        for (const [name, v] of Object.entries(step.stateAfter)) expectClose(after[name]!, v);
      }
    });
  }
});
