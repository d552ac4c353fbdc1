// When wasm memory cannot be had, the wasm backend's optimizer steps hand the parameter (or what is
// left of it past the chunks already done) to the cpu kernel. The parameters are Tensors, whose
// `storage` is a getter on the prototype: the views of the rest must carry it over. In a file of
// its own, so that the kept wasm memory starts small and must grow for the step.
import { Tensor } from '@backprop/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AdamStep, SgdStep, StridedView } from '../src/backend/backend.js';
import { cpuBackend as cpu } from '../src/backend/cpu/index.js';
import { wasmBackend as wasm } from '../src/backend/wasm/index.js';
import { expectSame, seeded } from './seeded.js';

const n = (1 << 20) + 5; // past one chunk of the wasm step

// A cpu Tensor is the view the optimizers hand their backend (its storage narrowed to a typed array).
function on(values: Float32Array): Tensor & StridedView {
  return new Tensor(values, [values.length]) as Tensor & StridedView;
}

function filled(rng: () => number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng() * 2 - 1;
  return a;
}

describe('wasm optimizer steps without wasm memory', () => {
  afterEach(() => vi.restoreAllMocks());

  it("run on the cpu kernel with the cpu kernel's bits (SGD with momentum, then Adam)", () => {
    const rng = seeded(41);
    const [param, grad] = [filled(rng), filled(rng)];
    // A small step first, so that the kept memory exists (at its smallest) and the big one must grow it.
    const small = on(new Float32Array(4096).fill(1));
    wasm.sgdStep(small, on(new Float32Array(4096).fill(1)), null, sgdOptions(true));
    const grow = vi.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(() => {
      throw new RangeError('test: no more wasm memory');
    });

    const mine = on(param.slice());
    const theirs = on(param.slice());
    const [myBuf, theirBuf] = [on(new Float32Array(n)), on(new Float32Array(n))];
    for (const first of [true, false]) {
      wasm.sgdStep(mine, on(grad), myBuf, sgdOptions(first));
      cpu.sgdStep(theirs, on(grad), theirBuf, sgdOptions(first));
    }
    expect(grow).toHaveBeenCalled();
    expectSame(mine.storage, theirs.storage, 'sgd param');
    expectSame(myBuf.storage, theirBuf.storage, 'sgd momentum buffer');
    expect(mine.storage).not.toEqual(param);

    const moments = () => ({
      expAvg: on(new Float32Array(n)),
      expAvgSq: on(new Float32Array(n)),
      maxExpAvgSq: null,
    });
    const [mm, tm] = [moments(), moments()];
    const adam: AdamStep = {
      stepSize: 1e-3 / (1 - 0.9),
      bc2Sqrt: Math.sqrt(1 - 0.999),
      beta1: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      weightDecay: 0.01,
      decoupled: true,
      decay: 1 - 1e-3 * 0.01,
      maximize: false,
    };
    wasm.adamStep(mine, on(grad), mm, adam);
    cpu.adamStep(theirs, on(grad), tm, adam);
    expectSame(mine.storage, theirs.storage, 'adam param');
    expectSame(
      mm.expAvgSq.storage as Float32Array,
      tm.expAvgSq.storage as Float32Array,
      'adam second moment',
    );
  });
});

function sgdOptions(first: boolean): SgdStep {
  return {
    lr: 0.05,
    momentum: 0.9,
    dampening: 0,
    nesterov: false,
    weightDecay: 5e-4,
    maximize: false,
    first,
  };
}
