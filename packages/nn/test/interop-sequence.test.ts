// PyTorch-saved MultiheadAttention, LSTM, GRU and TransformerEncoderLayer weights (PyTorch's own
// initialization, float32 safetensors written by fixtures/write_sequence_interop.py) load into
// backprop's layers by their keys unchanged and give PyTorch's eval-mode outputs.
import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { expectClose } from '../../core/test/helpers.js';
import {
  GRU,
  LSTM,
  loadSafetensors,
  type Module,
  MultiheadAttention,
  type StateDict,
  TransformerEncoderLayer,
} from '../src/index.js';

interface Saved {
  shape: number[];
  data: number[];
}
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
const { layers } = JSON.parse(readFileSync(fixture('sequence_interop.json'), 'utf8')) as {
  layers: Record<string, { input: Saved; outputs: Saved[] }>;
};
const state = loadSafetensors(readFileSync(fixture('sequence_layers.safetensors')));

// The entries under `prefix.`, with the prefix taken off: one layer's own state dict.
function stateOf(prefix: string): StateDict {
  return Object.fromEntries(
    Object.entries(state)
      .filter(([k]) => k.startsWith(`${prefix}.`))
      .map(([k, v]) => [k.slice(prefix.length + 1), v]),
  );
}

const E = 12;
const L = 7;
const causal = () => tensor(Array.from({ length: L }, (_, i) => Array.from({ length: L }, (_, j) => j > i)));

const CASES: [string, () => Module<never[], unknown>, (m: never, x: Tensor) => Tensor[]][] = [
  [
    'mha',
    () => new MultiheadAttention(E, 3),
    (m: MultiheadAttention, x) => {
      const [out, w] = m.forward(x, x, x, { attnMask: causal() });
      return [out, w!];
    },
  ],
  [
    'lstm',
    () => new LSTM(E, 10, { numLayers: 2, bidirectional: true }),
    (m: LSTM, x) => {
      const [out, [h, c]] = m.forward(x);
      return [out, h, c];
    },
  ],
  [
    'gru',
    () => new GRU(E, 9, { numLayers: 2, batchFirst: true, bidirectional: true }),
    (m: GRU, x) => {
      const [out, h] = m.forward(x);
      return [out, h];
    },
  ],
  [
    'encoder',
    () => new TransformerEncoderLayer(E, 3, { dimFeedforward: 24, activation: 'gelu', normFirst: true }),
    (m: TransformerEncoderLayer, x) => [m.forward(x, { srcMask: causal() })],
  ],
];

describe('PyTorch-saved sequence layers load and match', () => {
  it.each(CASES)('%s', (name, make, run) => {
    const model = make();
    const own = stateOf(name);
    const result = model.loadStateDict(own);
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    model.eval();
    const saved = layers[name]!;
    const x = tensor(saved.input.data, { shape: saved.input.shape });
    const outs = run(model as never, x);
    expect(outs.length).toBe(saved.outputs.length);
    outs.forEach((out, i) => {
      expect(out.shape).toEqual(saved.outputs[i]!.shape);
      expectClose(out, saved.outputs[i]!.data, { atol: 2e-6, rtol: 1e-4 });
    });
  });
});
