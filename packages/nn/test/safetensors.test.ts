import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeviceError, type DType, randn, type Tensor, tensor, ValueError, zeros } from '@backprop/core';
import { describe, expect, it, vi } from 'vitest';
import {
  BatchNorm1d,
  Linear,
  loadSafetensors,
  loadSafetensorsMetadata,
  MLP,
  saveSafetensors,
} from '../src/index.js';
import { readFixture } from './helpers.js';
import { FIXTURES, sha256 } from './interop-models.js';

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
    expect(() => loadSafetensors(big)).toThrow(ValueError);
    expect(() => loadSafetensors(big)).toThrow(
      "entry 'n': I64 value 1099511627776 (element 0) does not fit in int32",
    );
    const low = craft(
      {
        ok: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
        m: { dtype: 'I64', shape: [2], data_offsets: [4, 20] },
      },
      new Uint8Array([
        ...f32(1),
        ...new Uint8Array(new BigInt64Array([-(2n ** 31n), -(2n ** 31n) - 1n]).buffer),
      ]),
    );
    expect(() => loadSafetensors(low)).toThrow(
      "entry 'm': I64 value -2147483649 (element 1) does not fit in int32",
    );
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
      craft({ x: entry('I16', [2], [0, 4]) }, new Uint8Array(4)),
      "entry 'x' has unsupported dtype I16 (supported: F64, F32, F16, BF16, I64, I32, U8, BOOL)",
    ],
    [
      'a dtype named like an Object property',
      craft({ x: entry('constructor', [1], [0, 4]) }, f32(1)),
      "entry 'x' has unsupported dtype constructor",
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
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const file = rawHeader(new Uint8Array(16 * 2 ** 20).fill(0x5b));
      expect(() => loadSafetensors(file)).toThrow(
        'loadSafetensors: header nests deeper than 64 levels (at byte 64)',
      );
      expect(parse).not.toHaveBeenCalled();
      // Deep nesting anywhere, not only at the start: inside metadata, after a long valid prefix.
      const prefix = `{"__metadata__":{"pad":"${'x'.repeat(4 * 2 ** 20)}"},"x":`;
      const late = rawHeader(`${prefix}${'['.repeat(100)}${']'.repeat(100)}}`);
      expect(() => loadSafetensors(late)).toThrow(
        `header nests deeper than 64 levels (at byte ${prefix.length + 63})`,
      );
      // The scan decodes only the top-level keys (to find duplicates); the header is never parsed.
      expect(parse.mock.calls.map(([text]) => text)).toEqual(['"__metadata__"', '"x"']);
    } finally {
      parse.mockRestore();
    }
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

describe('loadSafetensors reads every element code PyTorch writes (fixtures/write_dtypes_fixture.py)', () => {
  interface Expected {
    dtype: DType;
    shape: number[];
    data: (number | 'nan' | 'inf' | '-inf')[];
  }
  const fixture = readFixture<{
    tensors: Record<string, Expected>;
    all_f16_sha256: string;
    all_bf16_sha256: string;
  }>('dtypes.json');
  // Strings compare every double exactly, -0 and NaN included ('inf' is how the fixture spells Infinity).
  const show = (v: number | string) =>
    typeof v === 'string'
      ? { nan: 'NaN', inf: 'Infinity', '-inf': '-Infinity' }[v]
      : Object.is(v, -0)
        ? '-0'
        : String(v);

  it('F16, BF16, F64, F32, I64, I32, U8, BOOL: exactly the values torch reads, subnormals, extremes, ±inf, NaN, -0', () => {
    const sd = loadSafetensors(readFileSync(join(FIXTURES, 'dtypes.safetensors')));
    // The header's key order (sorted, as the reference writes it), not the data's (by element size).
    expect(Object.keys(sd)).toEqual(Object.keys(fixture.tensors).sort());
    for (const [key, want] of Object.entries(fixture.tensors)) {
      expect(sd[key]!.dtype, key).toBe(want.dtype);
      expect(sd[key]!.shape, key).toEqual(want.shape);
      expect([...sd[key]!.data()].map(show), key).toEqual(want.data.map(show));
    }
  });

  it('each of the 65536 F16 and of the 65536 BF16 bit patterns widens to the float32 torch makes of it', () => {
    const patterns = new Uint8Array(2 * 65536);
    for (let i = 0; i < 65536; i++) [patterns[2 * i], patterns[2 * i + 1]] = [i & 0xff, i >> 8];
    for (const [code, want] of [
      ['F16', fixture.all_f16_sha256],
      ['BF16', fixture.all_bf16_sha256],
    ] as const) {
      const file = craft(
        { x: { dtype: code, shape: [256, 256], data_offsets: [0, patterns.length] } },
        patterns,
      );
      const wide = loadSafetensors(file).x!.data() as Float32Array;
      const bits = new Uint32Array(wide.buffer);
      // The fixture's hash counts every NaN as 0x7fc00000: platforms quiet NaN payloads differently.
      for (let i = 0; i < wide.length; i++) if (Number.isNaN(wide[i])) bits[i] = 0x7fc00000;
      expect(sha256(new Uint8Array(bits.buffer)), code).toBe(want);
    }
  });

  it('NaNs keep their sign and payload bits (written as bits, never through a JS number)', () => {
    const halves = new Uint8Array(new Uint16Array([0x7d00, 0xfe01, 0x7fc1]).buffer);
    const sd = loadSafetensors(
      craft(
        {
          h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
          b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
        },
        halves,
      ),
    );
    expect([...new Uint32Array(sd.h!.data().buffer)]).toEqual([0x7fa00000, 0xffc02000]);
    expect([...new Uint32Array(sd.b!.data().buffer)]).toEqual([0x7fc10000]);
  });

  it('U8 reads into int32; BOOL into bool, refusing a byte other than 0 or 1', () => {
    const file = (code: string, bytes: number[]) =>
      craft(
        { u: { dtype: code, shape: [bytes.length], data_offsets: [0, bytes.length] } },
        new Uint8Array(bytes),
      );
    const u = loadSafetensors(file('U8', [0, 200, 255])).u!;
    expect(u.dtype).toBe('int32');
    expect(u.toArray()).toEqual([0, 200, 255]);
    const b = loadSafetensors(file('BOOL', [1, 0, 1])).u!;
    expect(b.dtype).toBe('bool');
    expect(b.toArray()).toEqual([true, false, true]);
    expect(() => loadSafetensors(file('BOOL', [1, 0, 2]))).toThrow(ValueError);
    expect(() => loadSafetensors(file('BOOL', [1, 0, 2]))).toThrow(
      "loadSafetensors: entry 'u': BOOL byte 2 (element 2) is neither 0 nor 1",
    );
  });
});

