// The plain-JS yardstick: micrograd's scalar Value class (bench/src/micrograd.ts) on the scalar graph.
import { Value } from '../../micrograd.js';
import type { Engine } from '../engine.js';
import { scalarWorkloads } from '../scalar-graph.js';

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
  workloads: scalarWorkloads(
    (v) => new Value(v),
    (v) => v.data,
  ),
};
