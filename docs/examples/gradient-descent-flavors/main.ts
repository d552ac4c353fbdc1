/**
 * Lesson 000's gradient descent flavors: full batch, mini-batch and stochastic descent on one
 * problem, with their loss curves per epoch and per update on one chart.
 *
 *   npx --yes pnpm@9.15.9 example gradient-descent-flavors [--quick] [--out out/gradient-descent-flavors] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatReport, runFlavors } from './run.js';

runMain(
  'gradient-descent-flavors',
  'Full-batch, mini-batch and stochastic gradient descent compared.',
  async (options) => {
    const r = await runFlavors(options);
    console.log(formatReport(r));
    console.log(`\nloss curves: ${r.files.join(', ')}`);
    const [full, mini, sgd] = r.runs.map((run) => run.perEpoch[1]!) as [number, number, number];
    const ok = sgd < mini && mini < full;
    console.log(
      ok
        ? '\nper epoch, the more updates the faster: stochastic < mini-batch < full batch after one pass'
        : '\nLESSON FAILED: expected stochastic < mini-batch < full batch after one epoch',
    );
    return ok;
  },
);
