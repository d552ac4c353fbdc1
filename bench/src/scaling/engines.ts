// The engines the scaling script compares, what one of its worker processes reports, and how long
// it times each point.
import type { EngineName } from '../compare/engine.js';
import { FULL_PLAN, type TimingPlan } from '../compare/timing.js';
import type { Allocation } from './alloc.js';
import type { ScalingPoint } from './points.js';

/** backprop at its default threads and at one, PyTorch at one and two. */
export const SCALING_ENGINES = [
  'backprop',
  'backprop-1t',
  'pytorch-1t',
  'pytorch-2t',
] as const satisfies readonly EngineName[];
export type ScalingEngine = (typeof SCALING_ENGINES)[number];

/** One worker's answer (`error` set, and the numbers absent, when the point failed). */
export interface ScalingResult {
  readonly engine: ScalingEngine;
  readonly point: ScalingPoint;
  readonly setup: string;
  readonly stepsPerSec?: number;
  readonly calls?: number;
  readonly losses?: [number, number];
  /** backprop: bytes per step in the JS heap and in ArrayBuffers (src/scaling/alloc.ts). */
  readonly alloc?: Allocation;
  /** PyTorch: bytes its CPU allocator handed out per step, per torch.profiler (a lower bound). */
  readonly torchBytes?: number;
  readonly error?: string;
}

/**
 * Warm-up and timed window per point: bench:compare's warm-up, since each point is a fresh process
 * that computes on two threads only at its steady rate after 2-3 s, and a shorter window than the
 * compare's, since there are 14 points and four engines (`--quick`: shorter still, in the climb).
 *
 * @example
 * ```ts
 * scalingPlan(false); // { warmupSec: 3, timedSec: 1 }
 * ```
 */
export function scalingPlan(quick: boolean): TimingPlan {
  return quick ? { warmupSec: 0.1, timedSec: 0.3 } : { warmupSec: FULL_PLAN.warmupSec, timedSec: 1 };
}

/** Profiled runs time longer, so the profile holds a few hundred steps even at batch 1024. */
export const PROFILE_PLAN: TimingPlan = { warmupSec: 0.5, timedSec: 3 };
