/**
 * Lesson 003's maximum-margin classifier: hinge loss plus weight decay on seeded separable points,
 * printing the margin 2/‖w‖ and drawing the line with its two margin lines.
 *
 *   npx --yes pnpm@9.15.9 example svm [--quick] [--out out/svm] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatReport, runSvm } from './run.js';

runMain(
  'svm',
  "Lesson 003's linear SVM: hinge loss + weight decay finds the maximum margin.",
  async (options) => {
    const r = await runSvm(options);
    console.log(formatReport(r));
    console.log(`\npicture: ${r.files.join(', ')}`);
    const ok = r.correct === r.points && Math.abs(r.margin - r.maxMargin) < 0.01 * r.maxMargin;
    console.log(
      ok
        ? '\nevery point classified, and 2/‖w‖ within 1% of the maximum margin'
        : '\nLESSON FAILED: expected every point classified and 2/‖w‖ within 1% of the maximum margin',
    );
    return ok;
  },
);
