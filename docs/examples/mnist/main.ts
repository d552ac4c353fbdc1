/**
 * The main job: lesson 004's MNIST error table, the 1998 paper's rows trained again with backprop
 * on the full data (55,000 training, 5,000 validation and 10,000 test digits), each beside the
 * paper's figure. Prints the table and writes it, with curves, confusion matrices and the most
 * confidently misclassified digits, to out/.
 *
 *   npx --yes pnpm@9.15.9 start [--quick] [--seeds 3] [--model lenet5] [--dataset fashion-mnist] ... (--help for all)
 */

import { existsSync } from 'node:fs';
import { initWebGPU, webgpuAvailable } from '@backprop/core';
import { parseArgs, USAGE } from './options.js';
import { writeReport } from './report.js';
import { caption, formatTable, goalLines, runMnistTable } from './run.js';

// The machine's GPU first. Without one, Dawn (the npm package webgpu) can run on SwiftShader, which
// Debian's chromium ships: a CPU emulation, so the run says so.
async function startWebGPU(): Promise<void> {
  const swiftShader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  const env = process.env;
  if (env.VK_ICD_FILENAMES === undefined && existsSync(swiftShader) && !(await webgpuAvailable())) {
    env.VK_ICD_FILENAMES = swiftShader;
    console.log('webgpu: no GPU adapter found; running on SwiftShader, a CPU emulation of Vulkan (slow)');
  }
  await initWebGPU();
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options === null) {
    console.log(USAGE);
    return;
  }
  if (options.device === 'webgpu') await startWebGPU();
  const started = performance.now();
  const rows = await runMnistTable(options);
  const minutes = (performance.now() - started) / 60_000;
  await writeReport(rows, options);
  console.log(`\n${caption(options)}\n\n${formatTable(rows, options)}\n`);
  console.log(`total ${minutes.toFixed(1)} min; the table, curves and pictures are in ${options.out}/`);
  for (const line of goalLines(rows, options)) console.log(line);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
