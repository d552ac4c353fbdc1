// The webgpu device (SwiftShader where there is no GPU): moving tensors, reading them back, and
// the errors for what a GPU tensor cannot do synchronously.
import {
  DeviceError,
  DTypeError,
  detectAnomaly,
  gradcheck,
  IndexError,
  initWebGPU,
  noGrad,
  setDefaultDevice,
  tensor,
  zeros,
} from '@backprop/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { gpuContext } from '../src/backend/webgpu/runtime.js';
import { startWebGPU } from './webgpu-setup.js';

beforeAll(startWebGPU, 60_000);
afterEach(() => setDefaultDevice('cpu'));

describe('moving and reading', () => {
  it('copies to the GPU and reads back every dtype it has, views included', async () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]).to('webgpu');
    expect(x.device).toBe('webgpu');
    expect(x.dtype).toBe('float32');
    expect(await x.toArrayAsync()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(await x.t().toArrayAsync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(Array.from(await x.slice(1, 1, 3).dataAsync())).toEqual([2, 3, 5, 6]);
    const i = tensor([7, -8], { dtype: 'int32', device: 'webgpu' });
    expect(i.dtype).toBe('int32');
    expect(await i.dataAsync()).toEqual(new Int32Array([7, -8]));
    expect(await x.sum().itemAsync()).toBe(21);
    // The async reads work on the cpu device too, so one script serves both.
    expect(await tensor([1.5]).itemAsync()).toBe(1.5);
  });

  it('refuses synchronous reads, naming the asynchronous alternative', () => {
    const x = tensor([1, 2]).to('webgpu');
    expect(() => x.data()).toThrow(DeviceError);
    expect(() => x.data()).toThrow('use await t.dataAsync()');
    expect(() => x.toArray()).toThrow('use await t.toArrayAsync()');
    expect(() => x.sum().item()).toThrow('use await t.itemAsync()');
    expect(() => x.to('cpu')).toThrow(/to\('cpu'\).*dataAsync/);
    // Printing one must not throw: it says what and where the tensor is.
    expect(String(x.requiresGrad_())).toBe('tensor(<shape [2] on webgpu>, requiresGrad=true)');
  });

  it('refuses operands on two devices, naming both', () => {
    const g = tensor([1, 2]).to('webgpu');
    expect(() => g.add(tensor([1, 2]))).toThrow(DeviceError);
    expect(() => g.add(tensor([1, 2]))).toThrow(
      'add: expected all tensors on one device, got webgpu and cpu',
    );
    expect(() => tensor([[1, 2]]).matmul(g.reshape([2, 1]))).toThrow(
      'matmul: expected all tensors on one device, got cpu and webgpu',
    );
  });

  it('refuses float64, which WGSL lacks, before allocating anything', () => {
    expect(() => tensor([1], { dtype: 'float64' }).to('webgpu')).toThrow(DTypeError);
    expect(() => zeros([2], { dtype: 'float64', device: 'webgpu' })).toThrow(
      /float64 is not available on the webgpu device/,
    );
    expect(() => tensor([1]).to('webgpu').to('float64')).toThrow(/to\('float64'\): float64 is not available/);
  });

  it('puts new tensors on the default device', async () => {
    setDefaultDevice('webgpu');
    const z = zeros([2, 2]);
    expect(z.device).toBe('webgpu');
    expect(await z.toArrayAsync()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(tensor([1], { device: 'cpu' }).device).toBe('cpu');
    expect(() => setDefaultDevice('gpu' as 'webgpu')).toThrow(
      "unknown device \"gpu\": use 'cpu' or 'webgpu'",
    );
  });
});

describe('gradients on the GPU', () => {
  it('backpropagates to webgpu leaves, accumulating across calls', async () => {
    const w = tensor([
      [1, 2],
      [3, 4],
    ])
      .to('webgpu')
      .requiresGrad_();
    w.mul(w).sum().backward();
    expect(w.grad?.device).toBe('webgpu');
    expect(await w.grad!.toArrayAsync()).toEqual([
      [2, 4],
      [6, 8],
    ]);
    w.sum().backward();
    expect(await w.grad!.toArrayAsync()).toEqual([
      [3, 5],
      [7, 9],
    ]);
  });

  it('says why a gradient cannot flow from webgpu back to a cpu leaf', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.to('webgpu').mul(2).sum();
    expect(() => y.backward()).toThrow(/cannot flow from webgpu back to a cpu tensor/);
  });

  it('keeps detectAnomaly and gradcheck on the cpu device, saying so', () => {
    const x = tensor([1, 2]).to('webgpu');
    expect(() => detectAnomaly(() => x.mul(2))).toThrow(/detectAnomaly runs on the cpu device only/);
    expect(() => gradcheck((a) => a.mul(2), [x])).toThrow(/gradcheck: runs on the cpu device only/);
  });
});