// The header and data offsets of bytes saveSafetensors wrote, parsed here (CI has no PyTorch).
function layout(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
  const header = JSON.parse(text) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: [number, number] }
  >;
  delete header.__metadata__;
  return { n, text, header, data: bytes.subarray(8 + n) };
}
const SIZE: Record<string, number> = { F64: 8, I64: 8, F32: 4, I32: 4, BOOL: 1 };

describe('saveSafetensors lays tensors out as the reference writer does', () => {
  it('aligns every offset to its element size (largest elements first), keeping the state-dict order in the header', () => {
    const bn = new BatchNorm1d(3);
    bn.forward(randn([4, 3])); // one training batch: num_batches_tracked is 1
    const sd = new Map<string, Tensor>([
      ['a', tensor([1, 2, 3])], // 12 bytes: written first, it would leave 'd' at offset 12
      ['d', tensor([0.5, 0.25, 0.125], { dtype: 'float64' })],
      ['mask', tensor([true, false, true])], // 3 bytes: written early, it would misalign all after it
      ['count', tensor(5, { dtype: 'int32' })],
      ...Object.entries(bn.stateDict()).map(([k, v]) => [`bn.${k}`, v] as [string, Tensor]),
      ['e', tensor([1e-300], { dtype: 'float64' })],
    ]);
    const bytes = saveSafetensors(sd, { note: 'x' });
    const { n, text, header, data } = layout(bytes);
    expect(n % 8).toBe(0);
    expect(text).toMatch(/^\{"__metadata__":\{"note":"x"\},.*\} {0,7}$/);
    expect(Object.keys(header)).toEqual([...sd.keys()]);
    const codes = Object.fromEntries(Object.entries(header).map(([k, v]) => [k, v.dtype]));
    expect(codes).toEqual({
      a: 'F32',
      d: 'F64',
      mask: 'BOOL',
      count: 'I32',
      'bn.weight': 'F32',
      'bn.bias': 'F32',
      'bn.running_mean': 'F32',
      'bn.running_var': 'F32',
      'bn.num_batches_tracked': 'I64',
      e: 'F64',
    });
    const byOffset = Object.entries(header).sort(([, x], [, y]) => x.data_offsets[0] - y.data_offsets[0]);
    expect(byOffset.map(([k]) => k)).toEqual([
      'd',
      'bn.num_batches_tracked',
      'e',
      'a',
      'count',
      'bn.weight',
      'bn.bias',
      'bn.running_mean',
      'bn.running_var',
      'mask',
    ]);
    for (const [
      key,
      {
        dtype,
        data_offsets: [begin],
      },
    ] of byOffset)
      expect(begin % SIZE[dtype]!, key).toBe(0);
    const [begin, end] = header['bn.num_batches_tracked']!.data_offsets;
    expect([...data.subarray(begin, end)]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    const back = loadSafetensors(bytes);
    for (const [k, v] of sd) {
      expect(back[k]!.dtype, k).toBe(v.dtype); // the I64 counter comes back int32, as BatchNorm holds it
      expect(back[k]!.toArray(), k).toEqual(v.toArray());
    }
  });

  it('writes only an int32 tensor whose key ends in num_batches_tracked as I64', () => {
    const bytes = saveSafetensors({
      num_batches_tracked: tensor([-2, 7], { dtype: 'int32' }),
      'm.num_batches_tracked': tensor(1.5),
      xnum_batches_tracked: tensor(4, { dtype: 'int32' }),
    });
    const { header, data } = layout(bytes);
    expect(Object.values(header).map((v) => v.dtype)).toEqual(['I64', 'F32', 'I32']);
    expect([...data.subarray(0, 16)]).toEqual([
      254, 255, 255, 255, 255, 255, 255, 255, 7, 0, 0, 0, 0, 0, 0, 0,
    ]);
    expect(loadSafetensors(bytes).num_batches_tracked!.toArray()).toEqual([-2, 7]);
  });

  it('names the key of a tensor it cannot write, before writing anything', () => {
    const gpu = tensor([1]);
    Object.defineProperty(gpu, 'device', { value: 'webgpu' });
    expect(() => saveSafetensors({ ok: tensor([1]), w: gpu })).toThrow(DeviceError);
    expect(() => saveSafetensors({ ok: tensor([1]), w: gpu })).toThrow(
      "saveSafetensors: 'w' is on the webgpu device",
    );
    const odd = tensor([1]);
    Object.defineProperty(odd, 'dtype', { value: 'int8' });
    expect(() => saveSafetensors({ v: odd })).toThrow(ValueError);
    expect(() => saveSafetensors({ v: odd })).toThrow("saveSafetensors: 'v' has dtype int8");
  });
});
