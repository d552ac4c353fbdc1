import { type Tensor, tensor, ValueError, zeros } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { Linear, loadSafetensors, loadSafetensorsMetadata, MLP, saveSafetensors } from '../src/index.js';

// Builds a file from a header object and raw data, as another writer might.
function craft(header: unknown, data: Uint8Array = new Uint8Array(0), pad = true): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(header));
  if (pad && json.length % 8 !== 0) {
    const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('saveSafetensors writes the safetensors layout', () => {
  it('8-byte little-endian header length, space-padded JSON header, little-endian data', () => {
    const bytes = saveSafetensors({ w: tensor([[1, 2]]), b: tensor([-2]) }, { note: 'hi' });
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect(n % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeGreaterThan(text.length - 8);
    expect(JSON.parse(text)).toEqual({
      __metadata__: { note: 'hi' },
      w: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
      b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] },
    });
    // 1.0f is 00 00 80 3f in little-endian order.
    expect([...bytes.subarray(8 + n, 8 + n + 4)]).toEqual([0, 0, 0x80, 0x3f]);
    expect(bytes.length).toBe(8 + n + 12);
  });

  it('round-trips F32, F64, I32, 0-d, empty and non-contiguous tensors, from an object or a Map', () => {
    const sd = {
      a: tensor([
        [1.5, -2],
        [3, 4],
      ]).t(),
      b: tensor([1e-300, 2], { dtype: 'float64' }),
      c: tensor([-7, 2147483647], { dtype: 'int32' }),
      d: tensor(5),
      e: zeros([0, 3]),
    };
    const back = loadSafetensors(saveSafetensors(new Map(Object.entries(sd))));
    for (const [k, v] of Object.entries(sd)) {
      expect(back[k]!.dtype).toBe(v.dtype);
      expect(back[k]!.shape).toEqual(v.shape);
      expect(back[k]!.toArray()).toEqual(v.toArray());
    }
    expect(loadSafetensorsMetadata(saveSafetensors(sd, { epoch: '3' }))).toEqual({ epoch: '3' });
    expect(loadSafetensorsMetadata(saveSafetensors(sd))).toEqual({});
  });

  it('reads I64 (as PyTorch writes num_batches_tracked) into int32, and an unaligned ArrayBuffer', () => {
    const data = new Uint8Array(new BigInt64Array([7n, -3n]).buffer);
    const file = craft({ n: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, data);
    const sd = loadSafetensors(file.buffer as ArrayBuffer);
    expect(sd.n!.dtype).toBe('int32');
    expect(sd.n!.toArray()).toEqual([7, -3]);
    const big = craft(
      { n: { dtype: 'I64', shape: [1], data_offsets: [0, 8] } },
      new Uint8Array(new BigInt64Array([2n ** 40n]).buffer),
    );
    expect(() => loadSafetensors(big)).toThrow('does not fit in int32');
    // An unpadded header can leave the data unaligned; the reader copies, so alignment never matters.
    const odd = craft({ x: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(2.5), false);
    expect((odd.length - 4) % 4).not.toBe(0);
    expect(loadSafetensors(odd).x!.item()).toBe(2.5);
  });

  it('rejects bad values', () => {
    expect(() => saveSafetensors({ a: [1, 2] as unknown as Tensor })).toThrow("value of 'a' is not a Tensor");
    expect(() => saveSafetensors({ __metadata__: zeros([1]) })).toThrow('reserved');
    expect(() => saveSafetensors({}, { a: 1 as unknown as string })).toThrow("metadata 'a' must be a string");
  });
});

describe('loadSafetensors rejects truncated or inconsistent files with a clear error', () => {
  const good = saveSafetensors({ w: tensor([1, 2, 3]), b: tensor([4]) });
  const entry = (dtype: string, shape: number[], offsets: number[]) => ({
    dtype,
    shape,
    data_offsets: offsets,
  });
  const cases: [string, Uint8Array, string][] = [
    ['an empty file', new Uint8Array(0), 'file is 0 bytes, too short for the 8-byte header length'],
    ['a truncated header length', good.subarray(0, 5), 'file is 5 bytes'],
    ['a file cut inside the header', good.subarray(0, 20), 'points past the end of the file (20 bytes)'],
    [
      'a file cut inside the data',
      good.subarray(0, good.length - 2),
      "of 'b' point past the end of the data",
    ],
    [
      'a header length past the end',
      (() => {
        const b = good.slice();
        new DataView(b.buffer).setUint32(0, 4000, true);
        return b;
      })(),
      'header length 4000 points past the end of the file',
    ],
    [
      'a huge header length',
      (() => {
        const b = good.slice();
        new DataView(b.buffer).setUint32(4, 1, true);
        return b;
      })(),
      'exceeds the limit',
    ],
    [
      'bad JSON',
      (() => {
        const b = good.slice();
        b[8] = 0x5b; // '[' where '{' was
        return b;
      })(),
      'header is not valid UTF-8 JSON',
    ],
    ['a non-object header', craft([1, 2]), 'header must be a JSON object'],
    [
      'an unknown dtype',
      craft({ x: entry('F16', [2], [0, 4]) }, new Uint8Array(4)),
      "entry 'x' has unsupported dtype F16",
    ],
    ['a missing dtype', craft({ x: { shape: [1], data_offsets: [0, 4] } }, f32(1)), "entry 'x' has no dtype"],
    ['a bad shape', craft({ x: entry('F32', [-1], [0, 4]) }, f32(1)), "entry 'x' has an invalid shape"],
    [
      'bad offsets',
      craft({ x: entry('F32', [1], [4, 0]) }, f32(1)),
      "entry 'x' has invalid data_offsets [4,0]",
    ],
    [
      'a wrong byte count',
      craft({ x: entry('F32', [2, 2], [0, 12]) }, new Uint8Array(12)),
      "entry 'x': shape [2,2] of F32 needs 16 bytes but data_offsets [0,12] hold 12",
    ],
    [
      'overlapping data',
      craft({ x: entry('F32', [2], [0, 8]), y: entry('F32', [1], [4, 8]) }, new Uint8Array(8)),
      'overlaps the previous tensor',
    ],
    [
      'a gap in the data',
      craft({ x: entry('F32', [1], [0, 4]), y: entry('F32', [1], [8, 12]) }, new Uint8Array(12)),
      "bytes [4,8) before 'y' belong to no tensor",
    ],
    [
      'trailing bytes',
      craft({ x: entry('F32', [1], [0, 4]) }, new Uint8Array(8)),
      '4 bytes after the last tensor',
    ],
    [
      'a header pointing past the end',
      craft({ x: entry('F32', [4], [0, 16]) }, new Uint8Array(8)),
      "data_offsets [0,16] of 'x' point past the end of the data (8 bytes)",
    ],
    ['bad metadata', craft({ __metadata__: { a: 1 } }), '__metadata__ must map strings to strings'],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      expect(() => loadSafetensors(bytes)).toThrow(ValueError);
      expect(() => loadSafetensors(bytes)).toThrow(message);
    });
  }

  it('leaves a model unchanged when its file is corrupt or does not fit', () => {
    const model = new MLP([3, 4, 2]);
    const before = Object.values(model.stateDict()).map((t) => [...t.data()]);
    const bytes = saveSafetensors(new MLP([3, 4, 2]).stateDict());
    expect(() => model.loadStateDict(loadSafetensors(bytes.subarray(0, bytes.length - 1)))).toThrow(
      ValueError,
    );
    const wrong = saveSafetensors(new MLP([3, 5, 2]).stateDict());
    expect(() => model.loadStateDict(loadSafetensors(wrong))).toThrow(
      "'0.weight': shape [5,3] in the state dict, [4,3] in the model",
    );
    expect(Object.values(model.stateDict()).map((t) => [...t.data()])).toEqual(before);
    const lin = new Linear(3, 4);
    lin.loadStateDict(loadSafetensors(saveSafetensors(model[0]!.stateDict())));
    expect([...lin.weight.data()]).toEqual(before[0]);
  });
});

