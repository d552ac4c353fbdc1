import { DeviceError, Tensor, ValueError } from '@backprop/core';
import type { StateDict } from './module.js';
import { decode, type Encoded, encode, READ } from './safetensors-dtypes.js';
import { fmtShape } from './shape-check.js';

const MAX_HEADER = 100_000_000; // the reference implementation's limit
const MAX_DEPTH = 64; // a real header nests 3 deep (object, entry, shape)

interface Entry {
  key: string;
  code: string;
  shape: number[];
  begin: number;
  end: number;
}

const fail = (message: string): never => {
  throw new ValueError(`loadSafetensors: ${message}`);
};

// Defines rather than assigns, so a key such as '__proto__' stays an ordinary entry.
function setEntry<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function entriesOf(stateDict: StateDict | ReadonlyMap<string, Tensor>): [string, Tensor][] {
  return stateDict instanceof Map ? [...stateDict] : Object.entries(stateDict);
}

/**
 * Serializes a state dict to the safetensors format, laid out as the reference writer lays it out:
 * an 8-byte little-endian header length; a JSON header (per tensor `dtype`, `shape`,
 * `data_offsets`, in the state dict's order, plus an optional `__metadata__` of strings) padded with
 * spaces to a multiple of 8 bytes; then the little-endian data, ordered by element size, largest
 * first, so every tensor's offset is a multiple of its element size. float32, float64, int32 and
 * bool are written as F32, F64, I32 and BOOL; an int32 `num_batches_tracked` as I64, as PyTorch
 * writes it.
 * PyTorch's `safetensors` package reads the result. A value that is not a cpu tensor throws,
 * naming its key, before anything is written.
 *
 * @example
 * ```ts
 * const bytes = saveSafetensors(model.stateDict(), { epoch: '3' });
 * model.loadStateDict(loadSafetensors(bytes));
 * ```
 */
export function saveSafetensors(
  stateDict: StateDict | ReadonlyMap<string, Tensor>,
  metadata?: Record<string, string>,
): Uint8Array {
  const header: Record<string, unknown> = Object.create(null);
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new ValueError(`saveSafetensors: metadata '${k}' must be a string`);
    }
    header.__metadata__ = metadata;
  }
  const tensors = entriesOf(stateDict).map(([key, t]) => ({ key, t, ...encodeEntry(key, t) }));
  // Largest elements first (a stable sort: state-dict order within a size). Every size is a power
  // of two and every tensor a whole number of elements, so each offset stays a multiple of the
  // sizes that follow it; the header is padded to 8, so the file offsets are aligned too.
  const offsets = new Map<string, [number, number]>();
  let offset = 0;
  for (const { key, data } of [...tensors].sort((a, b) => b.bytes - a.bytes)) {
    offsets.set(key, [offset, offset + data.byteLength]);
    offset += data.byteLength;
  }
  for (const { key, t, code } of tensors) {
    setEntry(header, key, { dtype: code, shape: [...t.shape], data_offsets: offsets.get(key) });
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLength / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  for (const { key, data } of tensors) out.set(data, 8 + headerLength + offsets.get(key)![0]);
  return out;
}

function encodeEntry(key: string, t: Tensor): Encoded {
  if (!(t instanceof Tensor)) throw new ValueError(`saveSafetensors: value of '${key}' is not a Tensor`);
  if (key === '__metadata__') throw new ValueError("saveSafetensors: '__metadata__' is reserved");
  if (t.device !== 'cpu') {
    throw new DeviceError(
      `saveSafetensors: '${key}' is on the ${t.device} device; save a cpu copy (read its values with await t.dataAsync())`,
    );
  }
  return encode(key, t.dtype, t.data());
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One linear pass over the header's bytes, before JSON.parse: rejects nesting deeper than
 * MAX_DEPTH (V8's parser takes seconds to refuse megabytes of `[`) and top-level keys given twice
 * (JSON.parse would silently keep the last, so two conflicting shapes would load as one). UTF-8
 * continuation bytes are all >= 0x80, so quotes and backslashes are found byte by byte.
 */
function scanHeader(json: Uint8Array): void {
  let depth = 0;
  let topIsObject = false;
  let expectKey = false; // inside the top-level object, where the next string is a key
  const keys = new Set<string>();
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === QUOTE) {
      // A string: skip to its closing quote; only top-level keys are decoded and remembered.
      const start = i;
      i = closingQuote(json, i);
      if (depth === 1 && expectKey) checkKey(json.subarray(start, i + 1), keys);
      expectKey = false;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > MAX_DEPTH)
        fail(`header nests deeper than ${MAX_DEPTH} levels (at byte ${i}): not safetensors`);
      expectKey = depth === 1 && c === 0x7b;
      if (depth === 1) topIsObject = expectKey;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    } else if (c === 0x2c && depth === 1) {
      expectKey = topIsObject;
    }
  }
}

