// conv3x3.wat, the direct 3x3 stride-1 convolution the wasm backend runs for small layers: its bits
// against a float32 reference written in the order its comments promise (so a changed order or a
// lost term fails), its values against the cpu kernels, and which convolutions take it.
import { describe, expect, it } from 'vitest';
import type { ConvShape, StridedView } from '../src/backend/backend.js';
import { cpuBackend as cpu } from '../src/backend/cpu/index.js';
import { conv3x3Forward, conv3x3WeightGrad } from '../src/backend/wasm/conv3x3.js';
import { wasmBackend as wasm } from '../src/backend/wasm/index.js';
import { denseF32, expectSame, pick, type Rng, seeded } from './seeded.js';

const f = Math.fround;

// Values in [-2, 2); with `special`, 2% of them NaN, Infinity or -0.
function dense(rng: Rng, shape: number[], special = false): StridedView {
  const wide = (r: Rng) => (r() - 0.5) * 4;
  return denseF32(
    rng,
    shape,
    special ? (r) => (r() < 0.02 ? pick(r, [Number.NaN, Infinity, -0]) : wide(r)) : wide,
  );
}

function conv(
  batch: number,
  channels: number,
  outChannels: number,
  h: number,
  w: number,
  pad: number,
): ConvShape {
  const g = {
    batch,
    channels,
    height: h,
    width: w,
    kernel: [3, 3],
    stride: [1, 1],
    padding: [pad, pad],
    dilation: [1, 1],
    outHeight: h + 2 * pad - 2,
    outWidth: w + 2 * pad - 2,
  } as const;
  return { g, groups: 1, outChannels };
}

// x[n, c, y + ky - p, x + kx - p], 0 outside the image.
function tap(x: StridedView, c: ConvShape, n: number, ch: number, y: number, xx: number): number {
  const { g } = c;
  const [r, s] = [y - g.padding[0], xx - g.padding[1]];
  if (r < 0 || s < 0 || r >= g.height || s >= g.width) return 0;
  return x.storage[x.offset + ((n * g.channels + ch) * g.height + r) * g.width + s]!;
}

// From 0, over (c, ky, kx) in order, each product rounded to float32 and then added; then the bias.
function forwardReference(
  x: StridedView,
  w: StridedView,
  bias: StridedView | null,
  c: ConvShape,
): Float32Array {
  const { g } = c;
  const out = new Float32Array(g.batch * c.outChannels * g.outHeight * g.outWidth);
  let at = 0;
  for (let n = 0; n < g.batch; n++)
    for (let o = 0; o < c.outChannels; o++)
      for (let y = 0; y < g.outHeight; y++)
        for (let xx = 0; xx < g.outWidth; xx++) {
          let acc = 0;
          for (let ch = 0; ch < g.channels; ch++)
            for (let t = 0; t < 9; t++) {
              const wt = w.storage[w.offset + (o * g.channels + ch) * 9 + t]!;
              acc = f(acc + f(wt * tap(x, c, n, ch, y + Math.floor(t / 3), xx + (t % 3))));
            }
          out[at++] = bias === null ? acc : f(acc + bias.storage[bias.offset + o]!);
        }
  return out;
}

// Lane j sums the positions x = j mod 4 over images, rows and vectors in order; then (l0+l1)+(l2+l3).
function weightGradReference(x: StridedView, dy: StridedView, c: ConvShape): Float32Array {
  const { g } = c;
  const dw = new Float32Array(c.outChannels * g.channels * 9);
  for (let o = 0; o < c.outChannels; o++)
    for (let ch = 0; ch < g.channels; ch++)
      for (let t = 0; t < 9; t++) {
        const lanes = [0, 0, 0, 0];
        for (let n = 0; n < g.batch; n++)
          for (let y = 0; y < g.outHeight; y++)
            for (let xx = 0; xx < g.outWidth; xx++) {
              const d =
                dy.storage[dy.offset + ((n * c.outChannels + o) * g.outHeight + y) * g.outWidth + xx]!;
              const v = tap(x, c, n, ch, y + Math.floor(t / 3), xx + (t % 3));
              lanes[xx % 4] = f(lanes[xx % 4]! + f(d * v));
            }
        dw[(o * g.channels + ch) * 9 + t] = f(f(lanes[0]! + lanes[1]!) + f(lanes[2]! + lanes[3]!));
      }
  return dw;
}

