/**
 * The activation functions of lessons 001 and 003 with their derivatives, computed by autograd.
 *
 *   npx --yes pnpm@9.15.9 example activations [--quick] [--out out/activations]
 */
import { runMain } from '../shared/cli.js';
import { formatTable, runActivations } from './run.js';

runMain(
  'activations',
  'Activation functions and their derivatives, by autograd (lessons 001, 003).',
  async (options) => {
    const curves = await runActivations(options);
    console.log(
      `\nderivatives by autograd (grad of sum f(x) on a linspace of ${curves[0]!.xs.length} points in [-4, 4]):\n`,
    );
    console.log(formatTable(curves));
    console.log(`\nchart: ${options.out}/activations.svg (and .png)`);
    const worst = Math.max(...curves.map((c) => c.maxError));
    const ok = worst < 1e-9;
    console.log(
      ok
        ? `\nautograd agrees with every formula of the lesson (largest difference ${worst.toExponential(1)})`
        : `\nMISMATCH: autograd differs from a formula by ${worst}`,
    );
    return ok;
  },
);
