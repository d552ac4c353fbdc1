// The kernel families that replaced loops in ops, nn, optim and data: bias epilogue, max pooling,
// cross-entropy rows, batch gathering and the fused optimizer updates. Each is checked against a
// naive reference on random strided inputs (see kernels.test.ts for the element kernels).
import { describe, expect, it } from 'vitest';
import type { StridedView, WindowGeometry } from '../src/backend/backend.js';
import { cpuBackend as cpu } from '../src/backend/cpu/index.js';
import { wasmBackend as wasm } from '../src/backend/wasm/index.js';
import { allocate, type DType } from '../src/dtype.js';
import { expectSame, int, pick, type Rng, seeded } from './seeded.js';
import { eachWindow, indices, randomGeometry, randomValue, randomView, read } from './strided-views.js';

const FLOATS: DType[] = ['float32', 'float64'];

function dense(values: ArrayLike<number>, shape: number[], dtype: DType, offset = 0): StridedView {
  const storage = allocate(dtype, offset + values.length);
  for (let i = 0; i < values.length; i++) storage[offset + i] = values[i]!;
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((n, s) => n * s, 1));
  return { storage, shape, strides, offset };
}

/** The windows of 2x2 max pooling at stride 2 over NCHW images of this size. */
function twoByTwo(batch: number, channels: number, height: number, width: number): WindowGeometry {
  const [kernel, stride, padding, dilation] = [
    [2, 2],
    [2, 2],
    [0, 0],
    [1, 1],
  ] as const;
  return {
    batch,
    channels,
    height,
    width,
    kernel,
    stride,
    padding,
    dilation,
    outHeight: height >> 1,
    outWidth: width >> 1,
  };
}

describe('matmul bias epilogue', () => {
  it('adds a strided bias to every row, rounded once as an add kernel would, on both backends', () => {
    const rng = seeded(21);
    for (let trial = 0; trial < 60; trial++) {
      const dtype = pick(rng, FLOATS);
      const [m, k, n] = [int(rng, 0, 9), int(rng, 1, 40), int(rng, 0, 40)];
      const a = randomView(rng, [m, k], dtype);
      const b = randomView(rng, [k, n], dtype);
      const bias = randomView(rng, [n], pick(rng, FLOATS));
      for (const backend of [cpu, wasm]) {
        const product = backend.matmul(a, b, dtype);
        const expected = allocate(dtype, m * n);
        for (let i = 0; i < m * n; i++) expected[i] = product[i]! + read(bias, [i % n]);
        expectSame(backend.matmul(a, b, dtype, bias), expected, `${backend.name} matmul+bias ${m}x${k}x${n}`);
      }
    }
  });
});

