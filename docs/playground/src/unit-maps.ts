// What each hidden unit computes over the plane, for the heatmaps drawn inside the graph view's
// nodes (as TensorFlow Playground does). One forward pass over the boundary's grid gives both: the
// network's outputs for the regions and every hidden layer's outputs, averaged down to a coarser
// grid for the heatmaps. It runs only when the worker posts a snapshot, never per training step.
import { noGrad, type Tensor } from '@backprop/core';
import { type BoundaryOptions, boundaryFromOutputs, gridInputs } from './boundary.js';
import type { Plane } from './datasets.js';
import type { PlaygroundNet } from './network.js';
import type { Boundary, UnitMaps } from './protocol.js';

/**
 * Grid cells averaged (per side) into one heatmap cell: a 50² boundary grid gives 25² heatmaps, or
 * 10² ones where the network has more than `FINE_UNITS` hidden units, whose nodes are drawn small
 * (a finer map would only cost the worker, the message and the page more, and show nothing more).
 *
 * @example
 * ```ts
 * [unitBlock(50, 12), unitBlock(50, 192)]; // [2, 5]
 * ```
 */
export function unitBlock(resolution: number, hiddenUnits: number): number {
  const block = hiddenUnits > FINE_UNITS ? 5 : 2;
  return resolution % block === 0 ? block : 1;
}

/** The most hidden units whose heatmaps are sent at the finer resolution. */
export const FINE_UNITS = 64;

/**
 * One hidden layer's outputs on a resolution² grid (`values` row-major [cells, width], as the layer
 * computes them), averaged over blocks of `block` × `block` cells and regrouped unit by unit: unit
 * u's map is `[u * side², (u + 1) * side²)` of the result, side = resolution / block, row 0 at the top.
 *
 * @example
 * ```ts
 * // one unit on a 2×2 grid, averaged to a single cell
 * downsampleUnits(Float32Array.of(1, 2, 3, 4), 1, 2, 2); // Float32Array [2.5]
 * ```
 */
export function downsampleUnits(
  values: ArrayLike<number>,
  width: number,
  resolution: number,
  block: number,
): Float32Array {
  if (!Number.isInteger(block) || block < 1 || resolution % block !== 0)
    throw new Error(
      `downsampleUnits: block ${block} must be a whole divisor of the grid's ${resolution} cells`,
    );
  if (values.length !== resolution * resolution * width)
    throw new Error(
      `downsampleUnits: a ${resolution}² grid of ${width} units needs ${resolution * resolution * width} values, got ${values.length}`,
    );
  const side = resolution / block;
  const out = new Float32Array(width * side * side);
  const share = 1 / (block * block);
  for (let r = 0; r < resolution; r++) {
    const row = Math.floor(r / block) * side;
    for (let c = 0; c < resolution; c++) {
      const cell = row + Math.floor(c / block);
      const from = (r * resolution + c) * width;
      for (let u = 0; u < width; u++) out[u * side * side + cell]! += values[from + u]! * share;
    }
  }
  return out;
}

/**
 * The decision regions and every hidden unit's heatmap from one pass of `net` over the plane's grid.
 *
 * @example
 * ```ts
 * const { boundary, units } = planeMaps(net, 2, { min: -1, max: 1 }, 50, []);
 * units.resolution; // 25 (10 for a network of more than 64 hidden units)
 * units.layers[0]!.length; // 25 * 25 * (width of the first hidden layer)
 * ```
 */
export function planeMaps(
  net: PlaygroundNet,
  classes: number,
  plane: Plane,
  resolution: number,
  fixed: number[],
  options: BoundaryOptions = {},
): { boundary: Boundary; units: UnitMaps } {
  const grid = gridInputs(plane, resolution, fixed);
  const { outs } = noGrad(() => net.trace(options.inputsOf ? options.inputsOf(grid) : grid));
  const boundary = boundaryFromOutputs(outs.at(-1)!, classes, resolution, options.task);
  const hidden = outs.slice(0, -1);
  const block = unitBlock(
    resolution,
    hidden.reduce((n, h) => n + h.shape[1]!, 0),
  );
  const layers = hidden.map((h: Tensor) => downsampleUnits(h.data(), h.shape[1]!, resolution, block));
  return { boundary, units: { resolution: resolution / block, layers } };
}