// The index of the quote that closes the string opening at `open` (json.length if none). indexOf is
// native (memchr-fast), so megabytes of string cost milliseconds; a quote after an odd run of
// backslashes is escaped and the search goes on.
function closingQuote(json: Uint8Array, open: number): number {
  let q = json.indexOf(QUOTE, open + 1);
  while (q >= 0) {
    let slashes = 0;
    while (json[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q;
    q = json.indexOf(QUOTE, q + 1);
  }
  return json.length;
}

function checkKey(quoted: Uint8Array, keys: Set<string>): void {
  let key: string;
  try {
    key = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(quoted)) as string;
  } catch {
    return; // malformed: JSON.parse of the whole header reports it
  }
  if (keys.has(key)) fail(`header has the key '${key}' more than once`);
  keys.add(key);
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8) {
    fail(`file is ${bytes.length} bytes, too short for the 8-byte header length (truncated?)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (length > MAX_HEADER) fail(`header length ${length} exceeds the limit of ${MAX_HEADER} bytes`);
  if (8 + length > bytes.length) {
    fail(
      `header length ${length} points past the end of the file (${bytes.length} bytes): truncated or not safetensors`,
    );
  }
  const json = bytes.subarray(8, 8 + length);
  scanHeader(json);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (e) {
    fail(`header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header))
    fail('header must be a JSON object');
  return { header: header as Record<string, unknown>, dataStart: 8 + length };
}

// `null` is how some writers say "no metadata" (the reference reader accepts it).
function checkMetadata(meta: unknown): void {
  if (meta === undefined || meta === null) return;
  if (typeof meta !== 'object' || Array.isArray(meta)) {
    fail(`__metadata__ must be an object of strings, got ${Array.isArray(meta) ? 'an array' : typeof meta}`);
  }
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string')
      fail(`__metadata__ must map strings to strings, but '${k}' is ${JSON.stringify(v)}`);
  }
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

function parseEntry(key: string, info: unknown): Entry {
  const { dtype, shape, data_offsets: offsets } = (info ?? {}) as Record<string, unknown>;
  if (typeof dtype !== 'string') return fail(`entry '${key}' has no dtype`);
  const known = Object.hasOwn(READ, dtype) ? READ[dtype] : undefined;
  if (!known)
    return fail(`entry '${key}' has unsupported dtype ${dtype} (supported: ${Object.keys(READ).join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`entry '${key}' has an invalid shape`);
  const [begin, end] = (Array.isArray(offsets) ? offsets : []) as unknown[];
  if (!Array.isArray(offsets) || offsets.length !== 2 || !isCount(begin) || !isCount(end) || begin > end) {
    return fail(`entry '${key}' has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const need = shape.reduce((n: number, d: number) => n * d, 1) * known.bytes;
  if (end - begin !== need) {
    fail(
      `entry '${key}': shape ${fmtShape(shape)} of ${dtype} needs ${need} bytes but data_offsets [${begin},${end}] hold ${end - begin}`,
    );
  }
  return { key, code: dtype, shape, begin, end };
}

// Safetensors requires the tensors to tile the data section exactly: no overlap, no gap, no tail.
function checkLayout(entries: Entry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of sorted) {
    if (e.end > dataLength) {
      fail(
        `data_offsets [${e.begin},${e.end}] of '${e.key}' point past the end of the data (${dataLength} bytes): truncated file`,
      );
    }
    if (e.begin < expected)
      fail(`data of '${e.key}' [${e.begin},${e.end}] overlaps the previous tensor (ends at ${expected})`);
    if (e.begin > expected)
      fail(`bytes [${expected},${e.begin}) before '${e.key}' belong to no tensor (non-contiguous data)`);
    expected = e.end;
  }
  if (expected !== dataLength)
    fail(`${dataLength - expected} bytes after the last tensor belong to no tensor`);
}

/**
 * Reads safetensors bytes into a state dict: F32 and F64 as themselves; F16 and BF16 into float32
 * (exactly: subnormals, infinities and NaN included); I32, U8 and I64 into int32 (an I64 value
 * outside int32 throws, naming the key and the value); BOOL into bool. The tensors are read wherever
 * `data_offsets` put them, whatever the header's key order or their alignment, and come back in
 * the header's order. Everything is validated before a tensor is returned: a truncated file, a
 * header pointing past the end or longer than 100 MB, bad JSON, JSON nested deeper than 64 levels
 * (refused before parsing), a key given twice, metadata that is not an object of strings
 * (`__metadata__: null` reads as none), an unknown dtype, a byte count that disagrees with the
 * shape, and overlapping or non-contiguous data each throw a `ValueError` naming the key and the
 * problem.
 *
 * @example
 * ```ts
 * const sd = loadSafetensors(bytes);
 * model.loadStateDict(sd);
 * ```
 */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer): StateDict {
  const all = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const { header, dataStart } = parseHeader(all);
  checkMetadata(header.__metadata__);
  const entries: Entry[] = [];
  for (const [key, info] of Object.entries(header)) {
    if (key !== '__metadata__') entries.push(parseEntry(key, info));
  }
  const data = all.subarray(dataStart);
  checkLayout(entries, data.length);
  const out: StateDict = {};
  for (const e of entries) {
    setEntry(out, e.key, new Tensor(decode(e.key, e.code, data.subarray(e.begin, e.end)), e.shape));
  }
  return out;
}

/**
 * The `__metadata__` strings of safetensors bytes ({} when absent).
 *
 * @example
 * ```ts
 * loadSafetensorsMetadata(saveSafetensors(sd, { epoch: '3' })); // { epoch: '3' }
 * ```
 */
export function loadSafetensorsMetadata(bytes: Uint8Array | ArrayBuffer): Record<string, string> {
  const all = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const meta = parseHeader(all).header.__metadata__;
  checkMetadata(meta);
  return { ...(meta as Record<string, string> | null | undefined) };
}
