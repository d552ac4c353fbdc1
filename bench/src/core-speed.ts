// How fast each core runs one fixed loop, pinned to it in turn. On a shared VM the cores need not be
// equal: on the 2-core EPYC of RESULTS.md one core ran this loop in 130 ms while the other took
// 180-200, and allocation-heavy code (the scalar graph) ran 2x slower there. A one-thread engine's
// number then depends on the core its process lands on, and two threads cannot reach twice one.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { median } from './compare/stats.js';

// Integer adds only: no allocation, no memory traffic, the same machine code on every core; in a
// function, so that its variables are locals (the top level of `node -e` would make them globals).
const LOOP =
  '(() => { const t = performance.now(); let x = 0; for (let i = 0; i < 3e8; i++) x += i & 7; process.stdout.write(String(performance.now() - t) + " " + x); })();';

/**
 * Milliseconds each core takes for the loop (index = core number), the median of `repeats` runs
 * taken core after core in turn; null where `taskset` (Linux's util-linux) cannot pin a process.
 *
 * @example
 * ```ts
 * coreLoopMs(); // e.g. [130, 186] on a VM whose second core is shared
 * ```
 */
export function coreLoopMs(repeats = 3): number[] | null {
  const runs: number[][] = os.cpus().map(() => []);
  try {
    for (let r = 0; r < repeats; r++) {
      runs.forEach((times, core) => {
        const out = execFileSync('taskset', ['-c', String(core), process.execPath, '-e', LOOP], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'ignore'],
        });
        times.push(Number(out.split(' ')[0]));
      });
    }
  } catch {
    return null;
  }
  return runs.map((times) => Math.round(median(times)));
}

/**
 * The loop's times as one phrase, with how much slower the slowest core was than the fastest.
 *
 * @example
 * ```ts
 * coreSpeedText([130, 186]); // '130, 186 ms (the slowest core 1.43x the fastest)'
 * ```
 */
export function coreSpeedText(ms: readonly number[] | null): string {
  if (ms === null || ms.length === 0) return 'not measured (no taskset)';
  const spread = Math.max(...ms) / Math.min(...ms);
  return `${ms.join(', ')} ms (the slowest core ${spread.toFixed(2)}x the fastest)`;
}