// A file whose header is the given text, byte for byte (craft() goes through JSON.stringify).
function rawHeader(text: string | Uint8Array, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = typeof text === 'string' ? new TextEncoder().encode(text) : text;
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe('loadSafetensors refuses hostile headers quickly and exactly', () => {
  // Speed is measured in bench/, not asserted here: the byte offset in the message shows the scan
  // stopped at the 65th bracket instead of reading (or parsing) the whole header.
  it('rejects a 16 MB header of "[" at its 65th byte, before JSON.parse', () => {
    const file = rawHeader(new Uint8Array(16 * 2 ** 20).fill(0x5b));
    expect(() => loadSafetensors(file)).toThrow(
      'loadSafetensors: header nests deeper than 64 levels (at byte 64)',
    );
    // Deep nesting anywhere, not only at the start: inside metadata, after a long valid prefix.
    const prefix = `{"__metadata__":{"pad":"${'x'.repeat(4 * 2 ** 20)}"},"x":`;
    const late = rawHeader(`${prefix}${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(() => loadSafetensors(late)).toThrow(
      `header nests deeper than 64 levels (at byte ${prefix.length + 63})`,
    );
  });

  it('brackets inside strings do not count, and 64 levels are still read', () => {
    const key = '[[[[{{{{'.repeat(20);
    const sd = loadSafetensors(craft({ [key]: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(3)));
    expect(sd[key]!.toArray()).toEqual([3]);
    // Escaped quotes and a key ending in a backslash (its closing quote follows an even run of them).
    const tricky = {
      'a"[[': { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
      'b\\': { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
    };
    expect(Object.keys(loadSafetensors(craft(tricky, f32(1, 2))))).toEqual(['a"[[', 'b\\']);
    // 64 levels pass the scan; the entry is then refused for what it is, not for its depth.
    const deep = `{"x":${'['.repeat(63)}${']'.repeat(63)}}`;
    expect(() => loadSafetensors(rawHeader(deep))).toThrow("entry 'x' has no dtype");
  });

  it('rejects a top-level key given twice, naming it (JSON.parse would keep the last)', () => {
    const file = rawHeader(
      '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}',
      new Uint8Array(16),
    );
    expect(() => loadSafetensors(file)).toThrow(ValueError);
    expect(() => loadSafetensors(file)).toThrow("loadSafetensors: header has the key 'w' more than once");
    // The same key spelled with an escape is the same key.
    const escaped = rawHeader(
      '{"ab":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a\\u0062":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      new Uint8Array(8),
    );
    expect(() => loadSafetensors(escaped)).toThrow("header has the key 'ab' more than once");
    // Keys repeated inside different entries are fine: only top-level keys name tensors.
    const ok = craft(
      {
        a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] },
      },
      f32(1, 2),
    );
    expect(Object.keys(loadSafetensors(ok))).toEqual(['a', 'b']);
  });

  it('__metadata__: null reads as no metadata; anything but an object of strings is refused', () => {
    const x = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
    const withNull = craft({ __metadata__: null, x }, f32(5));
    expect(loadSafetensors(withNull).x!.toArray()).toEqual([5]);
    expect(loadSafetensorsMetadata(withNull)).toEqual({});
    for (const [meta, message] of [
      [['a'], '__metadata__ must be an object of strings, got an array'],
      ['a', '__metadata__ must be an object of strings, got string'],
      [{ a: null }, "__metadata__ must map strings to strings, but 'a' is null"],
    ] as const) {
      expect(() => loadSafetensors(craft({ __metadata__: meta, x }, f32(5)))).toThrow(message);
      expect(() => loadSafetensorsMetadata(craft({ __metadata__: meta, x }, f32(5)))).toThrow(message);
    }
  });
});
