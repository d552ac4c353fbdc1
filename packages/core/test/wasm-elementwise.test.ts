// The WebAssembly elementwise kernels against the cpu ones, which they must equal bit for bit (IEEE
// single arithmetic rounds as float64-then-float32 does for these ops): every op, special values
// (NaN, infinities, signed zeros), and the broadcasts training uses (same shape, scalar, bias row,
// per-channel column, a broadcast left operand), plus views that wasm leaves to the cpu kernels.
import { describe, expect, it } from 'vitest';
import type { BinaryOp, StridedView, UnaryOp } from '../src/backend/backend.js';
import { cpuBackend } from '../src/backend/cpu/index.js';
import { wasmBackend } from '../src/backend/wasm/index.js';
import { expectSame, int, pick, type Rng, seeded } from './seeded.js';

const sizeOf = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

function value(rng: Rng): number {
  if (rng() < 0.1)
    return pick(rng, [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, -0, 1]);
  return (rng() - 0.5) * 8;
}

/** A float32 view of `shape`: dense at a random offset, or (with `strided`) its last two dims swapped. */
function view(rng: Rng, shape: readonly number[], strided = false): StridedView {
  const offset = int(rng, 0, 5);
  const storage = new Float32Array(offset + sizeOf(shape));
  for (let i = 0; i < storage.length; i++) storage[i] = value(rng);
  const strides = new Array<number>(shape.length).fill(0);
  for (let d = shape.length - 1, s = 1; d >= 0; s *= shape[d--]!) strides[d] = s;
  const nd = shape.length;
  if (strided && nd >= 2) {
    // A transposed layout of the same elements: the last two dims swap their steps.
    [strides[nd - 1], strides[nd - 2]] = [shape[nd - 2]!, 1];
    for (let d = nd - 3, s = shape[nd - 1]! * shape[nd - 2]!; d >= 0; s *= shape[d--]!) strides[d] = s;
  }
  return { storage, shape, strides, offset };
}

const BINARY: BinaryOp[] = [
  'add',
  'sub',
  'mul',
  'div',
  'eq',
  'ne',
  'lt',
  'le',
  'gt',
  'ge',
  'maximum',
  'pow',
  'reluGrad',
];
const UNARY: UnaryOp[] = ['relu', 'neg', 'abs', 'square', 'sqrt', 'exp', 'step'];

// [output shape, left operand shape, right operand shape]: the broadcasts of training.
const CASES: [number[], number[], number[]][] = [
  [[700], [700], [700]],
  [
    [33, 61],
    [33, 61],
    [33, 61],
  ],
  [[33, 61], [33, 61], []],
  [[33, 61], [], [33, 61]],
  [[64, 40], [64, 40], [40]],
  [[64, 40], [40], [64, 40]],
  [
    [64, 40],
    [64, 40],
    [64, 1],
  ],
  [
    [4, 3, 10, 13],
    [4, 3, 10, 13],
    [3, 1, 1],
  ],
  [
    [4, 3, 10, 13],
    [3, 1, 1],
    [4, 3, 10, 13],
  ],
  [
    [4, 3, 4, 49],
    [4, 3, 4, 49],
    [4, 3, 1, 49],
  ],
  [
    [600, 3],
    [600, 3],
    [600, 1],
  ],
  [[10], [10], [10]],
];

