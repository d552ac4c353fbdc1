// The graph view: one example's forward and backward pass drawn on the network. Edges are weights
// (colour: sign, width: size; label and hover readout: value and gradient); nodes show their value
// and their δ = ∂loss/∂net, the lecture's modified error; each hidden node holds a heatmap of its
// output over the plane.
//
// A network of six layers of 32 has over 5000 weights: far too many SVG elements to rebuild, or
// even restyle, every frame. So everything that changes from frame to frame is painted on two
// canvases under the SVG (graph-paint.ts), and the SVG holds what stays: names, bias boxes, and one element
// per node whose data attributes carry its numbers; only the labels and the value and δ texts of a
// small network change in it. Hovering finds the node or edge under the pointer by geometry.
import type { GraphTrace, UnitMaps } from '../protocol.js';
import { fmt } from './colors.js';
import {
  BIAS,
  describeEdge,
  type EdgeSet,
  type EdgeValues,
  edgeSet,
  edgeValues,
  nearestEdge,
  steepestEdge,
} from './graph-edges.js';
import { type Box, type GraphLayout, layoutGraph, placeLabels } from './graph-layout.js';
import { type EdgePicture, EdgeRaster, paintHeatmaps, paintNodes } from './graph-paint.js';
import { svgChild } from './svg.js';

/** Above this many weights (biases included) the edges carry the hover readout only, not labels. */
export const LABEL_LIMIT = 60;
/** Nodes smaller than this (crowded layers) show δ by their ring only, not as text. */
const DELTA_TEXT_RADIUS = 11;
/** Milliseconds a frame spent rasterizing edges (a network of 6 × 32 takes a few frames). */
const EDGE_BUDGET_MS = 6;
/** The edges may take one part in this many of the page's time (see #workEdges). */
const EDGE_DUTY = 4;
/** How near (in screen pixels) the pointer must be to an edge to pick it. */
const PICK_DISTANCE = 5;
const IDLE_READOUT = 'Hover over or tap an edge or a node for its exact numbers.';

/**
 * The layout's width for a view `cssWidth` pixels wide: its own width in steps of 20, between 400
 * and 640, so that text keeps about its size from a phone to a desktop.
 *
 * @example
 * ```ts
 * [layoutWidthFor(0), layoutWidthFor(366), layoutWidthFor(563), layoutWidthFor(900)]; // [640, 400, 560, 640]
 * ```
 */
export function layoutWidthFor(cssWidth: number): number {
  if (!(cssWidth > 0)) return 640;
  return Math.max(400, Math.min(640, Math.round(cssWidth / 20) * 20));
}

/**
 * The text of one node's readout.
 *
 * @example
 * ```ts
 * describeNode(trace, 1, 0); // 'hidden node 1 of layer 1: value 0.76, δ = ∂L/∂net = -0.012'
 * ```
 */
export function describeNode(trace: GraphTrace, layer: number, i: number): string {
  const value = trace.activations[layer]![i]!;
  const delta = layer === 0 ? null : trace.deltas[layer - 1]![i]!;
  const kind = layer === 0 ? 'input' : layer === trace.sizes.length - 1 ? 'output (logit)' : 'hidden';
  const own = delta === null ? '' : `, δ = ∂L/∂net = ${fmt(delta, 4)}`;
  return `${kind} node ${i + 1} of layer ${layer}: value ${fmt(value, 4)}${own}`;
}

/**
 * The graph view's text alternative: the network's shape, the traced example and where the error
 * flows most.
 *
 * @example
 * ```ts
 * describeGraph(trace, set, values); // 'Network 2–4–1 tracing training example 3: loss 0.41. Largest gradient: ...'
 * ```
 */
export function describeGraph(trace: GraphTrace, set: EdgeSet, values: EdgeValues): string {
  const steepest = steepestEdge(values);
  const most = steepest >= 0 ? ` Largest gradient: ${describeEdge(set, values, steepest)}.` : '';
  const heatmaps = trace.sizes.length > 2 ? ' Each hidden node shows its output over the plane.' : '';
  return `Network ${trace.sizes.join('–')} tracing training example ${trace.example + 1}: loss ${fmt(trace.loss, 3)}.${most}${heatmaps}`;
}

