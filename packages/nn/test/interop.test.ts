// safetensors interop with PyTorch, both ways (see fixtures/*.py and fixtures/generate_backprop_interop.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor, tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { loadSafetensors, saveSafetensors } from '../src/index.js';
import { expectClose, readFixture } from './helpers.js';
import {
  type Arch,
  buildArch,
  FIXTURES,
  fixedModel,
  readerValues,
  runReader,
  sha256,
  torchAvailable,
} from './interop-models.js';

interface Flat {
  shape: number[];
  data: number[];
}
const flat = (f: Flat) => new Tensor(Float32Array.from(f.data), f.shape);
const ARCHS: Arch[] = ['mlp', 'cnn_bn'];

describe('a safetensors file written by a PyTorch script loads into backprop', () => {
  const expected = readFixture<Record<Arch, { input: Flat; output: Flat }>>('pytorch_interop.json');
  for (const arch of ARCHS) {
    it(`${arch}: same outputs as PyTorch`, () => {
      const sd = loadSafetensors(readFileSync(join(FIXTURES, `${arch}.safetensors`)));
      if (arch === 'cnn_bn') {
        // PyTorch writes num_batches_tracked as I64; it arrives as an int32 scalar.
        expect(sd['1.num_batches_tracked']!.dtype).toBe('int32');
        expect(sd['1.num_batches_tracked']!.item()).toBe(3);
      }
      const model = buildArch(arch);
      model.loadStateDict(sd);
      model.eval();
      const out = model.forward(flat(expected[arch].input));
      expectClose(out, flat(expected[arch].output), 1e-5, 1e-4);
    });
  }
});

describe('a safetensors file written by backprop loads into PyTorch', () => {
  const committed =
    readFixture<Record<Arch, { sha256: string; input: Flat; output: Flat }>>('backprop_interop.json');
  const live = torchAvailable();

  for (const arch of ARCHS) {
    it(`${arch}: the bytes round-trip and PyTorch's reader gives the same outputs`, () => {
      const { model, input } = fixedModel(arch);
      const bytes = saveSafetensors(model.stateDict());
      // Round trip inside backprop: every tensor back bit for bit, and a fresh model computes the same.
      const back = loadSafetensors(bytes);
      const sd = model.stateDict();
      expect(Object.keys(back)).toEqual(Object.keys(sd));
      for (const [k, v] of Object.entries(sd)) {
        expect(back[k]!.dtype).toBe(v.dtype);
        expect(back[k]!.shape).toEqual(v.shape);
        expect([...back[k]!.data()]).toEqual([...v.data()]);
      }
      const copy = buildArch(arch);
      copy.loadStateDict(back);
      const ours = model.forward(input);
      expect([...copy.eval().forward(input).data()]).toEqual([...ours.data()]);

      // The committed reader output applies to exactly these bytes and this input.
      expect(sha256(bytes)).toBe(committed[arch].sha256);
      expect([...input.data()]).toEqual(committed[arch].input.data);
      expectClose(ours, flat(committed[arch].output), 1e-5, 1e-4);
      if (live) expectClose(ours, flat(runReader(bytes, arch, input)), 1e-5, 1e-4);
    });
  }
});

describe('PyTorch reads every dtype backprop writes', () => {
  // Only where /usr/bin/python3 has torch (CI has not): safetensors.test.ts checks the same layout
  // by parsing the bytes in TypeScript.
  it.skipIf(!torchAvailable())(
    'exact values, torch dtypes, and offsets aligned (read_safetensors.py checks)',
    () => {
      const sd = {
        single: tensor([1.5, -0, Number.NaN, -Number.POSITIVE_INFINITY, 1e-45, 3.4028234663852886e38]),
        double: tensor([0.1, 5e-324, -1e-300], { dtype: 'float64' }),
        int: tensor([[-2147483648], [2147483647]], { dtype: 'int32' }),
        'bn.num_batches_tracked': tensor(12, { dtype: 'int32' }),
        mask: tensor([[true, false, false]]),
      };
      const torch = readerValues(saveSafetensors(sd));
      const show = (v: number | string | boolean) => (Object.is(v, -0) ? '-0' : String(v));
      const spelled = (v: number) =>
        Number.isNaN(v) ? 'nan' : Math.abs(v) === Infinity ? (v > 0 ? 'inf' : '-inf') : v;
      const dtypes = {
        single: 'float32',
        double: 'float64',
        int: 'int32',
        'bn.num_batches_tracked': 'int64',
        mask: 'bool',
      };
      for (const [key, t] of Object.entries(sd)) {
        expect(torch[key]!.dtype, key).toBe(dtypes[key as keyof typeof dtypes]);
        expect(torch[key]!.shape, key).toEqual(t.shape);
        const ours = [...t.data()].map((v) => (t.dtype === 'bool' ? v === 1 : spelled(v)));
        expect(torch[key]!.data.map(show), key).toEqual(ours.map(show));
      }
    },
  );
});
