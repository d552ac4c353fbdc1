// The plain-JS yardstick: micrograd's scalar Value class (bench/src/micrograd.ts) on the scalar graph.
import { Value } from '../../micrograd.js';
import { build, countNodes, expression } from '../../suites/scalar.js';
import type { Engine } from '../engine.js';
import { scalarDraws } from '../spec.js';
import { measure, type TimingPlan, timeCalls, valueCheck, type WorkloadResult } from '../timing.js';

async function scalarGraph(plan: TimingPlan): Promise<WorkloadResult> {
  const nodes = countNodes();
  const m = build((v) => new Value(v), scalarDraws());
  const run = () => expression(m.p, m.xs, m.ys, m.m1);
  const check = valueCheck(run().data);
  const fwd = await timeCalls(run, plan);
  const fb = await timeCalls(() => run().backward(), plan);
  return {
    measurements: [
      measure('scalar fwd', 'M nodes/s', fwd, nodes, 1e6),
      measure('scalar f+b', 'M nodes/s', fb, nodes, 1e6),
    ],
    check,
  };
}

/**
 * micrograd's `Value`: JS doubles, one object and one closure per node.
 *
 * @example
 * ```ts
 * await engine.workloads.scalar!(FULL_PLAN);
 * ```
 */
export const engine: Engine = {
  init: async () => 'plain JS, float64',
  workloads: { scalar: scalarGraph },
};
