// webgpuAvailable and initWebGPU ask a fresh Dawn instance after one found no adapter: Dawn
// enumerates adapters once per instance, so fixing the driver environment (here: pointing
// VK_ICD_FILENAMES at SwiftShader, as the main job does without a GPU) must not need a restart.
// Its own file: it starts with no device, and changes the environment of its own process only.
import { existsSync } from 'node:fs';
import { initWebGPU, tensor, webgpuAvailable } from '@backprop/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SWIFTSHADER } from './webgpu-setup.js';

const before = process.env.VK_ICD_FILENAMES;
afterAll(() => {
  if (before === undefined) delete process.env.VK_ICD_FILENAMES;
  else process.env.VK_ICD_FILENAMES = before;
});

describe('no adapter, then a driver', () => {
  it('finds the adapter once the environment names a driver, in the same process', async () => {
    expect(existsSync(SWIFTSHADER)).toBe(true); // the test command installs it (scripts/ensure-webgpu.sh)
    process.env.VK_ICD_FILENAMES = '/nonexistent/no_icd.json';
    expect(await webgpuAvailable()).toBe(false);
    await expect(initWebGPU()).rejects.toThrow(/found no GPU adapter/);
    process.env.VK_ICD_FILENAMES = SWIFTSHADER;
    expect(await webgpuAvailable()).toBe(true);
    await initWebGPU();
    expect(await tensor([1, 2]).to('webgpu').mul(2).toArrayAsync()).toEqual([2, 4]);
  }, 60_000);
});