describe('in place', () => {
  it('copies host values into a GPU tensor, and refuses the other way', async () => {
    const g = zeros([3], { device: 'webgpu' });
    noGrad(() => g.copy_(tensor([1, 2, 3], { dtype: 'float64' })));
    expect(await g.toArrayAsync()).toEqual([1, 2, 3]);
    g.fill_(4);
    expect(await g.toArrayAsync()).toEqual([4, 4, 4]);
    expect(() => tensor([0, 0, 0]).copy_(g)).toThrow(
      /cannot copy a webgpu tensor into a cpu tensor synchronously/,
    );
    const i = zeros([2], { dtype: 'int32', device: 'webgpu' });
    i.fill_(-3);
    expect(await i.dataAsync()).toEqual(new Int32Array([-3, -3]));
  });

  it('set_ moves a tensor to another storage and keeps the object', async () => {
    const w = tensor([1, 2]).requiresGrad_();
    const before = w._version;
    noGrad(() => w.set_(w.detach().to('webgpu')));
    expect(w.device).toBe('webgpu');
    expect(w._version).toBe(before + 1);
    expect(await w.toArrayAsync()).toEqual([1, 2]);
    expect(() => w.set_(tensor([1, 2]).to('webgpu'))).toThrow(/leaf tensor that requires grad/);
    expect(() => noGrad(() => w.set_(tensor([1], { dtype: 'int32' })))).toThrow(DTypeError);
  });
});

describe('index faults', () => {
  it('reports an index out of range at the next read, as a device-side assert, then recovers', async () => {
    const x = tensor([10, 20, 30]).to('webgpu');
    const bad = tensor([0, 5], { dtype: 'int32' }).to('webgpu');
    const picked = x.indexSelect(0, bad);
    const error = await picked.dataAsync().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IndexError);
    expect(String(error)).toContain('indexSelect: index 5 is out of bounds for a dim of size 3');
    // The fault is reported once; valid work after it reads normally.
    expect(
      await x.indexSelect(0, tensor([2, 0], { dtype: 'int32', device: 'webgpu' })).toArrayAsync(),
    ).toEqual([30, 10]);
    const g = x.reshape([1, 3]).gather(1, tensor([[3]], { dtype: 'int32', device: 'webgpu' }));
    await expect(g.dataAsync()).rejects.toThrow('gather: index 3 is out of bounds for a dim of size 3');
  });
});

describe('kernel failures', () => {
  it('a kernel that fails to compile makes the next read throw instead of returning stale values', async () => {
    const ctx = gpuContext('test');
    const broken = ctx.pipeline('broken-for-test', () => 'this is not WGSL');
    ctx.dispatch(broken, [1], [], 1);
    await expect(tensor([1]).to('webgpu').dataAsync()).rejects.toThrow(/webgpu: a kernel failed.*not valid/);
    // Reported once: the device keeps working.
    expect(await tensor([2]).to('webgpu').mul(3).itemAsync()).toBe(6);
  });
});

describe("initWebGPU with the caller's adapter or device", () => {
  // Compiled against @webgpu/types (the npm webgpu package's): a real GPUAdapter and GPUDevice must
  // be accepted as they are typed, without a cast (they once were not: branded, overloaded types).
  it('takes a GPUAdapter, then a GPUDevice, and computes on each', async () => {
    const { create } = await import('webgpu');
    const gpu = create([]);
    const adapter = await gpu.requestAdapter();
    if (adapter === null) throw new Error('no adapter: see webgpu-setup.ts');
    await initWebGPU({ adapter });
    expect(await tensor([1, 2]).to('webgpu').mul(3).toArrayAsync()).toEqual([3, 6]);
    const device = await (await gpu.requestAdapter())!.requestDevice();
    await initWebGPU({ device });
    expect(gpuContext('test').device).toBe(device);
    expect(await tensor([1, 2]).to('webgpu').add(1).toArrayAsync()).toEqual([2, 3]);
  });
});
