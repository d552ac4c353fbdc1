/**
 * Lesson 004's hyper-parameters: training and validation curves parting, weight decay chosen on
 * the validation set, and the test set read once for the chosen value.
 *
 *   npx --yes pnpm@9.15.9 example overfitting [--quick] [--out out/overfitting] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatReport, runOverfitting } from './run.js';

runMain(
  'overfitting',
  'Overfitting, and choosing weight decay on validation, not test (lesson 004).',
  async (options) => {
    const r = await runOverfitting(options);
    console.log(`\n${formatReport(r)}\n`);
    console.log(
      `pictures: ${options.out}/overfitting-curves.svg, ${options.out}/overfitting-boundaries.svg (and .png)`,
    );
    const none = r.candidates[0]!;
    const parted = none.valLoss - none.trainLoss > 0.5;
    const ok = parted && r.testReads === 1 && r.chosen !== 0;
    console.log(
      ok
        ? `\nwithout weight decay the curves part (train ${none.trainLoss.toFixed(3)}, validation ${none.valLoss.toFixed(3)}); validation chose ${r.chosen}`
        : '\nLESSON FAILED: expected the curves to part without weight decay and validation to choose some decay',
    );
    return ok;
  },
);
