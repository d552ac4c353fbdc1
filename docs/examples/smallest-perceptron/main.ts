/**
 * Lesson 003's world's smallest perceptron, y = w·x, trained by w ← w + η(y − ŷ)x to the
 * least-squares weight 1.0047.
 *
 *   npx --yes pnpm@9.15.9 example smallest-perceptron [--quick] [--out out/smallest-perceptron]
 */
import { runMain } from '../shared/cli.js';
import { formatReport, runSmallestPerceptron } from './run.js';

runMain('smallest-perceptron', "Lesson 003's world's smallest perceptron: w → 1.0047.", async (options) => {
  const r = await runSmallestPerceptron(options);
  console.log(formatReport(r));
  console.log(`\nw by epoch: ${r.files.join(', ')}`);
  const [, stepped, batch] = r.runs.map((run) => run.w.at(-1)!);
  const ok =
    [stepped!, batch!].every((w) => Math.abs(w - r.target) < 5e-5) && r.target.toFixed(4) === '1.0047';
  console.log(ok ? '\nw → 1.0047, as the lesson says' : '\nLESSON FAILED: w did not reach 1.0047');
  return ok;
});
