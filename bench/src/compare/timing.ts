// What one worker process measures, and the warm-up-then-time loop every engine shares.

/** One measured quantity of a workload, e.g. `{ metric: 'mlp step', unit: 'steps/s', value: 412 }`. */
export interface Measurement {
  readonly metric: string;
  readonly unit: string;
  readonly value: number;
  /** Timed calls behind `value` (after warm-up). */
  readonly calls: number;
}

/** Numbers every engine must reproduce (within `rtol`) for its round to count. */
export interface Check {
  readonly what: string;
  readonly values: number[];
  /** Relative tolerance, against max(1, |reference|); default 1e-5, about 100 float32 ulps. */
  readonly rtol?: number;
}

/** Everything one engine reports for one workload in one process. */
export interface WorkloadResult {
  readonly measurements: Measurement[];
  /** What must agree across engines, computed before timing. */
  readonly check: Check;
  /** A caveat printed with the table (a fallback, a dtype difference). */
  readonly note?: string;
}

/**
 * The check of a training workload: the losses of its first two steps on the fixed batch, i.e.
 * the forward pass, then the gradients and the SGD update through the second forward pass.
 *
 * @example
 * ```ts
 * lossCheck(step(), step());
 * ```
 */
export function lossCheck(first: number, second: number): Check {
  return { what: 'losses of steps 1 and 2', values: [first, second] };
}

/**
 * The check of the scalar workload: the expression's value.
 *
 * @example
 * ```ts
 * valueCheck(expression(p, xs, ys, m1).data);
 * ```
 */
export function valueCheck(value: number): Check {
  return { what: 'value of the expression', values: [value] };
}

/**
 * The check of the matmul workload: `Y[0,0]`, `dA[0,0]`, `dB[0,0]` of the first f+b call; each is
 * a dot product of 1,024 terms of size ~1, so the tolerance is wider than a loss's.
 *
 * @example
 * ```ts
 * matmulCheck(y[0], da[0], db[0]);
 * ```
 */
export function matmulCheck(y: number, da: number, db: number): Check {
  return { what: 'Y[0,0], dA[0,0], dB[0,0]', values: [y, da, db], rtol: 1e-4 };
}

/** How long to warm up and to time; one call that alone exceeds a budget still runs (and counts). */
export interface TimingPlan {
  /** Warm up for this many seconds, and for at least one call, so lazy compilation is never timed. */
  readonly warmupSec: number;
  /** Time calls until this many seconds have passed (at least one call is always timed). */
  readonly timedSec: number;
}

/**
 * Full runs: three seconds of warm-up and a second and a half timed per measurement. A process
 * that computes on two threads takes 2-3 s to reach its steady rate (backprop's MLP step climbs
 * from ~160 to ~580 steps/s over its first 2 s, its CNN step from ~170 to ~310 over 3 s, while V8's
 * compiler threads share the cores with the helper); half a second of warm-up timed that climb.
 */
export const FULL_PLAN: TimingPlan = { warmupSec: 3, timedSec: 1.5 };

/** `--quick`: enough to see orders of magnitude. */
export const QUICK_PLAN: TimingPlan = { warmupSec: 0.3, timedSec: 0.5 };

/**
 * Warms `fn` up, then times it under `plan`, and returns calls per second with the call count.
 * `fn` must finish its work before returning (read a loss, sync a result), so lazy engines are
 * timed to completion.
 *
 * @example
 * ```ts
 * const { perSec, calls } = await timeCalls(() => step(), FULL_PLAN);
 * ```
 */
export async function timeCalls(
  fn: () => unknown,
  plan: TimingPlan,
): Promise<{ perSec: number; calls: number }> {
  const warmStart = performance.now();
  do await fn();
  while (performance.now() - warmStart < plan.warmupSec * 1e3);
  const start = performance.now();
  let calls = 0;
  let elapsed = 0;
  do {
    await fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < plan.timedSec * 1e3);
  return { perSec: (calls * 1e3) / elapsed, calls };
}

/**
 * A measurement of `calls/s × work / scale`, e.g. GFLOP/s from matmul calls per second.
 *
 * @example
 * ```ts
 * measure('matmul 1024 fwd', 'GFLOP/s', await timeCalls(mm, plan), 2 * 1024 ** 3, 1e9);
 * ```
 */
export function measure(
  metric: string,
  unit: string,
  timed: { perSec: number; calls: number },
  workPerCall = 1,
  scale = 1,
): Measurement {
  return { metric, unit, value: (timed.perSec * workPerCall) / scale, calls: timed.calls };
}