describe('maxPool', () => {
  // PyTorch's max_pool2d loop: the first in-bounds tap, then each tap greater than the best or NaN.
  function reference(x: StridedView, g: WindowGeometry): [number[], number[]] {
    const l = g.outHeight * g.outWidth;
    const best = new Array<number>(g.batch * g.channels * l).fill(Number.NEGATIVE_INFINITY);
    const at = new Array<number>(best.length).fill(-1);
    eachWindow(g, (col, n, c, y, xx) => {
      if (y < 0 || y >= g.height || xx < 0 || xx >= g.width) return;
      const o = (n * g.channels + c) * l + (col % l);
      const flat = ((n * g.channels + c) * g.height + y) * g.width + xx;
      const v = read(x, [n, c, y, xx]);
      if (at[o] === -1) [best[o], at[o]] = [v, flat];
      if (v > best[o]! || Number.isNaN(v)) [best[o], at[o]] = [v, flat];
    });
    return [best, at];
  }

  function check(x: StridedView, g: WindowGeometry, dtype: DType, what: string): number {
    const [best, at] = reference(x, g);
    for (const backend of [cpu, wasm]) {
      const withIndices = backend.maxPool(x, g, true);
      expectSame(
        withIndices.values,
        allocate(dtype, best.length).map((_, i) => best[i]!),
        `${backend.name} ${what}`,
      );
      expectSame(withIndices.indices!, at, `${backend.name} indices ${what}`);
      const valuesOnly = backend.maxPool(x, g, false);
      expect(valuesOnly.indices).toBeNull();
      expectSame(valuesOnly.values, withIndices.values, `${backend.name} values only ${what}`);
    }
    return best.filter((b) => b === 1 || Number.isNaN(b)).length;
  }

  it("keeps each window's first maximum (last NaN) and its value, for any geometry, dilation and layout", () => {
    const rng = seeded(22);
    let windowsWithTies = 0;
    for (let trial = 0; trial < 400; trial++) {
      const g = randomGeometry(rng);
      if (2 * g.padding[0] > g.kernel[0] || 2 * g.padding[1] > g.kernel[1]) continue;
      const dtype = pick(rng, FLOATS);
      const x = randomView(rng, [g.batch, g.channels, g.height, g.width], dtype, true);
      windowsWithTies += check(x, g, dtype, JSON.stringify(g));
    }
    // The special values (ties at 1, NaN) did reach the rule that picks among equal maxima.
    expect(windowsWithTies).toBeGreaterThan(100);
  });

  // 2x2 windows at stride 2 (wasm's vector kernel: four windows of a row at a time, the row's last
  // four again where fewer are left, one at a time in rows of fewer than four) on odd and even
  // sizes, with rows of fewer, exactly and more than four windows.
  const randomTwoByTwo = (rng: Rng): WindowGeometry =>
    twoByTwo(int(rng, 1, 2), int(rng, 1, 3), int(rng, 2, 9), int(rng, 2, 21));

  it('runs dense float32 inputs in WebAssembly with the same values and indices', () => {
    const rng = seeded(23);
    for (let trial = 0; trial < 120; trial++) {
      const small = trial % 2 === 0 ? randomTwoByTwo(rng) : randomGeometry(rng);
      if (2 * small.padding[0] > small.kernel[0] || 2 * small.padding[1] > small.kernel[1]) continue;
      // Enough images that the input passes wasm's size threshold (512 elements).
      const plane = small.channels * small.height * small.width;
      const g = { ...small, batch: Math.ceil(600 / plane) };
      const shape = [g.batch, g.channels, g.height, g.width];
      const values = randomView(rng, [shape.reduce((n, d) => n * d, 1)], 'float32', true);
      const x = dense(
        Array.from({ length: values.shape[0]! }, (_, i) => read(values, [i])),
        shape,
        'float32',
        int(rng, 0, 3),
      );
      check(x, g, 'float32', `dense ${JSON.stringify(g)}`);
    }
  });
});

describe('maxPool past one call', () => {
  it('runs 2x2 pooling of an input larger than the kept memory a few images per call, indices counted from the whole input', () => {
    const rng = seeded(24);
    // 7 images of 3 x 600 x 601: five fit one call (8M floats with the outputs), so two calls.
    const [batch, channels, height, width] = [7, 3, 600, 601];
    const g = twoByTwo(batch, channels, height, width);
    const values = Array.from({ length: batch * channels * height * width }, () =>
      randomValue(rng, 'float32', true),
    );
    const x = dense(values, [batch, channels, height, width], 'float32', 1);
    const [a, b] = [wasm.maxPool(x, g, true), cpu.maxPool(x, g, true)];
    expectSame(a.values, b.values, 'values');
    expectSame(a.indices!, b.indices!, 'indices');
  });
});

