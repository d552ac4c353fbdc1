/**
 * makemore: character-level language models of English words (a bigram table, an MLP, an LSTM and
 * a Transformer), trained on the same words, ranked by validation loss, and sampled.
 *
 *   npx --yes pnpm@9.15.9 example makemore [--quick] [--out out/makemore] [--seed 0]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { runMain } from '../shared/cli.js';
import { printReport } from './report.js';
import { runMakemore } from './run.js';

runMain(
  'makemore',
  'makemore: a bigram table, an MLP, an LSTM and a Transformer learn to make up English words.',
  async (options) => {
    // Progress goes to stderr: stdout is the report, which the README shows.
    const r = runMakemore(options, (line) => console.error(line));
    mkdirSync(options.out, { recursive: true });
    // The run's numbers, for render.ts to print and draw again without training.
    writeFileSync(`${options.out}/makemore.json`, `${JSON.stringify(r, null, 2)}\n`);
    return printReport(r, options.out);
  },
);
