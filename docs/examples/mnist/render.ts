/**
 * Prints the table of a finished run and draws its pictures again, from the JSON that run wrote
 * (`out/mnist/mnist-table.json`; the committed ones are in results/). The guides show long runs,
 * such as `--seeds 3`, this way: CI checks them against the committed numbers instead of training
 * for an hour.
 *
 *   npx tsx docs/examples/mnist/render.ts docs/examples/mnist/results/mnist-table.json [--out out/mnist]
 */
import { readFileSync } from 'node:fs';
import type { MainOptions } from './options.js';
import { writeReport } from './report.js';
import { caption, formatTable, goalLines, type Row } from './run.js';

async function main(): Promise<void> {
  const [path, flag, out = 'out/mnist'] = process.argv.slice(2);
  if (path === undefined || (flag !== undefined && flag !== '--out')) {
    throw new Error('usage: render.ts <table.json> [--out <dir>]');
  }
  const saved = JSON.parse(readFileSync(path, 'utf8')) as { options: Omit<MainOptions, 'out'>; rows: Row[] };
  const options = { ...saved.options, out };
  await writeReport(saved.rows, options);
  console.log(`${caption(options)}\n\n${formatTable(saved.rows, options)}\n`);
  for (const line of goalLines(saved.rows, options)) console.log(line);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