describe('crossEntropy rows', () => {
  // The composed ops' values: logsumexp shifted by the row max (0 when infinite), softmax likewise.
  function logSumExp(row: number[]): number {
    const m = row.reduce((a, b) => (b > a || Number.isNaN(b) ? b : a), Number.NEGATIVE_INFINITY);
    const shift = Number.isFinite(m) ? m : 0;
    return shift + Math.log(row.reduce((s, v) => s + Math.exp(v - shift), 0));
  }

  it('gives logsumexp(x) - x[target] and (softmax - onehot) * dy per row, special values included', () => {
    const rng = seeded(23);
    for (let trial = 0; trial < 200; trial++) {
      const dtype = pick(rng, FLOATS);
      const [n, c] = [int(rng, 0, 6), int(rng, 1, 7)];
      const x = randomView(rng, [n, c], dtype, rng() < 0.3);
      const target = dense(
        Array.from({ length: n }, () => int(rng, 0, c - 1)),
        [n],
        'int32',
        int(rng, 0, 2),
      );
      const dy = randomView(rng, [n], dtype);
      const loss = allocate(dtype, n);
      const grad = allocate(dtype, n * c);
      for (let i = 0; i < n; i++) {
        const row = Array.from({ length: c }, (_, j) => read(x, [i, j]));
        const lse = logSumExp(row);
        const t = target.storage[target.offset + i]!;
        loss[i] = lse - row[t]!;
        for (let j = 0; j < c; j++)
          grad[i * c + j] = (Math.exp(row[j]! - lse) - (j === t ? 1 : 0)) * read(dy, [i]);
      }
      expectSame(cpu.crossEntropy(x, target, dtype), loss, `crossEntropy [${n}, ${c}]`);
      expectSame(cpu.crossEntropyGrad(x, target, dy, dtype), grad, `crossEntropyGrad [${n}, ${c}]`);
    }
  });
});

describe('indexSelect', () => {
  it('copies the named slices along any dim, repeats included, from any layout', () => {
    const rng = seeded(24);
    for (let trial = 0; trial < 300; trial++) {
      const dtype = pick(rng, ['float32', 'float64', 'int32'] as DType[]);
      const shape = Array.from({ length: int(rng, 1, 4) }, () => int(rng, 1, 5));
      const dim = int(rng, 0, shape.length - 1);
      const x = randomView(rng, shape, dtype);
      const picks = Array.from({ length: int(rng, 0, 6) }, () => int(rng, 0, shape[dim]! - 1));
      const index = dense(picks, [picks.length], 'int32', int(rng, 0, 2));
      const outShape = shape.map((s, d) => (d === dim ? picks.length : s));
      const expected = allocate(
        dtype,
        outShape.reduce((a, b) => a * b, 1),
      );
      let o = 0;
      for (const idx of indices(outShape)) {
        expected[o++] = read(
          x,
          idx.map((v, d) => (d === dim ? picks[v]! : v)),
        );
      }
      expectSame(
        cpu.indexSelect(x, dim, index, dtype),
        expected,
        `indexSelect ${JSON.stringify(shape)} dim ${dim}`,
      );
    }
  });

  it('refuses an index out of range, naming the op, the index and the dim', () => {
    const x = dense([1, 2, 3, 4], [2, 2], 'float32');
    expect(() => cpu.indexSelect(x, 0, dense([0, 2], [2], 'int32'), 'float32')).toThrow(
      'indexSelect: index 2 is out of bounds for dim 0 of size 2',
    );
  });
});

describe('scatterAdd into a flat output', () => {
  it('adds every source element at its index (repeats add up) from dense and strided views alike', () => {
    const rng = seeded(26);
    for (let trial = 0; trial < 100; trial++) {
      const dtype = pick(rng, FLOATS);
      const [n, size] = [int(rng, 0, 12), int(rng, 1, 6)];
      const src = randomView(rng, [n], dtype);
      const index = dense(
        Array.from({ length: n }, () => int(rng, 0, size - 1)),
        [n],
        'int32',
        int(rng, 0, 2),
      );
      const expected = allocate(dtype, size);
      for (let i = 0; i < n; i++) expected[index.storage[index.offset + i]!]! += read(src, [i]);
      expectSame(cpu.scatterAdd(src, 0, index, [size], dtype), expected, `scatterAdd [${n}] into [${size}]`);
    }
    const src = dense([1, 2], [2], 'float32');
    expect(() => cpu.scatterAdd(src, 0, dense([0, 3], [2], 'int32'), [3], 'float32')).toThrow(
      'scatterAdd: index 3 is out of bounds for dim 0 of size 3',
    );
  });
});

