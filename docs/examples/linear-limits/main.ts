/**
 * Lesson 003's hard cases: a linear classifier fails on the quadrants, the ring and three modes,
 * an MLP succeeds; decision regions drawn side by side.
 *
 *   npx --yes pnpm@9.15.9 example linear-limits [--quick] [--out out/linear-limits] [--seed 0]
 */
import { runMain } from '../shared/cli.js';
import { fileName, formatTable, runLinearLimits } from './run.js';

runMain(
  'linear-limits',
  'Hard cases for a linear classifier (lesson 003), and an MLP that solves them.',
  async (options) => {
    const rows = await runLinearLimits(options);
    console.log(`\n${formatTable(rows)}\n`);
    for (const r of rows) console.log(`decision regions: ${options.out}/${fileName(r.shape)}.svg (and .png)`);
    const ok = rows.every((r) => r.mlpAccuracy >= 0.95 && r.linearAccuracy <= 0.8);
    console.log(
      ok
        ? '\nthe lesson holds: no line separates these classes (linear ≤ 80%), the MLP does (≥ 95%)'
        : '\nLESSON FAILED: expected linear ≤ 80% and MLP ≥ 95% on every shape',
    );
    return ok;
  },
);
