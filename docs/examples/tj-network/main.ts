/**
 * Lesson 002's one-iteration walk-through: every node's value, every weight's gradient (by autograd
 * and by the lesson's chain rule) and its update, and the computation graph drawn to graph.svg.
 *
 *   npx --yes pnpm@9.15.9 example tj-network [--out out/tj-network]
 */
import { runMain } from '../shared/cli.js';
import { formatReport, runTjNetwork } from './run.js';

runMain(
  'tj-network',
  "Lesson 002's network, one forward pass, backward pass and update.",
  async (options) => {
    const r = await runTjNetwork(options);
    console.log(formatReport(r));
    console.log(`\ncomputation graph: ${r.files.join(', ')}`);
    const ok =
      Math.abs(r.updated.W36 - -2.2) < 1e-12 &&
      Math.abs(r.updated.W13 - -0.2) < 1e-12 &&
      Object.keys(r.gradients).every(
        (n) => r.gradients[n as keyof typeof r.gradients] === r.handGradients[n as keyof typeof r.gradients],
      );
    console.log(
      ok
        ? "\nthe lesson's numbers hold: W36 → −2.2, W13 → −0.2, and autograd agrees with the chain rule"
        : '\nLESSON FAILED: expected W36 → −2.2 and W13 → −0.2 with autograd equal to the chain rule',
    );
    return ok;
  },
);
