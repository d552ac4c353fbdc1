// Starts the webgpu device for a test file. Machines without a GPU run it on SwiftShader (Vulkan on
// the CPU), which Debian's chromium package ships; the test command installs what it needs.
import { existsSync } from 'node:fs';
import { initWebGPU, webgpuAvailable } from '@backprop/core';

/** Where Debian's chromium package puts SwiftShader's Vulkan driver manifest. */
export const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Starts webgpu or fails naming what is missing (never a silent skip). */
export async function startWebGPU(): Promise<void> {
  const env = process.env;
  if (env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
  if (!(await webgpuAvailable())) {
    throw new Error(
      'webgpu tests need a WebGPU adapter: install the npm package webgpu (a dev dependency) and, without a GPU, ' +
        `SwiftShader (apt-get install chromium libvulkan1, giving ${SWIFTSHADER})`,
    );
  }
  await initWebGPU();
}
