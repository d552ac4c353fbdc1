// The PyTorch fixture suite in float32 on the webgpu device (SwiftShader where there is no GPU):
// every op's forward and gradients through the WGSL kernels.
import { beforeAll, describe, it } from 'vitest';
import { checkOpOnWebGPU, F32, type FixtureCase, loadFixtures } from './fixture-check.js';
import { FUNCTIONS, isOp } from './fixture-ops.js';
import { startWebGPU } from './webgpu-setup.js';

const cases = loadFixtures('core-ops.json');
const named = (cs: FixtureCase[]) => cs.map((c) => [c.name, c] as const);

describe('PyTorch fixtures, float32 on webgpu', () => {
  beforeAll(startWebGPU, 60_000);

  it.each(named(cases))('%s', async (_, c) => {
    if (!isOp(c.op)) throw new Error(`no table entry for op ${c.op}`);
    await checkOpOnWebGPU(c, FUNCTIONS[c.op], F32);
  });
});