function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 1e-4 * Math.max(1, Math.abs(expected[i]!));
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) {
      expect.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

// [batch, channels, outChannels, height, width, padding]: the bench CNN's first layer, RGB input,
// no padding, a wide image, many input channels.
const SHAPES: [number, number, number, number, number, number][] = [
  [32, 1, 8, 28, 28, 1],
  [2, 3, 4, 10, 8, 1],
  [3, 2, 12, 7, 14, 0],
  [1, 1, 4, 1, 28, 1],
  [2, 9, 8, 5, 8, 1],
];

describe('conv3x3.wat', () => {
  it('forward: the bits of its documented order, with bias, without, and through special values', () => {
    const rng = seeded(41);
    for (const [batch, channels, outChannels, h, w, pad] of SHAPES) {
      const c = conv(batch, channels, outChannels, h, w, pad);
      const x = dense(rng, [batch, channels, h, w], true);
      const wt = dense(rng, [outChannels, channels, 3, 3]);
      for (const bias of [dense(rng, [outChannels]), null]) {
        const what = `${JSON.stringify(c)} bias ${bias !== null}`;
        const got = conv3x3Forward(x, wt, bias, c);
        expect(got, what).not.toBeNull();
        expectSame(got!, forwardReference(x, wt, bias, c), what);
      }
    }
  });

  it('weight gradient: the bits of its documented order, through special values', () => {
    const rng = seeded(42);
    for (const [batch, channels, outChannels, h, w, pad] of [...SHAPES, [2, 2, 3, 6, 8, 1]] as const) {
      const c = conv(batch, channels, outChannels, h, w, pad);
      const x = dense(rng, [batch, channels, h, w], true);
      const dy = dense(rng, [batch, outChannels, c.g.outHeight, c.g.outWidth]);
      const got = conv3x3WeightGrad(x, dy, c);
      expect(got).not.toBeNull();
      expectSame(got!, weightGradReference(x, dy, c), JSON.stringify(c));
    }
  });

  it("is what the wasm backend runs for such layers, near the cpu kernels' float64 sums", () => {
    const rng = seeded(43);
    for (const [batch, channels, outChannels, h, w, pad] of SHAPES) {
      const c = conv(batch, channels, outChannels, h, w, pad);
      const x = dense(rng, [batch, channels, h, w]);
      const wt = dense(rng, [outChannels, channels, 3, 3]);
      const bias = dense(rng, [outChannels]);
      const dy = dense(rng, [batch, outChannels, c.g.outHeight, c.g.outWidth]);
      const what = JSON.stringify(c);
      const y = wasm.conv2d(x, wt, bias, c, 'float32');
      expectSame(y, conv3x3Forward(x, wt, bias, c)!, `forward ${what}`);
      expectNear(y, cpu.conv2d(x, wt, bias, c, 'float32'), `forward ${what}`);
      const dw = wasm.conv2dWeightGrad(x, dy, c, 'float32');
      expectSame(dw, conv3x3WeightGrad(x, dy, c)!, `weight grad ${what}`);
      expectNear(dw, cpu.conv2dWeightGrad(x, dy, c, 'float32'), `weight grad ${what}`);
    }
  });

  it('leaves other convolutions to the columns: stride, dilation, kernel, groups, width, channels, size', () => {
    const base = conv(2, 2, 8, 10, 10, 1);
    const { g } = base;
    const others: [string, ConvShape, boolean][] = [
      ['stride 2', { ...base, g: { ...g, stride: [2, 2], outHeight: 5, outWidth: 5 } }, true],
      ['dilation 2', { ...base, g: { ...g, dilation: [2, 2], outHeight: 8, outWidth: 8 } }, true],
      ['kernel 3x5', { ...base, g: { ...g, kernel: [3, 5], outWidth: 8 } }, true],
      ['groups 2', { ...base, groups: 2 }, true],
      ['width 9 (not whole vectors)', conv(2, 2, 8, 10, 9, 1), true],
      ['6 output channels (forward only)', conv(2, 2, 6, 10, 12, 1), false],
      ['2^22 multiply-adds (the threads take it)', conv(64, 8, 16, 28, 28, 1), true],
    ];
    const rng = seeded(44);
    for (const [what, c, neither] of others) {
      const x = dense(rng, [c.g.batch, c.g.channels, c.g.height, c.g.width]);
      const wt = dense(rng, [c.outChannels, c.g.channels / c.groups, ...c.g.kernel]);
      const dy = dense(rng, [c.g.batch, c.outChannels, c.g.outHeight, c.g.outWidth]);
      expect(conv3x3Forward(x, wt, null, c), what).toBeNull();
      expect(conv3x3WeightGrad(x, dy, c) === null, what).toBe(neither);
    }
  });
});
