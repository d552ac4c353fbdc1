// Command line of `pnpm bench:compare`.
import { ENGINES, type EngineName } from './engine.js';
import { SCALAR_V8_ROUNDS_PER_ROUND, WORKLOADS, type Workload } from './spec.js';
import { FULL_PLAN } from './timing.js';

/** What to run. */
export interface CompareOptions {
  readonly engines: EngineName[];
  readonly workloads: Workload[];
  readonly rounds: number;
  readonly quick: boolean;
  /** Run backprop from its TypeScript sources (root tsconfig paths) instead of the built dist/. */
  readonly source: boolean;
  /** True for a full, unfiltered, not quick run: only then is RESULTS.md updated. */
  readonly complete: boolean;
}

/**
 * Rounds of one engine on one workload stop early once their processes have taken this long: ten
 * measurements under the full plan (45 s), so only engines whose single calls take seconds (the
 * emulated GPUs) run fewer rounds.
 */
export const PAIR_BUDGET_SEC = 10 * (FULL_PLAN.warmupSec + FULL_PLAN.timedSec);

/** A bad command line: printed with the usage, without a stack trace. */
export class UsageError extends Error {}

/** The usage text. */
export const USAGE = `usage: pnpm bench:compare [--quick] [--rounds N] [--engines a,b] [--workloads x,y] [workload...]
  engines:   ${ENGINES.join(', ')}
  workloads: ${WORKLOADS.join(', ')}
  --quick    shorter timing and one round (default: 3 rounds, scalar-v8 ${SCALAR_V8_ROUNDS_PER_ROUND} times as many;
             fewer for a pair whose processes already took ${PAIR_BUDGET_SEC} s)
  --src      run backprop from packages/*/src (no build needed) instead of packages/*/dist`;

function pick<T extends string>(kind: string, known: readonly T[], names: readonly string[]): T[] {
  const unknown = names.filter((n) => !known.includes(n as T));
  if (unknown.length > 0) throw new UsageError(`bench:compare: unknown ${kind} ${unknown.join(', ')}`);
  return known.filter((k) => names.includes(k));
}

/**
 * Parses the arguments after the script name.
 *
 * @example
 * ```ts
 * parseCompareArgs(['--quick', 'mlp']).workloads; // ['mlp']
 * ```
 */
export function parseCompareArgs(argv: readonly string[]): CompareOptions {
  const positional: string[] = [];
  let engines: string[] = [];
  let rounds: number | null = null;
  let quick = false;
  let source = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => argv[++i] ?? '';
    if (a === '--') continue;
    else if (a === '--quick') quick = true;
    else if (a === '--src') source = true;
    else if (a === '--rounds') rounds = Number(value());
    else if (a === '--engines') engines = value().split(',');
    else if (a === '--workloads') positional.push(...value().split(','));
    else if (a.startsWith('--')) throw new UsageError(`bench:compare: unknown option ${a}`);
    else positional.push(a);
  }
  if (rounds !== null && !(Number.isInteger(rounds) && rounds >= 1)) {
    throw new UsageError('bench:compare: --rounds needs a positive integer');
  }
  const chosenEngines = engines.length > 0 ? pick('engine', ENGINES, engines) : [...ENGINES];
  const workloads = positional.length > 0 ? pick('workload', WORKLOADS, positional) : [...WORKLOADS];
  const complete = !quick && engines.length === 0 && positional.length === 0;
  return { engines: chosenEngines, workloads, rounds: rounds ?? (quick ? 1 : 3), quick, source, complete };
}
