/**
 * Lesson 003's universality theorem (one hidden layer fits sin x) and "why deep, not fat?"
 * (fat-and-short against thin-and-tall at the same parameter count).
 *
 *   npx --yes pnpm@9.15.9 example universality [--quick] [--out out/universality] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { formatTables, runUniversality } from './run.js';

runMain(
  'universality',
  'One hidden layer fits sin(x); fat + short against thin + tall (lesson 003).',
  async (options) => {
    const r = await runUniversality(options);
    console.log(`\n${formatTables(r)}\n`);
    console.log(
      `pictures: ${options.out}/universality-sin.svg, ${options.out}/universality-fat-vs-thin.svg (and .png)`,
    );
    const widest = r.widths.at(-1)!;
    const ok = widest.maxError < 0.05 && r.widths[0]!.maxError > 0.5;
    const thinWins = r.pairs.filter((p) => p.thin.loss < p.fat.loss).length;
    console.log(
      ok
        ? `\n16 tanh units fit sin(x) to ${widest.maxError.toFixed(3)} everywhere on [-π, π]; one unit cannot (${r.widths[0]!.maxError.toFixed(2)}).` +
            `\nAt ${r.pairs[0]!.fat.parameters} parameters each, thin + tall reached the lower loss on ${thinWins} of ${r.pairs.length} seeds.`
        : '\nLESSON FAILED: expected the widest layer within 0.05 of sin(x) and a single unit off by more than 0.5',
    );
    return ok;
  },
);
