/**
 * Lesson 004's vanishing gradients: per-layer gradient norms in a 10-layer sigmoid network and a
 * 10-layer ReLU network, read with hooks.
 *
 *   npx --yes pnpm@9.15.9 example vanishing-gradients [--quick] [--out out/vanishing-gradients] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatTable, runVanishingGradients } from './run.js';

runMain(
  'vanishing-gradients',
  'Per-layer gradient norms of 10-layer sigmoid and ReLU networks (lesson 004).',
  async (options) => {
    const [sigmoid, relu] = await runVanishingGradients(options);
    console.log(`\n${formatTable([sigmoid!, relu!])}\n`);
    console.log(`chart: ${options.out}/vanishing-gradients.svg (and .png)`);
    const ok = sigmoid!.ratio < 1e-2 && relu!.ratio > 0.1;
    console.log(
      ok
        ? `\nthe gradient vanishes through sigmoids (layer 1 gets ${sigmoid!.ratio.toExponential(1)} of layer 10's) and not through ReLUs (${relu!.ratio.toFixed(2)})`
        : '\nLESSON FAILED: expected first/last < 1e-2 for sigmoid and > 0.1 for ReLU',
    );
    return ok;
  },
);
