/**
 * The main job: lesson 004's MNIST error table on the 10,000 real digits of the `mnist` package,
 * reproduced (a linear classifier over pixels) and extended (an MLP and a small CNN), each trained
 * with backprop. Prints the table and writes loss/accuracy curves and confusion matrices to out/.
 *
 *   pnpm start [--quick] [--model cnn] [--epochs 3] ... (--help for all options)
 */

import { parseArgs, USAGE } from './options.js';
import { formatTable, runMnistTable } from './run.js';

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options === null) {
    console.log(USAGE);
    return;
  }
  const started = performance.now();
  const rows = await runMnistTable(options);
  const minutes = (performance.now() - started) / 60_000;
  console.log(`\n${formatTable(rows)}\n`);
  console.log(`total ${minutes.toFixed(1)} min; curves and confusion matrices in ${options.out}/`);
  const error = (name: string) => rows.find((r) => r.model === name)?.testError;
  const [linear, mlp, cnn] = [error('linear'), error('mlp'), error('cnn')];
  if (linear !== undefined && mlp !== undefined && cnn !== undefined) {
    const ordered = linear > mlp && mlp > cnn;
    console.log(
      ordered
        ? 'ordering holds: linear > MLP > CNN in test error'
        : 'ORDERING FAILED: expected linear > MLP > CNN',
    );
    if (!ordered) process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
