// What the graph view paints on its two canvases. The edges canvas: every weight as a line, blue
// positive, orange negative, dashed for biases, as wide as the weight; rasterized in slices of a
// few milliseconds a frame (raster.ts), since a network of six layers of 32 has over 5000 edges and
// drawing them all at once would hold up a frame. The nodes canvas, above it and redrawn every
// frame: each hidden node's heatmap, the other nodes' fills, every outline and δ ring. Painting
// on canvases leaves the SVG above them unchanged from frame to frame for a large network, so the
// browser has no vector graphics to restyle or repaint.
import type { GraphTrace, UnitMaps } from '../protocol.js';
import { CLASS_RGB, divergingRgb, signCss } from './colors.js';
import { BIAS, type EdgeSet } from './graph-edges.js';
import type { GraphLayout } from './graph-layout.js';
import { addLine, densityToPixels, paintDisc } from './raster.js';

const DELTA_CSS = 'rgba(142, 36, 170, 0.6)';
/** Density of one edge at full coverage: ln 4, so that a lone edge is 75% opaque. */
const EDGE_DENSITY = Math.log(4);
/** A bias edge's dash: 4 units drawn, 3 skipped. */
const DASH = [4, 3] as const;
/** Edges rasterized between two looks at the clock. */
const EDGES_PER_CHECK = 64;

/**
 * An edge's stroke width in the view's units: 0.6 to 5.6, by its share of the largest |weight|.
 *
 * @example
 * ```ts
 * edgeWidth(-2, 4); // 3.1
 * ```
 */
export function edgeWidth(weight: number, maxWeight: number): number {
  return 0.6 + 5 * Math.min(1, Math.abs(weight) / maxWeight);
}

/** One picture of the edges to rasterize: their geometry and weights, `scale` pixels per unit. */
export interface EdgePicture {
  edges: EdgeSet;
  weight: Float32Array;
  scale: number;
  width: number;
  height: number;
}

/**
 * Rasterizes the edges into an image a slice at a time: `start` a picture, then call `work` once a
 * frame until it returns the finished image.
 *
 * @example
 * ```ts
 * raster.start({ edges, weight, scale, width: canvas.width, height: canvas.height });
 * const image = raster.work(6); // null until done
 * if (image) ctx.putImageData(image, 0, 0);
 * ```
 */
export class EdgeRaster {
  #image: ImageData | null = null;
  #positive = new Float32Array(0);
  #negative = new Float32Array(0);
  #picture: EdgePicture | null = null;
  #maxWeight = 1;
  #next = 0;

  /** Whether a picture is started and not finished. */
  get busy(): boolean {
    return this.#picture !== null;
  }