describe('plain SGD in wasm', () => {
  it("gives the cpu kernel's bits at any offset, maximizing or not, and writes only its window", () => {
    const rng = seeded(26);
    for (const [n, maximize] of [
      [4099, false],
      [70001, true],
    ] as const) {
      const param = Array.from({ length: n }, () => randomValue(rng, 'float32', true));
      const grad = Array.from({ length: n }, () => randomValue(rng, 'float32', true));
      const o = {
        lr: 0.037,
        momentum: 0,
        dampening: 0,
        nesterov: false,
        weightDecay: 0,
        maximize,
        first: true,
      };
      const [pw, pc] = [dense(param, [n], 'float32', 3), dense(param, [n], 'float32', 3)];
      pw.storage.fill(7, 0, 3);
      pc.storage.fill(7, 0, 3);
      wasm.sgdStep(pw, dense(grad, [n], 'float32', 1), null, o);
      cpu.sgdStep(pc, dense(grad, [n], 'float32'), null, o);
      expectSame(pw.storage, pc.storage, `sgd n=${n}`);
      expect(Array.from(pw.storage.subarray(0, 3))).toEqual([7, 7, 7]);
      // It did step: most elements moved (not those whose gradient is 0 or whose value is infinite).
      const moved = param.filter((v, i) => !Object.is(Math.fround(v), pw.storage[3 + i])).length;
      expect(moved).toBeGreaterThan(n / 2);
    }
  });
});

describe('SGD with momentum, Nesterov, weight decay or maximize in wasm', () => {
  it("gives the cpu kernel's bits, parameter and buffer, over two steps of every combination", () => {
    const rng = seeded(27);
    const n = 4099; // odd: the last element takes the one-lane path
    const draw = () => Array.from({ length: n }, () => randomValue(rng, 'float32', true));
    let checked = 0;
    for (const momentum of [0, 0.9])
      for (const nesterov of momentum === 0 ? [false] : [false, true])
        for (const dampening of momentum === 0 ? [0] : [0, 0.25])
          for (const weightDecay of [0, 5e-4])
            for (const maximize of [false, true]) {
              if (momentum === 0 && weightDecay === 0) continue; // plain SGD: the test above
              const [param, grad1, grad2] = [draw(), draw(), draw()];
              const views = () => ({
                p: dense(param, [n], 'float32', 3),
                b: momentum === 0 ? null : dense(new Array<number>(n).fill(0), [n], 'float32', 2),
              });
              const [w, c] = [views(), views()];
              w.p.storage.fill(7, 0, 3);
              for (const [step, grad] of [grad1, grad2].entries()) {
                const o = {
                  lr: 0.037,
                  momentum,
                  dampening,
                  nesterov,
                  weightDecay,
                  maximize,
                  first: step === 0,
                };
                wasm.sgdStep(w.p, dense(grad, [n], 'float32', 1), w.b, o);
                cpu.sgdStep(c.p, dense(grad, [n], 'float32'), c.b, o);
              }
              const what = `momentum ${momentum} nesterov ${nesterov} dampening ${dampening} wd ${weightDecay} maximize ${maximize}`;
              expectSame(w.p.storage.subarray(3), c.p.storage.subarray(3), `sgd param, ${what}`);
              if (w.b && c.b)
                expectSame(w.b.storage.subarray(2), c.b.storage.subarray(2), `sgd buffer, ${what}`);
              expect(Array.from(w.p.storage.subarray(0, 3))).toEqual([7, 7, 7]);
              const moved = param.filter((v, i) => !Object.is(Math.fround(v), w.p.storage[3 + i])).length;
              expect(moved).toBeGreaterThan(n / 2);
              checked++;
            }
    expect(checked).toBe(2 + 2 * 2 * 2 * 2);
  });
});

