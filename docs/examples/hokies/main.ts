/**
 * Lesson 000's Hokies placards: a network learns which placard correlates with a pass, fails the
 * conflicting table with one layer and learns it with a hidden one; and the lesson's three input
 * scalings compared.
 *
 *   npx --yes pnpm@9.15.9 example hokies [--quick] [--out out/hokies] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatReport } from './report.js';
import { runHokies } from './run.js';

runMain(
  'hokies',
  "Lesson 000's Hokies placards: correlation, conflicting pressure, input scaling.",
  async (options) => {
    const r = await runHokies(options);
    console.log(formatReport(r));
    console.log(`\nloss curves: ${r.files.join(', ')}`);
    const [w1, w2, w3] = r.weights as [number, number, number];
    const [, half, ten, tenSmall] = r.scalings;
    const ok =
      w2 > Math.abs(w1) + 0.5 &&
      w2 > Math.abs(w3) + 0.5 &&
      r.conflicting.oneLayer.correct <= 3 &&
      r.conflicting.hidden.correct === 4 &&
      ten!.diverged &&
      Math.abs(tenSmall!.loss - half!.loss) < 1e-3;
    console.log(
      ok
        ? '\nthe lesson holds: image 2 takes the weight, one layer fails the conflicting table and a hidden layer learns it'
        : '\nLESSON FAILED: see the numbers above',
    );
    return ok;
  },
);