  /** Starts on `picture`, dropping any unfinished one. */
  start(picture: EdgePicture): void {
    const { width, height } = picture;
    if (this.#image?.width !== width || this.#image.height !== height) {
      this.#image = new ImageData(width, height);
      this.#positive = new Float32Array(width * height);
      this.#negative = new Float32Array(width * height);
    } else {
      this.#positive.fill(0);
      this.#negative.fill(0);
    }
    this.#picture = picture;
    this.#next = 0;
    this.#maxWeight = 1e-6;
    for (const w of picture.weight) if (Math.abs(w) > this.#maxWeight) this.#maxWeight = Math.abs(w);
  }

  /** Drops the unfinished picture, if any. */
  cancel(): void {
    this.#picture = null;
  }

  /** Goes on for about `budgetMs` milliseconds; returns the image once every edge is in it. */
  work(budgetMs: number): ImageData | null {
    const picture = this.#picture;
    if (!picture) return null;
    const { edges, weight, scale } = picture;
    const until = performance.now() + budgetMs;
    const raster = { width: picture.width, height: picture.height };
    const dash = [DASH[0] * scale, DASH[1] * scale] as const;
    while (this.#next < edges.count) {
      const end = Math.min(edges.count, this.#next + EDGES_PER_CHECK);
      for (let i = this.#next; i < end; i++) {
        const w = weight[i]!;
        addLine(
          w >= 0 ? this.#positive : this.#negative,
          raster,
          edges.x1[i]! * scale,
          edges.y1[i]! * scale,
          edges.x2[i]! * scale,
          edges.y2[i]! * scale,
          edgeWidth(w, this.#maxWeight) * scale,
          EDGE_DENSITY,
          edges.from[i] === BIAS ? dash : null,
        );
      }
      this.#next = end;
      if (this.#next < edges.count && performance.now() > until) return null;
    }
    this.#picture = null;
    const image = this.#image!;
    densityToPixels(this.#positive, this.#negative, CLASS_RGB[1]!, CLASS_RGB[0]!, image.data);
    return image;
  }
}

// The heatmaps' colours for values −1 … 1 in 2 × HEAT_HALF steps, looked up rather than computed
// for each of the up to 45 000 heatmap pixels a frame.
const HEAT_HALF = 128;
const HEAT_LUT = Uint8Array.from({ length: 4 * (2 * HEAT_HALF + 1) }, (_, i) => {
  const channel = i % 4;
  return channel === 3 ? 255 : divergingRgb(Math.floor(i / 4) / HEAT_HALF - 1)[channel]!;
});

/**
 * Each hidden node's output over the plane, in its circle: one small image per node, put where the
 * node is (`scale` canvas pixels per layout unit). A layer's colours share one scale: |output| up to
 * 1 (tanh, sigmoid) keeps its size, larger outputs (ReLU) are scaled down to the layer's largest.
 *
 * @example
 * ```ts
 * paintHeatmaps(ctx, layout, snapshot.units, scale);
 * ```
 */
export function paintHeatmaps(
  ctx: CanvasRenderingContext2D,
  layout: GraphLayout,
  units: UnitMaps,
  scale: number,
): void {
  const res = units.resolution;
  const cells = res * res;
  const r = layout.radius * scale;
  const side = Math.ceil(2 * r) + 2;
  const tile = new ImageData(side, side);
  units.layers.forEach((values, l) => {
    let largest = 1;
    for (const v of values) if (Math.abs(v) > largest) largest = Math.abs(v);
    layout.nodes[l + 1]!.forEach((p, u) => {
      const left = Math.floor(p.x * scale - r) - 1;
      const top = Math.floor(p.y * scale - r) - 1;
      tile.data.fill(0);
      const map = values.subarray(u * cells, (u + 1) * cells);
      paintDisc(
        tile.data,
        tile,
        p.x * scale - left,
        p.y * scale - top,
        r,
        map,
        res,
        largest,
        HEAT_LUT,
        HEAT_HALF,
      );
      ctx.putImageData(tile, left, top);
    });
  });
}

/**
 * The nodes: a fill by the value's sign and size (but for nodes that hold a heatmap), an outline,
 * and a purple ring as wide as the node's share of the largest |δ|: where the error flows.
 *
 * @example
 * ```ts
 * paintNodes(ctx, layout, trace, true);
 * ```
 */
export function paintNodes(
  ctx: CanvasRenderingContext2D,
  layout: GraphLayout,
  trace: GraphTrace,
  heatmaps: boolean,
): void {
  const r = layout.radius;
  const last = layout.nodes.length - 1;
  let maxDelta = 1e-30;
  for (const layer of trace.deltas) for (const d of layer) if (Math.abs(d) > maxDelta) maxDelta = Math.abs(d);
  ctx.strokeStyle = '#333';
  ctx.lineWidth = 1;
  layout.nodes.forEach((column, layer) => {
    const filled = !(heatmaps && layer > 0 && layer < last);
    column.forEach((p, i) => {
      ctx.beginPath();
      ctx.arc(p.x, p.y, r, 0, 2 * Math.PI);
      if (filled) {
        const value = trace.activations[layer]![i]!;
        ctx.fillStyle = '#fff';
        ctx.fill();
        ctx.globalAlpha = 0.15 + 0.6 * Math.min(1, Math.abs(value));
        ctx.fillStyle = signCss(value);
        ctx.fill();
        ctx.globalAlpha = 1;
      }
      ctx.stroke();
    });
  });
  ctx.strokeStyle = DELTA_CSS;
  trace.deltas.forEach((deltas, k) => {
    deltas.forEach((delta, i) => {
      const ring = (4 * Math.abs(delta)) / maxDelta;
      if (!(ring > 0.05)) return;
      const p = layout.nodes[k + 1]![i]!;
      ctx.lineWidth = ring;
      ctx.beginPath();
      ctx.arc(p.x, p.y, r + 1 + ring / 2, 0, 2 * Math.PI);
      ctx.stroke();
    });
  });
}
