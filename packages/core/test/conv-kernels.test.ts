// The convolution kernels: the wasm backend makes and multiplies each image's columns inside wasm
// memory, the cpu and webgpu backends run im2col and batched products; both must give the same
// convolution and gradients. And conv2d's backward under createGraph (products as ops) must be
// differentiable again: a gradient of its gradients checked by central differences.
import { conv2d, grad, gradcheck, randn, type Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import type { ConvShape } from '../src/backend/backend.js';
import { cpuBackend as cpu } from '../src/backend/cpu/index.js';
import { wasmBackend as wasm } from '../src/backend/wasm/index.js';
import { denseF32, int, pick, type Rng, seeded } from './seeded.js';

function randomConv(rng: Rng): ConvShape {
  const groups = pick(rng, [1, 1, 2, 3]);
  const channels = groups * int(rng, 1, 3);
  const outChannels = groups * int(rng, 1, 4);
  const kernel = [int(rng, 1, 3), int(rng, 1, 3)] as const;
  const stride = [int(rng, 1, 2), int(rng, 1, 2)] as const;
  const dilation = rng() < 0.7 ? ([1, 1] as const) : ([2, 1] as const);
  const padding = [int(rng, 0, 1), int(rng, 0, 2)] as const;
  const [height, width] = [int(rng, 3, 9), int(rng, 3, 11)];
  const out = (size: number, i: 0 | 1) =>
    Math.floor((size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1;
  const [outHeight, outWidth] = [out(height, 0), out(width, 1)];
  if (outHeight <= 0 || outWidth <= 0) return randomConv(rng);
  const batch = int(rng, 1, 3);
  const g = { batch, channels, height, width, kernel, stride, padding, dilation, outHeight, outWidth };
  return { g, groups, outChannels };
}

// float32 sums in a different order (wasm sums in float32, the cpu in float64): equal to rounding.
function expectNear(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tolerance = 1e-5 * Math.max(1, Math.abs(expected[i]!));
    if (!(Math.abs(actual[i]! - expected[i]!) <= tolerance)) {
      expect.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

describe('conv2d kernels', () => {
  it('wasm equals the im2col form on random geometries, groups, padding and bias', () => {
    const rng = seeded(31);
    for (let trial = 0; trial < 80; trial++) {
      const c = randomConv(rng);
      const { g } = c;
      const rows = (g.channels / c.groups) * g.kernel[0] * g.kernel[1];
      const x = denseF32(rng, [g.batch, g.channels, g.height, g.width]);
      const w = denseF32(rng, [c.outChannels, g.channels / c.groups, ...g.kernel]);
      const bias = rng() < 0.5 ? denseF32(rng, [c.outChannels]) : null;
      const dy = denseF32(rng, [g.batch, c.outChannels, g.outHeight, g.outWidth]);
      const what = JSON.stringify(c);
      expectNear(
        wasm.conv2d(x, w, bias, c, 'float32'),
        cpu.conv2d(x, w, bias, c, 'float32'),
        `conv2d ${what}`,
      );
      expectNear(
        wasm.conv2dInputGrad(dy, w, c, 'float32'),
        cpu.conv2dInputGrad(dy, w, c, 'float32'),
        `input grad ${what}`,
      );
      const dw = wasm.conv2dWeightGrad(x, dy, c, 'float32');
      expect(dw.length).toBe(c.outChannels * rows);
      expectNear(dw, cpu.conv2dWeightGrad(x, dy, c, 'float32'), `weight grad ${what}`);
    }
  });

  it('gives the weight gradient computed transposed (where that wastes fewer tiles) as the cpu does', () => {
    // 8 filters of one channel, 3x3: [8, L] by [L, 9] runs flipped as [9, L] by [L, 8]; and grouped.
    const rng = seeded(32);
    const cases: [number, number, number, number, number][] = [
      [4, 1, 12, 8, 1],
      [2, 2, 8, 16, 2],
      [3, 3, 6, 10, 1],
    ];
    for (const [batch, channels, size, outChannels, groups] of cases) {
      const g = {
        batch,
        channels,
        height: size,
        width: size,
        kernel: [3, 3],
        stride: [1, 1],
        padding: [1, 1],
        dilation: [1, 1],
        outHeight: size,
        outWidth: size,
      } as const;
      const c: ConvShape = { g, groups, outChannels };
      const x = denseF32(rng, [batch, channels, size, size]);
      const dy = denseF32(rng, [batch, outChannels, size, size]);
      const dw = wasm.conv2dWeightGrad(x, dy, c, 'float32');
      expectNear(dw, cpu.conv2dWeightGrad(x, dy, c, 'float32'), `weight grad ${JSON.stringify(c)}`);
    }
  });

  it('has differentiable gradients under createGraph (second order by central differences)', () => {
    const x = randn([2, 4, 5, 6], { dtype: 'float64' });
    const w = randn([6, 2, 3, 2], { dtype: 'float64' });
    const up = randn([2, 6, 5, 4], { dtype: 'float64' });
    const options = { stride: [1, 2] as const, padding: 1, groups: 2 };
    const gradsOf = (a: Tensor, b: Tensor) =>
      grad((p: Tensor, q: Tensor) => conv2d(p, q, null, options).mul(up).sum(), { argnums: [0, 1] })(a, b);
    // sum(dx²) + sum(dw²) depends on x through dw and on w through dx: both second-order paths.
    expect(
      gradcheck(
        (a, b) => {
          const [dx, dw] = gradsOf(a, b);
          return dx!.square().sum().add(dw!.square().sum());
        },
        [x.requiresGrad_(), w.requiresGrad_()],
      ),
    ).toBe(true);
  });
});