/** The SVG elements of one node, kept between frames. */
interface NodeElements {
  group: SVGElement;
  value: SVGElement | null;
  delta: SVGElement | null;
}

/** What the pointer is over. */
type Hover = { kind: 'edge'; index: number } | { kind: 'node'; layer: number; index: number } | null;

/**
 * The graph view of one SVG: draws traces into it and into the canvases beneath it (the edges',
 * then the nodes'), rebuilding only when the network's shape (or the view's width step) changes.
 *
 * @example
 * ```ts
 * const view = new GraphView(svg, edgeCanvas, nodeCanvas, readout);
 * view.draw(snapshot.graph, info.features, snapshot.units);
 * ```
 */
export class GraphView {
  #shape = '';
  #layout: GraphLayout = layoutGraph([1]);
  #edges: EdgeSet = edgeSet([1], this.#layout);
  #values: EdgeValues = { weight: new Float32Array(0), grad: new Float32Array(0) };
  #nodes: NodeElements[][] = [];
  #labels: SVGElement | null = null;
  #highlight: SVGElement | null = null;
  #trace: GraphTrace | null = null;
  #names: string[] = [];
  #units: UnitMaps | null = null;
  readonly #raster = new EdgeRaster();
  /** The edges to rasterize once the raster is free: always the newest weights. */
  #wantedEdges: EdgePicture | null = null;
  #edgeFrame = 0;
  /** When the last edge picture started, the time it has taken so far, and when the next may start. */
  #edgesStarted = 0;
  #edgesTime = 0;
  #edgesDue = 0;
  #hover: Hover = null;
  #cssWidth = 0;