describe('wasm elementwise kernels', () => {
  it('binary equals the cpu kernel bit for bit on every op and broadcast', () => {
    const rng = seeded(21);
    for (const [out, sa, sb] of CASES) {
      for (const op of BINARY) {
        const strided = rng() < 0.2;
        const a = view(rng, sa, strided);
        const b = view(rng, sb);
        const what = `${op} ${JSON.stringify(sa)} ${JSON.stringify(sb)}${strided ? ' (strided)' : ''}`;
        expectSame(
          wasmBackend.binary(op, a, b, out, 'float32'),
          cpuBackend.binary(op, a, b, out, 'float32'),
          what,
        );
      }
    }
  });

  it('unary equals the cpu kernel bit for bit', () => {
    const rng = seeded(22);
    for (const shape of [[5], [1000], [31, 33], [2, 3, 17, 19]]) {
      for (const op of UNARY) {
        const x = view(rng, shape, rng() < 0.2);
        expectSame(wasmBackend.unary(op, x, 'float32'), cpuBackend.unary(op, x, 'float32'), `${op} ${shape}`);
      }
    }
  });

  it('copy equals the cpu kernel from transposed, permuted and sliced views into dense targets', () => {
    const rng = seeded(24);
    for (const shape of [[40, 30], [3, 40, 17], [2, 5, 7, 20], [600], [9, 9]]) {
      for (let trial = 0; trial < 10; trial++) {
        const nd = shape.length;
        const order = Array.from({ length: nd }, (_, i) => i).sort(() => rng() - 0.5);
        // src: the elements of a dense tensor laid out in `order`, optionally every other row dropped.
        const gap = rng() < 0.3 ? 2 : 1;
        const strides = new Array<number>(nd).fill(0);
        let step = 1;
        for (let i = nd - 1; i >= 0; i--) {
          strides[order[i]!] = step;
          step *= shape[order[i]!]! * (i === 0 ? 1 : gap);
        }
        const offset = int(rng, 0, 4);
        const storage = Float32Array.from({ length: offset + step * gap }, () => value(rng));
        const src = { storage, shape, strides, offset };
        const ours = view(rng, shape);
        const theirs = { ...ours, storage: ours.storage.slice() };
        wasmBackend.copy(src, ours);
        cpuBackend.copy(src, theirs);
        expectSame(
          ours.storage,
          theirs.storage,
          `copy ${JSON.stringify(shape)} strides ${JSON.stringify(strides)}`,
        );
      }
    }
  });

  it('leaves float64, int32 and mixed dtypes to the cpu kernels', () => {
    const rng = seeded(23);
    const a = Float64Array.from({ length: 1000 }, () => value(rng));
    const b = Int32Array.from({ length: 1000 }, (_, i) => i - 500);
    const va = { storage: a, shape: [1000], strides: [1], offset: 0 };
    const vb = { storage: b, shape: [1000], strides: [1], offset: 0 };
    expectSame(
      wasmBackend.binary('mul', va, va, [1000], 'float64'),
      cpuBackend.binary('mul', va, va, [1000], 'float64'),
      'f64',
    );
    expectSame(
      wasmBackend.binary('add', vb, vb, [1000], 'int32'),
      cpuBackend.binary('add', vb, vb, [1000], 'int32'),
      'i32',
    );
    expectSame(
      wasmBackend.binary('gt', va, vb, [1000], 'float32'),
      cpuBackend.binary('gt', va, vb, [1000], 'float32'),
      'mixed',
    );
    expect(wasmBackend.binary('add', vb, vb, [1000], 'int32')).toBeInstanceOf(Int32Array);
  });
});

describe('wasm elementwise kernels past their one-call size', () => {
  // Over 4M elements a flat walk goes through wasm a million elements at a time.
  it('gives the cpu bits for same-shape and scalar operands and for unary ops, chunk edges included', () => {
    const rng = seeded(23);
    const n = (4 << 20) + (1 << 20) + 3;
    const a = view(rng, [n]);
    const b = view(rng, [n]);
    const s = view(rng, []);
    for (const op of ['add', 'mul', 'reluGrad', 'lt'] as BinaryOp[]) {
      expectSame(
        wasmBackend.binary(op, a, b, [n], 'float32'),
        cpuBackend.binary(op, a, b, [n], 'float32'),
        op,
      );
      expectSame(
        wasmBackend.binary(op, a, s, [n], 'float32'),
        cpuBackend.binary(op, a, s, [n], 'float32'),
        `${op} scalar`,
      );
    }
    expectSame(wasmBackend.unary('relu', a, 'float32'), cpuBackend.unary('relu', a, 'float32'), 'relu');
  });
});
