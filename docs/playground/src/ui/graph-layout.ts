// Where the graph view puts things: layers as columns of circles, input on the left, as the
// lecture draws a network, with each layer's bias as a "+1" node above its column.

/** A point in the SVG's coordinates. */
export interface Point {
  x: number;
  y: number;
}

/**
 * Positions of every node, and of the bias node feeding each layer after the first.
 *
 * @example
 * ```ts
 * const layout = layoutGraph([2, 4, 1]);
 * layout.nodes[1]!.length; // 4
 * ```
 */
export interface GraphLayout {
  width: number;
  height: number;
  radius: number;
  nodes: Point[][];
  /** `bias[l]` feeds layer l + 1 and sits above column l. */
  bias: Point[];
}

const MARGIN = { left: 90, right: 120, top: 70, bottom: 36 };
const MAX_SPACING = 76;
/**
 * The closest two nodes of a column come: a wide layer makes the view taller rather than its nodes
 * smaller, so that each node keeps room for its heatmap.
 */
export const MIN_SPACING = 24;
/** A node's radius as a share of the spacing of the widest column. */
const RADIUS_SHARE = 0.36;
const BIAS_Y = 26;

/**
 * Lays out a network of layer sizes `sizes` in a box `width` wide and at least `minHeight` tall:
 * taller where the widest layer needs more than `minHeight` at MIN_SPACING.
 *
 * @example
 * ```ts
 * layoutGraph([2, 1], 400, 300).nodes[0]![0]!.x; // 90, the left margin
 * layoutGraph([2, 32, 1]).height; // 850: 31 gaps of 24 and the margins
 * ```
 */
export function layoutGraph(sizes: number[], width = 640, minHeight = 400): GraphLayout {
  const columns = Math.max(1, sizes.length - 1);
  const span = width - MARGIN.left - MARGIN.right;
  const widest = Math.max(...sizes);
  const height = Math.max(minHeight, MARGIN.top + MARGIN.bottom + (widest - 1) * MIN_SPACING);
  const room = height - MARGIN.top - MARGIN.bottom;
  const spacing = Math.min(MAX_SPACING, room / Math.max(1, widest - 1));
  const radius = Math.max(4, Math.min(18, spacing * RADIUS_SHARE));
  const nodes = sizes.map((n, l) => {
    const x = MARGIN.left + (span * l) / columns;
    // Centre each column on the box's middle, so narrow layers sit level with wide ones.
    const top = MARGIN.top + room / 2 - ((n - 1) * spacing) / 2;
    return Array.from({ length: n }, (_, i) => ({ x, y: top + i * spacing }));
  });
  const bias = nodes.slice(0, -1).map((column) => ({ x: column[0]!.x, y: BIAS_Y }));
  return { width, height, radius, nodes, bias };
}

/** An axis-aligned box: centre and half sizes. */
export interface Box {
  x: number;
  y: number;
  halfWidth: number;
  halfHeight: number;
}

const overlaps = (a: Box, b: Box) =>
  Math.abs(a.x - b.x) < a.halfWidth + b.halfWidth && Math.abs(a.y - b.y) < a.halfHeight + b.halfHeight;

/** Where along an edge (0: its source, 1: its target) a label may go, best first. */
const CANDIDATES = [0.5, 0.4, 0.6, 0.3, 0.7, 0.45, 0.55, 0.35, 0.65, 0.25, 0.75, 0.2, 0.8];

/**
 * Places one label of `width` × `height` on each segment, greedily and in order, at the first
 * point along it where it overlaps neither an obstacle nor an earlier label; null where none fits
 * (that edge keeps its tooltip only).
 *
 * @example
 * ```ts
 * placeLabels([[{ x: 0, y: 0 }, { x: 100, y: 0 }]], [40], 12, []); // [{ x: 50, y: 0 }]
 * ```
 */
export function placeLabels(
  segments: [Point, Point][],
  widths: number[],
  height: number,
  obstacles: Box[],
): (Point | null)[] {
  const taken = [...obstacles];
  return segments.map(([a, b], i) => {
    const halfWidth = widths[i]! / 2 + 1;
    for (const t of CANDIDATES) {
      const box = { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t, halfWidth, halfHeight: height / 2 };
      if (taken.some((o) => overlaps(o, box))) continue;
      taken.push(box);
      return { x: box.x, y: box.y };
    }
    return null;
  });
}
