// model.to(device): parameters, gradients and buffers move in place; the objects stay the same.
import { DeviceError, Generator, randn, tensor } from '@backprop/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { startWebGPU } from '../../core/test/webgpu-setup.js';
import { BatchNorm1d, Dropout, Linear, mseLoss, ReLU, Sequential } from '../src/index.js';

beforeAll(startWebGPU, 60_000);

describe('Module.to', () => {
  it('moves parameters, gradients and buffers to webgpu, keeping the Parameter objects', async () => {
    const g = new Generator(3);
    const model = new Sequential(
      new Linear(3, 4, { generator: g }),
      new BatchNorm1d(4),
      new ReLU(),
      new Linear(4, 1, { generator: g }),
    );
    const x = randn([8, 3], { generator: g });
    const expected = model.forward(x);
    mseLoss(expected, tensor([[0]]).expand([8, 1])).backward();
    const params = model.parameters();
    const grad0 = Array.from(params[0]!.grad!.data());
    const values0 = Array.from(params[0]!.data());
    expect(model.to('webgpu')).toBe(model);
    expect(model.parameters()).toEqual(params);
    expect(params.every((p) => p.device === 'webgpu' && p.grad?.device === 'webgpu')).toBe(true);
    expect(model.namedBuffers().map(([, b]) => b.device)).toEqual(['webgpu', 'webgpu', 'webgpu']);
    expect(Array.from(await params[0]!.dataAsync())).toEqual(values0);
    expect(Array.from(await params[0]!.grad!.dataAsync())).toEqual(grad0);
    // Train-mode forward on the GPU matches the cpu's (BatchNorm's batch statistics included).
    model.train();
    const out = model.forward(x.to('webgpu'));
    const got = await out.dataAsync();
    const want = expected.data();
    for (let i = 0; i < want.length; i++) expect(got[i]!).toBeCloseTo(want[i]!, 5);
    expect(model.to('webgpu')).toBe(model); // already there: nothing moves
  });

  it('loads a cpu state dict into a webgpu model, and refuses to move back synchronously', async () => {
    const source = new Linear(2, 2, { generator: new Generator(1) });
    const target = new Linear(2, 2, { generator: new Generator(2) }).to('webgpu');
    target.loadStateDict(source.stateDict());
    expect(Array.from(await target.weight.dataAsync())).toEqual(Array.from(source.weight.data()));
    expect(target.weight.device).toBe('webgpu');
    expect(() => target.to('cpu')).toThrow(DeviceError);
  });
});

describe('layers that draw random numbers', () => {
  it('Dropout draws its mask on the input device, the same numbers as on the cpu', async () => {
    const x = tensor([[1, 2, 3, 4, 5, 6, 7, 8]]);
    const cpu = new Dropout(0.5, { generator: new Generator(5) }).forward(x);
    const gpu = new Dropout(0.5, { generator: new Generator(5) }).forward(x.to('webgpu'));
    expect(gpu.device).toBe('webgpu');
    expect(Array.from(await gpu.dataAsync())).toEqual(Array.from(cpu.data()));
  });
});