describe('Adam, AdamW and AMSGrad in wasm', () => {
  it("gives the cpu kernel's bits, parameter and every moment, over two steps of every combination", () => {
    const rng = seeded(28);
    const n = 4099; // odd: the last element takes the one-lane path
    const draw = () => Array.from({ length: n }, () => randomValue(rng, 'float32', true));
    let checked = 0;
    for (const amsgrad of [false, true])
      for (const decoupled of [false, true])
        for (const weightDecay of [0, 0.01])
          for (const maximize of [false, true]) {
            const [param, grad1, grad2] = [draw(), draw(), draw()];
            const zeros = (offset: number) => dense(new Array<number>(n).fill(0), [n], 'float32', offset);
            const state = () => ({
              p: dense(param, [n], 'float32', 3),
              s: { expAvg: zeros(1), expAvgSq: zeros(2), maxExpAvgSq: amsgrad ? zeros(4) : null },
            });
            const [w, c] = [state(), state()];
            for (const [t, grad] of [grad1, grad2].entries()) {
              const lr = 0.001;
              const o = {
                stepSize: lr / (1 - 0.9 ** (t + 1)),
                bc2Sqrt: Math.sqrt(1 - 0.999 ** (t + 1)),
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                weightDecay,
                decoupled,
                decay: 1 - lr * weightDecay,
                maximize,
              };
              wasm.adamStep(w.p, dense(grad, [n], 'float32', 1), w.s, o);
              cpu.adamStep(c.p, dense(grad, [n], 'float32'), c.s, o);
            }
            const what = `amsgrad ${amsgrad} decoupled ${decoupled} wd ${weightDecay} maximize ${maximize}`;
            expectSame(w.p.storage, c.p.storage, `adam param, ${what}`);
            expectSame(w.s.expAvg.storage, c.s.expAvg.storage, `adam m, ${what}`);
            expectSame(w.s.expAvgSq.storage, c.s.expAvgSq.storage, `adam v, ${what}`);
            if (amsgrad) expectSame(w.s.maxExpAvgSq!.storage, c.s.maxExpAvgSq!.storage, `adam max, ${what}`);
            const moved = param.filter((v, i) => !Object.is(Math.fround(v), w.p.storage[3 + i])).length;
            expect(moved).toBeGreaterThan(n / 2);
            checked++;
          }
    expect(checked).toBe(16);
  });
});

describe('optimizer steps larger than one wasm call', () => {
  it("step a parameter of over 2^20 elements a chunk at a time, with the cpu kernel's bits", () => {
    const rng = seeded(29);
    const n = (1 << 20) * 2 + 5;
    const draw = () => Float32Array.from({ length: n }, () => rng() * 2 - 1);
    const [param, grad] = [draw(), draw()];
    const fresh = () => ({
      p: dense(param, [n], 'float32'),
      b: dense(new Float32Array(n), [n], 'float32'),
      m: dense(new Float32Array(n), [n], 'float32'),
      v: dense(new Float32Array(n), [n], 'float32'),
    });
    const [w, c] = [fresh(), fresh()];
    const g = dense(grad, [n], 'float32');
    const sgd = {
      lr: 0.1,
      momentum: 0.9,
      dampening: 0,
      nesterov: true,
      weightDecay: 1e-3,
      maximize: false,
      first: true,
    };
    wasm.sgdStep(w.p, g, w.b, sgd);
    cpu.sgdStep(c.p, g, c.b, sgd);
    const adam = {
      stepSize: 0.01,
      bc2Sqrt: Math.sqrt(0.001),
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0.01,
      decoupled: true,
      decay: 0.9999,
      maximize: false,
    };
    wasm.adamStep(w.p, g, { expAvg: w.m, expAvgSq: w.v, maxExpAvgSq: null }, adam);
    cpu.adamStep(c.p, g, { expAvg: c.m, expAvgSq: c.v, maxExpAvgSq: null }, adam);
    for (const k of ['p', 'b', 'm', 'v'] as const) expectSame(w[k].storage, c[k].storage, `chunked ${k}`);
    // The last chunk's elements moved too.
    expect(w.p.storage[n - 1]).not.toBe(param[n - 1]);
  });
});

