// The scalar graph's workloads for the engines that build it from plain JS objects (backprop's 0-d
// tensors and micrograd's Value): one shared definition, so that both are timed the same way.
import { build, countNodes, expression, type ScalarLike } from '../suites/scalar.js';
import type { WorkloadRunner } from './engine.js';
import { SCALAR_V8_METRIC, scalarDraws } from './spec.js';
import { measure, timeCalls, valueCheck } from './timing.js';

/** A scalar of an engine: the expression's three methods and a backward pass. */
export interface Differentiable<T> extends ScalarLike<T> {
  backward(): void;
}

/**
 * The `scalar` workload (forward, then forward+backward) and the `scalar-v8` one (forward+backward
 * alone, in a process that spawn.ts starts without WORKER_NODE_FLAGS), for an engine whose leaves
 * `make` wraps and whose value `read` gives.
 *
 * @example
 * ```ts
 * const workloads = scalarWorkloads((v) => new Value(v), (v) => v.data);
 * ```
 */
export function scalarWorkloads<T extends Differentiable<T>>(
  make: (v: number, isParam: boolean) => T,
  read: (t: T) => number,
): { scalar: WorkloadRunner; 'scalar-v8': WorkloadRunner } {
  const graph = () => {
    const leaves = build(make, scalarDraws());
    const run = () => expression(leaves.p, leaves.xs, leaves.ys, leaves.m1);
    return { nodes: countNodes(), run, check: valueCheck(read(run())) };
  };
  return {
    scalar: async (plan) => {
      const { nodes, run, check } = graph();
      const fwd = await timeCalls(run, plan);
      const fb = await timeCalls(() => run().backward(), plan);
      return {
        measurements: [
          measure('scalar fwd', 'M nodes/s', fwd, nodes, 1e6),
          measure('scalar f+b', 'M nodes/s', fb, nodes, 1e6),
        ],
        check,
      };
    },
    'scalar-v8': async (plan) => {
      const { nodes, run, check } = graph();
      const fb = await timeCalls(() => run().backward(), plan);
      return { measurements: [measure(SCALAR_V8_METRIC, 'M nodes/s', fb, nodes, 1e6)], check };
    },
  };
}
