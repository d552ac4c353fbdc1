// The WebAssembly unfold (im2col) and fold (col2im) against the cpu kernels, which they must equal
// bit for bit, over random geometries (kernel, stride, padding, dilation) large enough to run in
// wasm, with zero and -inf padding (convolution and max pooling), plus inputs left to the cpu.
import { describe, it } from 'vitest';
import type { StridedView, WindowGeometry } from '../src/backend/backend.js';
import { cpuBackend } from '../src/backend/cpu/index.js';
import { wasmBackend } from '../src/backend/wasm/index.js';
import { expectSame, int, pick, type Rng, seeded } from './seeded.js';

function randomGeometry(rng: Rng): WindowGeometry {
  const kernel = [int(rng, 1, 4), int(rng, 1, 4)] as const;
  const stride = rng() < 0.5 ? ([1, 1] as const) : ([int(rng, 1, 3), int(rng, 1, 3)] as const);
  const dilation = rng() < 0.7 ? ([1, 1] as const) : ([int(rng, 1, 2), int(rng, 1, 2)] as const);
  const padding = [int(rng, 0, 2), int(rng, 0, 2)] as const;
  const [height, width] = [int(rng, 1, 19), int(rng, 1, 23)];
  const out = (size: number, i: 0 | 1) =>
    Math.floor((size + 2 * padding[i] - dilation[i] * (kernel[i] - 1) - 1) / stride[i]) + 1;
  const [outHeight, outWidth] = [out(height, 0), out(width, 1)];
  const [batch, channels] = [int(rng, 1, 3), int(rng, 1, 4)];
  if (outHeight <= 0 || outWidth <= 0) return randomGeometry(rng);
  return { batch, channels, height, width, kernel, stride, padding, dilation, outHeight, outWidth };
}

function dense(rng: Rng, shape: number[], offset: number): StridedView {
  const size = shape.reduce((n, d) => n * d, 1);
  const storage = Float32Array.from({ length: offset + size }, () => (rng() - 0.5) * 8);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((n, d) => n * d, 1));
  return { storage, shape, strides, offset };
}

describe('wasm unfold and fold kernels', () => {
  it('unfold equals the cpu kernel for any geometry, with zero or -inf padding', () => {
    const rng = seeded(31);
    for (let trial = 0; trial < 150; trial++) {
      const g = randomGeometry(rng);
      const x = dense(rng, [g.batch, g.channels, g.height, g.width], int(rng, 0, 3));
      const pad = pick(rng, [0, Number.NEGATIVE_INFINITY]);
      const what = `unfold ${JSON.stringify(g)} pad ${pad}`;
      expectSame(wasmBackend.unfold(x, g, pad, 'float32'), cpuBackend.unfold(x, g, pad, 'float32'), what);
    }
  });

  it('fold equals the cpu kernel for any geometry (same sums in the same order)', () => {
    const rng = seeded(32);
    for (let trial = 0; trial < 150; trial++) {
      const g = randomGeometry(rng);
      const rows = g.channels * g.kernel[0] * g.kernel[1];
      const cols = dense(rng, [g.batch, rows, g.outHeight * g.outWidth], int(rng, 0, 3));
      expectSame(
        wasmBackend.fold(cols, g, 'float32'),
        cpuBackend.fold(cols, g, 'float32'),
        `fold ${JSON.stringify(g)}`,
      );
    }
  });

  it('leaves strided input and float64 to the cpu kernels, with the same results', () => {
    const rng = seeded(33);
    const g = randomGeometry(rng);
    const x = dense(rng, [g.batch, g.channels, g.width, g.height], 0);
    const transposed = {
      ...x,
      shape: [g.batch, g.channels, g.height, g.width],
      strides: [x.strides[0]!, x.strides[1]!, 1, g.height],
    };
    expectSame(
      wasmBackend.unfold(transposed, g, 0, 'float32'),
      cpuBackend.unfold(transposed, g, 0, 'float32'),
      'strided',
    );
    const x64 = { ...transposed, storage: Float64Array.from(x.storage) };
    expectSame(wasmBackend.unfold(x64, g, 0, 'float64'), cpuBackend.unfold(x64, g, 0, 'float64'), 'float64');
  });
});
