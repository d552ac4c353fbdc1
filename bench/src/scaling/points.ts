// The sizes the scaling script sweeps, and the problem each one trains on (spec.ts's seeded
// generator, so every engine starts from the same numbers).
import { type CnnProblem, cnnProblem, MLP, type MlpProblem, mlpProblem } from '../compare/spec.js';

/** Batches of the batch sweeps (MLP 784-256-128-10 and the CNN). */
export const BATCHES = [1, 8, 64, 256, 1024] as const;

/** Hidden widths of the width sweep: MLP 784-w-w-10 at batch 64. */
export const WIDTHS = [64, 256, 1024, 4096] as const;

/** Which curve a point belongs to. */
export type Sweep = 'mlp-batch' | 'cnn-batch' | 'mlp-width';

/** One size of one sweep. */
export interface ScalingPoint {
  readonly sweep: Sweep;
  readonly batch: number;
  /** The MLP's hidden width (mlp-width only). */
  readonly width?: number;
}

/**
 * Every point, sweep by sweep, smallest first.
 *
 * @example
 * ```ts
 * scalingPoints().length; // 14
 * ```
 */
export function scalingPoints(): ScalingPoint[] {
  return [
    ...BATCHES.map((batch) => ({ sweep: 'mlp-batch' as const, batch })),
    ...BATCHES.map((batch) => ({ sweep: 'cnn-batch' as const, batch })),
    ...WIDTHS.map((width) => ({ sweep: 'mlp-width' as const, batch: MLP.batch, width })),
  ];
}

/**
 * The point's model in words, e.g. `MLP 784-1024-1024-10, batch 64`.
 *
 * @example
 * ```ts
 * describePoint({ sweep: 'cnn-batch', batch: 8 }); // 'CNN, batch 8'
 * ```
 */
export function describePoint(p: ScalingPoint): string {
  if (p.sweep === 'cnn-batch') return `CNN, batch ${p.batch}`;
  return `MLP ${sizesOf(p).join('-')}, batch ${p.batch}`;
}

function sizesOf(p: ScalingPoint): readonly number[] {
  return p.sweep === 'mlp-width' ? [MLP.sizes[0], p.width!, p.width!, MLP.sizes[3]] : MLP.sizes;
}

/**
 * The problem trained at `p`.
 *
 * @example
 * ```ts
 * problemAt({ sweep: 'mlp-width', batch: 64, width: 64 }).layers.length; // 3
 * ```
 */
export function problemAt(p: ScalingPoint): MlpProblem | CnnProblem {
  return p.sweep === 'cnn-batch' ? cnnProblem(p.batch) : mlpProblem(sizesOf(p), p.batch);
}

/**
 * A point as worker arguments and back (`mlp-width:64:1024`).
 *
 * @example
 * ```ts
 * parsePoint(pointArg({ sweep: 'cnn-batch', batch: 8 })); // { sweep: 'cnn-batch', batch: 8 }
 * ```
 */
export function pointArg(p: ScalingPoint): string {
  return [p.sweep, p.batch, ...(p.width === undefined ? [] : [p.width])].join(':');
}

/** Inverse of `pointArg`; throws on anything else. */
export function parsePoint(arg: string): ScalingPoint {
  const [sweep, batch, width] = arg.split(':');
  const n = Number(batch);
  const w = width === undefined ? undefined : Number(width);
  const ok =
    (sweep === 'mlp-batch' || sweep === 'cnn-batch' || sweep === 'mlp-width') &&
    Number.isInteger(n) &&
    n >= 1 &&
    (sweep === 'mlp-width' ? Number.isInteger(w) && w! >= 1 : w === undefined);
  if (!ok) throw new Error(`scaling: bad point ${arg} (expected e.g. mlp-batch:64 or mlp-width:64:1024)`);
  return w === undefined
    ? { sweep: sweep as Sweep, batch: n }
    : { sweep: sweep as Sweep, batch: n, width: w };
}
