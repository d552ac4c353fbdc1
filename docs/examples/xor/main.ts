/**
 * Lesson 001's XOR: online against batch learning, with the bias as an input fixed to 1 and as a
 * bias parameter.
 *
 *   npx --yes pnpm@9.15.9 example xor [--quick] [--out out/xor] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatReport, runXor } from './run.js';

runMain(
  'xor',
  "Lesson 001's XOR: online vs batch learning, two ways of handling the bias.",
  async (options) => {
    const r = await runXor(options);
    console.log(formatReport(r));
    console.log(`\npictures: ${r.files.filter((f) => f.endsWith('.svg')).join(', ')} (and .png)`);
    const [onlineInput, onlineParam, batchInput, batchParam] = r.runs;
    const solved = r.runs.every((run) => run.solvedAt !== null);
    const same = (a: typeof onlineInput, b: typeof onlineInput) =>
      a!.loss.every((v, i) => Math.abs(v - b!.loss[i]!) < 1e-4);
    const ok = solved && same(onlineInput, onlineParam) && same(batchInput, batchParam);
    console.log(
      ok
        ? '\nevery run solves XOR, and the two ways of handling the bias train identically'
        : '\nLESSON FAILED: a run did not solve XOR, or the two bias forms parted',
    );
    if (ok && onlineParam!.solvedAt! < batchParam!.solvedAt!) {
      console.log('online learning needed fewer epochs (it updates four times per epoch)');
    }
    return ok;
  },
);
