/**
 * Lesson 003's three-layer sigmoid network: f([1, −1]) = [0.62, 0.83] and f([0, 0]) = [0.51, 0.85],
 * layer by layer, with its computation graph drawn to graph.svg.
 *
 *   npx --yes pnpm@9.15.9 example sigmoid-network [--out out/sigmoid-network]
 */
import { runMain } from '../shared/cli.js';
import { formatReport, runSigmoidNetwork } from './run.js';

/** The lesson's outputs, to two decimals. */
const EXPECTED = [
  [0.62, 0.83],
  [0.51, 0.85],
];

runMain(
  'sigmoid-network',
  "Lesson 003's three-layer sigmoid network and its computation graph.",
  async (options) => {
    const r = await runSigmoidNetwork(options);
    console.log(formatReport(r));
    console.log(`\ncomputation graph: ${r.files.join(', ')}`);
    const ok = r.traces.every((t, i) => t.a.at(-1)!.every((v, j) => Math.abs(v - EXPECTED[i]![j]!) < 0.005));
    console.log(
      ok ? "the outputs match the lesson's to two decimals" : 'LESSON FAILED: outputs differ from the lesson',
    );
    return ok;
  },
);
