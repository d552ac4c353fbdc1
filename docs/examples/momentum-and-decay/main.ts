/**
 * Lesson 004's momentum, weight decay and learning-rate decay in steps, on one problem, with the
 * curves on one chart.
 *
 *   npx --yes pnpm@9.15.9 example momentum-and-decay [--quick] [--out out/momentum-and-decay] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { compareMomentum } from './momentum.js';
import { formatReport, MU, runMomentumAndDecay, tailMean } from './run.js';

runMain(
  'momentum-and-decay',
  "Lesson 004's momentum, weight decay and step decay compared.",
  async (options) => {
    const check = compareMomentum(MU, 0.1, 5);
    const gap = Math.max(...check.lesson.map((v, i) => Math.abs(v - check.sgd[i]!)));
    console.log(
      `SGD({ momentum: ${1 - MU}, dampening: ${1 - MU} }) follows the lesson's p ← ${MU}·g + ${1 - MU}·p (gap ${gap.toExponential(1)} over 5 steps)\n`,
    );
    const r = await runMomentumAndDecay(options);
    console.log(formatReport(r));
    console.log(`\ncurves: ${r.files.join(', ')}`);
    const [plain, momentum, decay, step, , small] = r.runs;
    const ok =
      gap < 1e-12 &&
      plain!.loss[0]! < small!.loss[0]! &&
      tailMean(momentum!.loss) < tailMean(plain!.loss) &&
      tailMean(step!.loss) < tailMean(plain!.loss) &&
      tailMean(decay!.norm) < tailMean(plain!.norm) &&
      momentum!.meanStep < plain!.meanStep;
    console.log(
      ok
        ? '\nas the lesson predicts: a large lr starts faster than a small one, then bounces; momentum and\n' +
            'step decay end lower than plain SGD; weight decay keeps ‖w‖ smaller'
        : '\nLESSON FAILED: see the table above',
    );
    return ok;
  },
);