  constructor(
    readonly svg: SVGSVGElement,
    readonly edgeCanvas: HTMLCanvasElement,
    readonly nodeCanvas: HTMLCanvasElement,
    readonly readout: HTMLElement | null,
  ) {
    this.readout?.replaceChildren(IDLE_READOUT);
    const pick = (e: PointerEvent) => this.#pick(e);
    svg.addEventListener('pointermove', pick);
    svg.addEventListener('pointerdown', pick);
    svg.addEventListener('pointerleave', () => this.#setHover(null));
    // Watching the size saves reading the layout every frame. The redraw waits for the next frame:
    // redrawing inside the observer would resize the SVG again within the same frame.
    let pending = 0;
    new ResizeObserver((entries) => {
      this.#cssWidth = entries[0]?.contentRect.width ?? this.#cssWidth;
      if (pending) return;
      pending = requestAnimationFrame(() => {
        pending = 0;
        this.#render();
      });
    }).observe(svg);
  }

  /** Draws `trace` (and the heatmaps of `units`, where given); `names` are the inputs' names. */
  draw(trace: GraphTrace, names: string[], units?: UnitMaps): void {
    this.#trace = trace;
    this.#names = names;
    this.#units = units !== undefined && units.layers.length === trace.sizes.length - 2 ? units : null;
    this.#render();
  }

  #render(): void {
    const trace = this.#trace;
    if (!trace) return;
    const width = layoutWidthFor(this.#cssWidth);
    const shape = JSON.stringify([trace.sizes, this.#names, this.#units !== null, width]);
    if (shape !== this.#shape) this.#build(trace.sizes, width, shape);
    this.#values = edgeValues(trace, this.#edges);
    this.edgeCanvas.dataset.edges = String(this.#edges.count);
    this.#updateNodes(trace);
    if (this.#edges.count <= LABEL_LIMIT) this.#updateLabels();
    this.svg.setAttribute('aria-label', describeGraph(trace, this.#edges, this.#values));
    this.#paint(trace);
    this.#showHover();
  }

  // The parts that depend only on the network's shape: the viewBox, names, bias boxes, nodes.
  #build(sizes: number[], width: number, shape: string): void {
    this.#shape = shape;
    const layout = layoutGraph(sizes, width);
    this.#layout = layout;
    this.#edges = edgeSet(sizes, layout);
    this.#hover = null;
    // The old network's edges go at once; the new ones start without waiting their turn.
    this.#raster.cancel();
    this.#edgesDue = 0;
    this.edgeCanvas.getContext('2d')!.clearRect(0, 0, this.edgeCanvas.width, this.edgeCanvas.height);
    const svg = this.svg;
    svg.replaceChildren();
    svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
    this.#labels = svgChild(svg, 'g', { class: 'edge-labels' });
    this.#highlight = svgChild(svg, 'line', { class: 'hover-edge', visibility: 'hidden' });
    const r = layout.radius;
    layout.nodes[0]!.forEach((p, i) => {
      svgChild(
        svg,
        'text',
        { class: 'input-name', x: p.x - r - 6, y: p.y + 4 },
        this.#names[i] ?? `x${i + 1}`,
      );
    });
    layout.bias.forEach((p) => {
      svgChild(svg, 'rect', { class: 'bias', x: p.x - 11, y: p.y - 9, width: 22, height: 18, rx: 3 });
      svgChild(svg, 'text', { class: 'bias-label', x: p.x, y: p.y + 4 }, '+1');
    });
    const last = layout.nodes.at(-1)!;
    last.forEach((p, i) => {
      const name = last.length === 1 ? 'z' : `z${i + 1}`;
      svgChild(svg, 'text', { class: 'output-name', x: p.x + r + 6, y: p.y + 4 }, name);
    });
    const group = svgChild(svg, 'g', { class: 'nodes' });
    const texts = r >= DELTA_TEXT_RADIUS;
    this.#nodes = layout.nodes.map((column, layer) =>
      column.map((p, index) => {
        const hidden = layer > 0 && layer < layout.nodes.length - 1;
        const g = svgChild(group, 'g', {
          class: 'node',
          'data-layer': layer,
          'data-index': index,
          ...(hidden && this.#units ? { 'data-heatmap': 'true' } : {}),
        });
        // Painted on the canvas; the circle marks where the node is (for tests and the curious).
        svgChild(g, 'circle', { class: 'body', cx: p.x, cy: p.y, r });
        return {
          group: g,
          value: texts ? svgChild(g, 'text', { class: 'value', x: p.x, y: p.y + 4 }, '') : null,
          delta:
            texts && layer > 0 ? svgChild(g, 'text', { class: 'delta', x: p.x, y: p.y + r + 12 }, '') : null,
        };
      }),
    );
  }

  // Data attributes only (no style depends on them, so they cost no repaint), and the texts of a
  // small network.
  #updateNodes(trace: GraphTrace): void {
    this.#nodes.forEach((column, layer) => {
      column.forEach((node, i) => {
        const value = trace.activations[layer]![i]!;
        node.group.setAttribute('data-value', String(value));
        if (node.value) node.value.textContent = fmt(value, 2);
        if (layer === 0) return;
        const delta = trace.deltas[layer - 1]![i]!;
        node.group.setAttribute('data-delta', String(delta));
        if (node.delta) node.delta.textContent = `δ ${fmt(delta, 2)}`;
      });
    });
  }

  // Everything a label must not cover: nodes, their δ lines, bias boxes and input names.
  #obstacles(): Box[] {
    const layout = this.#layout;
    const r = layout.radius + 1;
    const boxes: Box[] = layout.nodes.flat().map((p) => ({ x: p.x, y: p.y, halfWidth: r, halfHeight: r }));
    if (layout.radius >= DELTA_TEXT_RADIUS) {
      for (const p of layout.nodes.slice(1).flat())
        boxes.push({ x: p.x, y: p.y + r + 8, halfWidth: 30, halfHeight: 7 });
    }
    for (const p of layout.bias) boxes.push({ x: p.x, y: p.y, halfWidth: 12, halfHeight: 10 });
    for (const p of layout.nodes[0]!) boxes.push({ x: p.x - r - 30, y: p.y, halfWidth: 30, halfHeight: 7 });
    return boxes;
  }

  // The weight and its gradient written on the edges, wherever there is room; weights first. The
  // text elements are reused from frame to frame.
  #updateLabels(): void {
    const group = this.#labels!;
    const set = this.#edges;
    const { weight, grad } = this.#values;
    const all = Array.from({ length: set.count }, (_, i) => i);
    const ordered = [...all.filter((i) => set.from[i] !== BIAS), ...all.filter((i) => set.from[i] === BIAS)];
    const texts = ordered.map((i) => [fmt(weight[i]!, 2), `∇${fmt(grad[i]!, 2)}`] as const);
    // Rough text widths at the view's font sizes (11 px weight, 10 px gradient): enough to keep
    // labels apart.
    const widths = texts.map(([w, g]) => 6.2 * w.length + 5.6 * g.length + 3);
    const segments = ordered.map(
      (i) =>
        [
          { x: set.x1[i]!, y: set.y1[i]! },
          { x: set.x2[i]!, y: set.y2[i]! },
        ] as [{ x: number; y: number }, { x: number; y: number }],
    );
    const spots = placeLabels(segments, widths, 13, this.#obstacles());
    let used = 0;
    ordered.forEach((edge, k) => {
      const spot = spots[k];
      if (!spot) return;
      let text = group.children[used] as SVGElement | undefined;
      if (!text) {
        text = svgChild(group, 'text', { class: 'edge-label' });
        svgChild(text, 'tspan', { class: 'w' });
        svgChild(text, 'tspan', { class: 'g', dx: 3 });
      }
      used += 1;
      text.setAttribute('x', String(spot.x));
      text.setAttribute('y', String(spot.y + 4));
      text.setAttribute('data-detail', describeEdge(set, this.#values, edge));
      text.children[0]!.textContent = texts[k]![0];
      text.children[1]!.textContent = texts[k]![1];
    });
    while (group.children.length > used) group.lastElementChild!.remove();
  }

  // The canvases, at the device's pixels for the view's size: the nodes now, the edges as the
  // raster gets through them (see #workEdges).
  #paint(trace: GraphTrace): void {
    const layout = this.#layout;
    const cssWidth = this.#cssWidth || layout.width;
    const scale = (cssWidth / layout.width) * (window.devicePixelRatio || 1);
    const width = Math.max(1, Math.round(layout.width * scale));
    const height = Math.max(1, Math.round(layout.height * scale));
    for (const canvas of [this.edgeCanvas, this.nodeCanvas]) {
      if (canvas.width === width && canvas.height === height) continue;
      [canvas.width, canvas.height] = [width, height];
      this.#raster.cancel(); // its image has the old size
    }
    const ctx = this.nodeCanvas.getContext('2d')!;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, width, height);
    if (this.#units) paintHeatmaps(ctx, layout, this.#units, scale);
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    paintNodes(ctx, layout, trace, this.#units !== null);
    this.#wantedEdges = { edges: this.#edges, weight: this.#values.weight, scale, width, height };
    if (!this.#edgeFrame) this.#edgeFrame = requestAnimationFrame(() => this.#workEdges());
  }

  // A few milliseconds of edge rasterizing a frame, until the newest weights are drawn. A picture
  // once started is finished before the next starts, so that a run that sends weights every frame
  // still gets its edges drawn; and the next starts only when the last one's time is at most a
  // quarter of the time since it started, so that a large network's edges (some 25 ms at 6 × 32)
  // take no more than a quarter of the page's thread from the rest of the page and the training.
  #workEdges(): void {
    this.#edgeFrame = 0;
    const now = performance.now();
    if (!this.#raster.busy && this.#wantedEdges && now >= this.#edgesDue) {
      this.#raster.start(this.#wantedEdges);
      this.#wantedEdges = null;
      this.#edgesStarted = now;
      this.#edgesTime = 0;
    }
    if (this.#raster.busy) {
      const image = this.#raster.work(EDGE_BUDGET_MS);
      this.#edgesTime += performance.now() - now;
      if (image) {
        this.edgeCanvas.getContext('2d')!.putImageData(image, 0, 0);
        this.#edgesDue = this.#edgesStarted + EDGE_DUTY * this.#edgesTime;
      }
    }
    if (this.#raster.busy || this.#wantedEdges)
      this.#edgeFrame = requestAnimationFrame(() => this.#workEdges());
  }

  // The node or edge under the pointer, by geometry: nodes first, then the nearest edge.
  #pick(event: PointerEvent): void {
    const box = this.svg.getBoundingClientRect();
    if (box.width === 0) return;
    const units = this.#layout.width / box.width;
    const p = { x: (event.clientX - box.left) * units, y: (event.clientY - box.top) * units };
    const r = this.#layout.radius;
    for (const [layer, column] of this.#layout.nodes.entries()) {
      const index = column.findIndex((n) => Math.hypot(n.x - p.x, n.y - p.y) <= r + 1);
      if (index >= 0) {
        this.#setHover({ kind: 'node', layer, index });
        return;
      }
    }
    const edge = nearestEdge(this.#edges, p, PICK_DISTANCE * units);
    this.#setHover(edge >= 0 ? { kind: 'edge', index: edge } : null);
  }

  #setHover(hover: Hover): void {
    this.#hover = hover;
    this.#showHover();
  }

  // The readout line and the highlighted edge, for what is hovered now (with this frame's numbers).
  #showHover(): void {
    const hover = this.#hover;
    const trace = this.#trace;
    const line = this.#highlight;
    let text = IDLE_READOUT;
    let visible = false;
    if (hover?.kind === 'node' && trace) text = describeNode(trace, hover.layer, hover.index);
    if (hover?.kind === 'edge' && hover.index < this.#edges.count && line) {
      const set = this.#edges;
      const i = hover.index;
      text = describeEdge(set, this.#values, i);
      const ends = { x1: set.x1[i]!, y1: set.y1[i]!, x2: set.x2[i]!, y2: set.y2[i]! };
      for (const [k, v] of Object.entries(ends)) line.setAttribute(k, String(v));
      visible = true;
    }
    if (line && line.getAttribute('visibility') !== (visible ? 'visible' : 'hidden'))
      line.setAttribute('visibility', visible ? 'visible' : 'hidden');
    if (this.readout && this.readout.textContent !== text) this.readout.textContent = text;
  }
}

const views = new WeakMap<SVGSVGElement, GraphView>();

/**
 * Redraws the network for one traced example into `svg` and the two canvases under it in its
 * `.graph-view` container (the edges', then the nodes'; made there if missing), with each hidden node's heatmap from `units`,
 * and the container's `.readout` line for what the pointer is over.
 *
 * @example
 * ```ts
 * drawGraph(document.querySelector('svg#graph')!, snapshot.graph, info.features, snapshot.units);
 * ```
 */
export function drawGraph(
  svg: SVGSVGElement,
  trace: GraphTrace,
  inputNames: string[],
  units?: UnitMaps,
): void {
  let view = views.get(svg);
  if (!view) {
    const container = svg.closest('.graph-view') ?? svg.parentElement!;
    // The edges' canvas, then the nodes' canvas, under the SVG.
    const canvases = Array.from(container.querySelectorAll('canvas'));
    while (canvases.length < 2) {
      const canvas = document.createElement('canvas');
      canvas.setAttribute('aria-hidden', 'true');
      svg.before(canvas);
      canvases.push(canvas);
    }
    view = new GraphView(svg, canvases[0]!, canvases[1]!, container.querySelector<HTMLElement>('.readout'));
    views.set(svg, view);
  }
  view.draw(trace, inputNames, units);
}
