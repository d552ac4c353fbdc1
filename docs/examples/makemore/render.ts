/**
 * Prints the report of a finished run and draws its curves again, from the JSON that run wrote
 * (`out/makemore/makemore.json`; the committed one is in results/). The README shows the full run
 * this way: CI checks it against the committed numbers instead of training for five minutes.
 *
 *   npx tsx docs/examples/makemore/render.ts docs/examples/makemore/results/makemore.json [--out out/makemore]
 */
import { readFileSync } from 'node:fs';
import { printReport } from './report.js';
import type { MakemoreResult } from './run.js';

async function main(): Promise<void> {
  const [path, flag, out = 'out/makemore'] = process.argv.slice(2);
  if (path === undefined || (flag !== undefined && flag !== '--out')) {
    throw new Error('usage: render.ts <makemore.json> [--out <dir>]');
  }
  const result = JSON.parse(readFileSync(path, 'utf8')) as MakemoreResult;
  if (!(await printReport(result, out))) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
