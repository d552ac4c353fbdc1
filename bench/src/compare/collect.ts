// Gathers rounds into per-engine cells, checking first that every engine computed the same thing:
// a round's check numbers (the losses of the first two training steps, the scalar graph's value,
// matmul entries) must agree with the reference engine's (backprop's, when it ran) within float32
// tolerance, or the round is discarded and reported.
import type { EngineName } from './engine.js';
import type { RoundOutcome } from './spawn.js';
import type { Workload } from './spec.js';
import { agrees, fmt3 } from './stats.js';
import type { Check } from './timing.js';

/** One engine's values of one metric over the rounds that passed the check. */
export interface Cell {
  readonly workload: Workload;
  readonly metric: string;
  readonly unit: string;
  readonly engine: EngineName;
  readonly values: number[];
}

/** Per workload: the reference, and how far the others were from it. */
export interface Agreement {
  readonly reference: EngineName;
  readonly expected: Check;
  /** Largest |difference| seen in any compared number. */
  maxDiff: number;
  passed: number;
  failed: number;
}

/**
 * A check's numbers, eight significant digits each.
 *
 * @example
 * ```ts
 * describeCheck(lossCheck(2.310051918, 2.30562019)); // '2.3100519, 2.3056202'
 * ```
 */
export function describeCheck(c: Check): string {
  return c.values.map((v) => v.toPrecision(8)).join(', ');
}

/** Collects rounds as they finish; `add` returns the progress line to print. */
export class Collector {
  readonly cells: Cell[] = [];
  /** `workload|engine` → why the workload failed in that engine. */
  readonly failures = new Map<string, string>();
  readonly agreement = new Map<Workload, Agreement>();
  readonly setups = new Map<EngineName, string>();
  readonly notes = new Map<EngineName, string>();
  /** Rounds discarded because their results disagreed with the reference. */
  readonly mismatches: string[] = [];

  add(engine: EngineName, workload: Workload, outcome: RoundOutcome): string {
    const out = outcome.output;
    if (!out || out.error !== undefined || !out.result) {
      const why = out?.error ?? outcome.crash ?? 'no result';
      this.failures.set(`${workload}|${engine}`, why);
      return `fails: ${why}`;
    }
    this.setups.set(engine, out.setup);
    if (out.result.note) this.notes.set(engine, out.result.note);
    const check = this.check(engine, workload, out.result.check);
    if (check !== null) {
      this.mismatches.push(check);
      return `RESULT MISMATCH, round discarded: ${check}`;
    }
    for (const m of out.result.measurements)
      this.cellFor(workload, m.metric, m.unit, engine).values.push(m.value);
    const rates = out.result.measurements.map((m) => `${fmt3(m.value)} ${m.unit}`).join(', ');
    return `${rates}  [${describeCheck(out.result.check)}]`;
  }

  /** Whether `workload` failed in `engine`, and why. */
  failure(workload: Workload, engine: EngineName): string | undefined {
    return this.failures.get(`${workload}|${engine}`);
  }

  private cellFor(workload: Workload, metric: string, unit: string, engine: EngineName): Cell {
    let cell = this.cells.find((c) => c.workload === workload && c.metric === metric && c.engine === engine);
    if (!cell) {
      cell = { workload, metric, unit, engine, values: [] };
      this.cells.push(cell);
    }
    return cell;
  }

  // Null when the result agrees with the reference (or becomes it); else what differs.
  private check(engine: EngineName, workload: Workload, result: Check): string | null {
    const got = result.values;
    const ref = this.agreement.get(workload);
    if (!ref) {
      this.agreement.set(workload, { reference: engine, expected: result, maxDiff: 0, passed: 1, failed: 0 });
      return null;
    }
    const want = ref.expected.values;
    const ok = got.length === want.length && got.every((v, i) => agrees(v, want[i]!, ref.expected.rtol));
    for (let i = 0; i < Math.min(got.length, want.length); i++) {
      ref.maxDiff = Math.max(ref.maxDiff, Math.abs(got[i]! - want[i]!));
    }
    if (ok) {
      ref.passed++;
      return null;
    }
    ref.failed++;
    return `${workload}: ${engine} gave ${result.what} ${describeCheck(result)}, ${ref.reference} ${describeCheck(ref.expected)}`;
  }
}
