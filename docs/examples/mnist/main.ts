/**
 * The main job: lesson 004's MNIST error table, the 1998 paper's rows trained again with backprop
 * on the full data (55,000 training, 5,000 validation and 10,000 test digits), each beside the
 * paper's figure. Prints the table and writes it, with curves, confusion matrices and the most
 * confidently misclassified digits, to out/.
 *
 *   pnpm start [--quick] [--seeds 3] [--model lenet5] [--dataset fashion-mnist] ... (--help for all)
 */

import { PAPER } from './models.js';
import { parseArgs, USAGE } from './options.js';
import { writeReport } from './report.js';
import { caption, formatTable, meanStd, runMnistTable } from './run.js';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options === null) {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  const rows = await runMnistTable(options);
  const minutes = (performance.now() - started) / 60_000;
  await writeReport(rows, options);
  console.log(`\n${caption(options)}\n\n${formatTable(rows, options)}\n`);
  console.log(`total ${minutes.toFixed(1)} min; the table, curves and pictures are in ${options.out}/`);
  if (options.dataset !== 'mnist' || options.quick) return;
  // The paper's least-squares row is reported as measured; every other row aims at its paper figure.
  for (const r of rows) {
    if (r.model === 'linear-mse') continue;
    const goal = r.model === 'linear' ? 0.08 : PAPER[r.model].error;
    const error = meanStd(r, (run) => run.testError).mean;
    const verdict = error <= goal ? 'at or below' : 'ABOVE';
    console.log(
      `${r.model}: test error ${(100 * error).toFixed(2)}% is ${verdict} its goal of ${(100 * goal).toFixed(2)}%`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
