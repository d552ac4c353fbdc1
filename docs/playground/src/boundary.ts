// The decision regions: the grid over the plane the network is evaluated on, and the regions read
// from its outputs (unit-maps.ts runs the network on the grid, without recording a graph).
import { Tensor } from '@backprop/core';
import type { Task } from './config.js';
import type { Plane } from './datasets.js';
import { predict } from './objective.js';
import type { Boundary } from './protocol.js';

/**
 * The grid's inputs, row-major from the top-left corner: cell (r, c) sits at x1 = the c-th column
 * centre and x2 = the r-th row centre counted down from `plane.max`; inputs beyond the second take
 * the values `fixed` (the Hokies' third placard).
 *
 * @example
 * ```ts
 * gridInputs({ min: 0, max: 1 }, 2, []).toArray(); // [[0.25, 0.75], [0.75, 0.75], [0.25, 0.25], [0.75, 0.25]]
 * ```
 */
export function gridInputs(plane: Plane, resolution: number, fixed: number[]): Tensor {
  const d = 2 + fixed.length;
  const cell = (plane.max - plane.min) / resolution;
  const xs = new Float32Array(resolution * resolution * d);
  for (let r = 0; r < resolution; r++) {
    for (let c = 0; c < resolution; c++) {
      const o = (r * resolution + c) * d;
      xs[o] = plane.min + (c + 0.5) * cell;
      xs[o + 1] = plane.max - (r + 0.5) * cell;
      fixed.forEach((v, k) => {
        xs[o + 2 + k] = v;
      });
    }
  }
  return new Tensor(xs, [resolution * resolution, d]);
}

/** What the network's inputs are besides the grid: the task, and a map from (x1, x2, fixed...) to the inputs. */
export interface BoundaryOptions {
  task?: Task;
  /** The input features of each grid row (identity when absent). */
  inputsOf?: (grid: Tensor) => Tensor;
}

/**
 * Predicted class and its probability at every grid cell, from the network's outputs `z` on a
 * resolution² grid (row-major, as `gridInputs`); for regression also the predicted value
 * (`values`), with `classes` 1 where it is > 0 and `confidence` its size capped at 1. unit-maps.ts
 * runs the grid (`planeMaps`).
 *
 * @example
 * ```ts
 * boundaryFromOutputs(net.forward(gridInputs(plane, 40, [])), 2, 40).classes.length; // 1600
 * ```
 */
export function boundaryFromOutputs(z: Tensor, classes: number, resolution: number, task?: Task): Boundary {
  if (task === 'regression') {
    const values = Float32Array.from(z.data());
    return {
      resolution,
      classes: Uint8Array.from(values, (v) => (v > 0 ? 1 : 0)),
      confidence: Float32Array.from(values, (v) => Math.min(1, Math.abs(v))),
      values,
    };
  }
  const p = predict(classes, z);
  return { resolution, classes: Uint8Array.from(p.classes), confidence: p.confidence };
}
