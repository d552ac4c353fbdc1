// NaN on the webgpu device behaves as on the cpu (PyTorch's rules): shader compilers may assume no
// NaN and fold `v != v` to false (SwiftShader does), which once made max() skip a NaN and ne(x, x)
// say false; the kernels now test NaN by its bits.
import { amax, argmax, maximum, maxPool2d, minimum, sort, type Tensor, tensor } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from './webgpu-setup.js';

const NAN = Number.NaN;
const x = () =>
  tensor([
    [1, NAN, 3, -2],
    [4, 5, NAN, 0],
  ]);
const y = () =>
  tensor([
    [2, 2, NAN, -3],
    [4, 1, 1, NAN],
  ]);

const CASES: [string, (a: Tensor, b: Tensor) => Tensor][] = [
  ['max of all', (a) => a.max()],
  ['max along a dim', (a) => a.max(1)],
  ['min along a dim (long: the tree reduction)', (a) => a.repeat([1, 40]).min(1)],
  ['amax over a list of dims', (a) => amax(a, [0, 1])],
  ['argmax', (a) => argmax(a, 1)],
  ['maximum', (a, b) => maximum(a, b)],
  ['minimum', (a, b) => minimum(a, b)],
  ['eq', (a, b) => a.eq(b)],
  ['ne of a tensor with itself', (a) => a.ne(a)],
  ['lt', (a, b) => a.lt(b)],
  ['ge', (a, b) => a.ge(b)],
  ['sort puts NaN last', (a) => sort(a, 1).values],
  ['maxPool2d', (a) => maxPool2d(a.reshape([1, 1, 2, 4]), 2)],
  ["relu's gradient passes dy where x is NaN", (a, b) => reluGradient(a, b)],
];

/** x.relu()'s gradient for the upstream gradient dy, on dy's device. */
function reluGradient(x: Tensor, dy: Tensor): Tensor {
  const leaf = x.detach().requiresGrad_();
  leaf.relu().backward(dy);
  return leaf.grad!;
}

describe('NaN on webgpu matches the cpu', () => {
  beforeAll(startWebGPU, 60_000);

  it.each(CASES)('%s', async (_, op) => {
    const onCpu = op(x(), y());
    const onGpu = op(x().to('webgpu'), y().to('webgpu'));
    expect(onGpu.dtype).toBe(onCpu.dtype);
    expect(Array.from(await onGpu.dataAsync())).toEqual(Array.from(onCpu.data()));
  });
});
