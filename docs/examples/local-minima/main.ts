/**
 * Lesson 003's local minima: the same 2-2-1 network on XOR from several seeds ends at different losses.
 *
 *   npx --yes pnpm@9.15.9 example local-minima [--quick] [--out out/local-minima] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatSummary, formatTable, runLocalMinima } from './run.js';

runMain(
  'local-minima',
  'The same network from several seeds reaching different losses (lesson 003).',
  async (options) => {
    const r = await runLocalMinima(options);
    console.log(
      `\nXOR, 2-2-1 sigmoid network, plain gradient descent (lr 2, ${r.steps} steps), one run per seed:\n`,
    );
    console.log(formatTable(r, 10));
    if (r.runs.length > 10) console.log(`(first 10 of ${r.runs.length} seeds)`);
    console.log(`\n${formatSummary(r)}`);
    const stuck = r.runs.filter((run) => !run.solved).length;
    console.log(
      `\n${r.runs.length - stuck} of ${r.runs.length} runs solve XOR; ${stuck} ${stuck === 1 ? 'ends' : 'end'} in a local minimum.`,
    );
    console.log(`spread of the final losses (max - min): ${r.spread.toFixed(4)}`);
    console.log(`picture: ${options.out}/local-minima.svg (and .png)`);
    const ok = r.spread > 0.1 && stuck > 0 && stuck < r.runs.length;
    if (!ok) console.log('\nLESSON FAILED: expected some seeds to solve XOR and others to get stuck');
    return ok;
  },
);
