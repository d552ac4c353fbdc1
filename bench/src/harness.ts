// Runs one suite's cases through benchmark.js and turns each into a plain result row.
import Benchmark from 'benchmark';
import { relativeMarginPct } from './compare/stats.js';

/** Work one call of a case does, so ops/s can be turned into nodes/s, GFLOP/s or steps/s. */
export interface Work {
  /** Units of work per call (graph nodes, floating-point operations, training steps). */
  readonly perCall: number;
  /** Divisor applied to units/s before printing, e.g. 1e9 for GFLOP/s. */
  readonly scale: number;
  /** Label of the scaled rate, e.g. `'GFLOP/s'`. */
  readonly unit: string;
}

/** One timed function. Its inputs are built before the case is made, never inside `fn`. */
export interface BenchCase {
  readonly name: string;
  readonly fn: () => void;
  readonly work?: Work;
  /** Per-case benchmark.js options, e.g. fewer samples for a call that takes seconds. */
  readonly options?: Benchmark.Options;
}

/** What one case measured. `rmePct` is benchmark.js's relative margin of error (99% confidence). */
export interface CaseResult {
  readonly suite: string;
  readonly name: string;
  readonly opsPerSec: number;
  readonly rmePct: number;
  readonly samples: number;
  readonly meanMs: number;
  readonly rate: number | null;
  readonly rateUnit: string | null;
}

/** A suite's measurements plus derived lines (ratios, sanity notes) printed and saved with them. */
export interface SuiteResult {
  readonly cases: CaseResult[];
  readonly notes: string[];
}

/** A named group of cases; `run` builds its inputs, times them and returns the rows. */
export interface BenchSuite {
  readonly name: string;
  readonly description: string;
  run(): SuiteResult | Promise<SuiteResult>;
}

/** A case whose call ends when its promise does: work on the GPU ends at a read back. */
export interface AsyncBenchCase {
  readonly name: string;
  readonly fn: () => Promise<unknown>;
  readonly work?: Work;
}

/**
 * Times asynchronous cases as `runCases` times synchronous ones (benchmark.js's deferred mode
 * would add its own timers to every call): half a second of warm-up, then samples of at least
 * 100 ms (or one call) until `maxTime` seconds and `minSamples` samples have passed. A sample's
 * time per call is its duration over its calls; `rmePct` is the 99% margin of the mean of those.
 *
 * @example
 * ```ts
 * await runAsyncCases('webgpu', [{ name: 'step', fn: () => trainStep(setup, x, y).itemAsync() }]);
 * ```
 */
export async function runAsyncCases(
  suite: string,
  cases: readonly AsyncBenchCase[],
  { maxTime = 3, minSamples = 5 } = {},
): Promise<CaseResult[]> {
  const rows: CaseResult[] = [];
  for (const c of cases) {
    const warm = performance.now();
    do await c.fn();
    while (performance.now() - warm < 500);
    const perCallSec: number[] = [];
    const start = performance.now();
    do {
      const t = performance.now();
      let calls = 0;
      do {
        await c.fn();
        calls++;
      } while (performance.now() - t < 100);
      perCallSec.push((performance.now() - t) / 1e3 / calls);
    } while (performance.now() - start < maxTime * 1e3 || perCallSec.length < minSamples);
    const mean = perCallSec.reduce((a, b) => a + b, 0) / perCallSec.length;
    const row: CaseResult = {
      suite,
      name: c.name,
      opsPerSec: 1 / mean,
      rmePct: relativeMarginPct(perCallSec),
      samples: perCallSec.length,
      meanMs: mean * 1e3,
      rate: c.work ? c.work.perCall / mean / c.work.scale : null,
      rateUnit: c.work ? c.work.unit : null,
    };
    rows.push(row);
    console.log(`  ${formatRow(row)}`);
  }
  return rows;
}

/**
 * benchmark.js options for every case unless it overrides them: sample for about 3 s and at
 * least 5 times, which keeps a full run near a minute on a two-core machine.
 *
 * @example
 * ```ts
 * runCases('x', [{ name: 'slow', fn, options: { ...defaultOptions, maxTime: 1 } }]);
 * ```
 */
export const defaultOptions: Benchmark.Options = { maxTime: 3, minSamples: 5 };

/**
 * Runs `cases` synchronously in order, printing each as it finishes, and returns one row per case;
 * a throwing case aborts the run with its error.
 *
 * @example
 * ```ts
 * const a = randn([256, 256]);
 * runCases('matmul', [{ name: 'mm', fn: () => void a.matmul(a) }]);
 * ```
 */
export function runCases(suite: string, cases: readonly BenchCase[]): CaseResult[] {
  const bs = new Benchmark.Suite(suite);
  const works = new Map<string, Work | undefined>();
  for (const c of cases) {
    works.set(c.name, c.work);
    bs.add(c.name, c.fn, { ...defaultOptions, ...c.options });
  }
  const rows: CaseResult[] = [];
  let failure: unknown = null;
  bs.on('cycle', (event: Benchmark.Event) => {
    const t = event.target;
    if (errorOf(t) !== undefined || !t.stats || t.hz === undefined) return;
    const row = toRow(suite, t.name ?? '?', t.hz, t.stats, works.get(t.name ?? ''));
    rows.push(row);
    console.log(`  ${formatRow(row)}`);
  });
  bs.on('error', (event: Benchmark.Event) => {
    failure = errorOf(event.target) ?? new Error(`${suite}: a case failed`);
  });
  bs.run({ async: false });
  if (failure !== null) throw failure;
  return rows;
}

// benchmark.js sets `error` on a Benchmark whose fn threw; its typings leave the field out.
function errorOf(target: Benchmark.Target): unknown {
  return (target as { error?: unknown }).error;
}

function toRow(suite: string, name: string, hz: number, stats: Benchmark.Stats, work?: Work): CaseResult {
  return {
    suite,
    name,
    opsPerSec: hz,
    rmePct: stats.rme,
    samples: stats.sample.length,
    meanMs: stats.mean * 1e3,
    rate: work ? (hz * work.perCall) / work.scale : null,
    rateUnit: work ? work.unit : null,
  };
}

/**
 * One human-readable line for a row.
 *
 * @example
 * ```ts
 * formatRow(row); // 'matmul 256 forward: 43.1 ops/s ±1.2% (22 samples) = 1.45 GFLOP/s'
 * ```
 */
export function formatRow(r: CaseResult): string {
  const rate = r.rate === null ? '' : ` = ${fmt(r.rate)} ${r.rateUnit}`;
  return `${r.name}: ${fmt(r.opsPerSec)} ops/s ±${r.rmePct.toFixed(1)}% (${r.samples} samples)${rate}`;
}

/**
 * Three significant digits, with thousands separators for large numbers.
 *
 * @example
 * ```ts
 * fmt(0.01234); // '0.0123'
 * fmt(12345.6); // '12,346'
 * ```
 */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString('en-US');
  return x.toPrecision(3);
}
