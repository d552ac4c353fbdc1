// The decision regions: the network evaluated on a grid over the plane, without recording a graph.
import { noGrad, Tensor } from '@backprop/core';
import type { Plane } from './datasets.js';
import type { PlaygroundNet } from './network.js';
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

/**
 * Predicted class and its probability at every grid cell.
 *
 * @example
 * ```ts
 * const b = boundaryOf(net, 2, { min: -1, max: 1 }, 40, []);
 * b.classes.length; // 1600
 * ```
 */
export function boundaryOf(
  net: PlaygroundNet,
  classes: number,
  plane: Plane,
  resolution: number,
  fixed: number[],
): Boundary {
  const z = noGrad(() => net.forward(gridInputs(plane, resolution, fixed)));
  const p = predict(classes, z);
  return { resolution, classes: Uint8Array.from(p.classes), confidence: p.confidence };
}