describe('fused optimizer updates', () => {
  // Each kernel on views at an offset inside larger storage gives the same bits as on views at
  // offset 0, and writes nothing outside its window.
  function shifted(v: StridedView, by: number): StridedView {
    const storage = allocate(
      v.storage instanceof Float64Array ? 'float64' : 'float32',
      by + v.storage.length + 3,
    );
    storage.fill(7);
    storage.set(v.storage, by);
    return { ...v, storage, offset: by };
  }

  function values(rng: () => number, n: number, dtype: DType, positive = false): StridedView {
    return dense(
      Array.from({ length: n }, () =>
        positive ? Math.abs(randomValue(rng, dtype, false)) : randomValue(rng, dtype, false),
      ),
      [n],
      dtype,
    );
  }

  it('read and write their views at any offset, and only their views', () => {
    const rng = seeded(25);
    for (const dtype of FLOATS) {
      const n = 37;
      const runs: [string, (views: StridedView[]) => void, number][] = [
        [
          'sgd',
          ([p, g, b]) =>
            cpu.sgdStep(p!, g!, b!, {
              lr: 0.1,
              momentum: 0.9,
              dampening: 0.1,
              nesterov: false,
              weightDecay: 0.01,
              maximize: false,
              first: false,
            }),
          3,
        ],
        [
          'adam',
          ([p, g, m, v, x]) =>
            cpu.adamStep(
              p!,
              g!,
              { expAvg: m!, expAvgSq: v!, maxExpAvgSq: x! },
              {
                stepSize: 0.01,
                bc2Sqrt: 0.3,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                weightDecay: 0.01,
                decoupled: true,
                decay: 0.999,
                maximize: false,
              },
            ),
          5,
        ],
        [
          'adagrad',
          ([p, g, s]) =>
            cpu.adagradStep(p!, g!, s!, { clr: 0.1, weightDecay: 0.01, eps: 1e-10, maximize: true }),
          3,
        ],
        [
          'rmsprop',
          ([p, g, sq, b, a]) =>
            cpu.rmspropStep(
              p!,
              g!,
              { squareAvg: sq!, momentumBuffer: b!, gradAvg: a! },
              {
                lr: 0.01,
                alpha: 0.99,
                eps: 1e-8,
                weightDecay: 0,
                momentum: 0.5,
                maximize: false,
              },
            ),
          5,
        ],
      ];
      for (const [name, run, count] of runs) {
        // State that stays valid: squares above the squared means, for centered RMSprop.
        const plain = Array.from({ length: count }, (_, i) => values(rng, n, dtype, i >= 2));
        const moved = plain.map((v, i) => shifted(v, i + 1));
        run(plain);
        run(moved);
        plain.forEach((v, i) => {
          const w = moved[i]!;
          expectSame(w.storage.subarray(w.offset, w.offset + n), v.storage, `${name} ${dtype} view ${i}`);
          expect(
            Array.from(w.storage.subarray(0, w.offset)).every((e) => e === 7),
            `${name} before`,
          ).toBe(true);
          expect(
            Array.from(w.storage.subarray(w.offset + n)).every((e) => e === 7),
            `${name} after`,
          ).toBe(true);
        });
      }
    }
  });
});
