// The graph view: one example's forward and backward pass drawn on the network. Edges are weights
// (colour: sign, width: size, label and tooltip: value and gradient); nodes show their value and
// their δ = ∂loss/∂net, the lecture's modified error.
import type { GraphTrace } from '../protocol.js';
import { fmt, signCss } from './colors.js';
import { type Box, type GraphLayout, layoutGraph, type Point, placeLabels } from './graph-layout.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Above this many weights (biases included) the edges carry tooltips only, not labels. */
export const LABEL_LIMIT = 60;
/** Nodes smaller than this (crowded layers) show δ by their ring only, not as text. */
const DELTA_TEXT_RADIUS = 11;

type Attrs = Record<string, string | number>;

function el(parent: Element, tag: string, attrs: Attrs, text?: string): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  parent.appendChild(node);
  return node;
}

/** One weight to draw: from a node (or a layer's bias) to node `to` of `layer`. */
interface Edge {
  layer: number;
  from: number | 'bias';
  to: number;
  weight: number;
  grad: number;
}

function edgesOf(trace: GraphTrace): Edge[] {
  const edges: Edge[] = [];
  trace.weights.forEach((w, k) => {
    const inputs = trace.sizes[k]!;
    const outputs = trace.sizes[k + 1]!;
    for (let to = 0; to < outputs; to++) {
      for (let from = 0; from < inputs; from++) {
        const i = to * inputs + from;
        edges.push({ layer: k + 1, from, to, weight: w[i]!, grad: trace.weightGrads[k]![i]! });
      }
      edges.push({
        layer: k + 1,
        from: 'bias',
        to,
        weight: trace.biases[k]![to]!,
        grad: trace.biasGrads[k]![to]!,
      });
    }
  });
  return edges;
}

function describe(e: Edge): string {
  const name =
    e.from === 'bias' ? `bias b[${e.layer}](${e.to + 1})` : `weight w[${e.layer}](${e.to + 1}←${e.from + 1})`;
  return `${name} = ${fmt(e.weight, 4)}, ∂L/∂w = ${fmt(e.grad, 4)}`;
}

function ends(layout: GraphLayout, e: Edge): [Point, Point] {
  const a = e.from === 'bias' ? layout.bias[e.layer - 1]! : layout.nodes[e.layer - 1]![e.from]!;
  return [a, layout.nodes[e.layer]![e.to]!];
}

function drawEdge(group: Element, layout: GraphLayout, e: Edge, maxWeight: number): void {
  const [a, b] = ends(layout, e);
  const detail = describe(e);
  const line = el(group, 'line', {
    class: e.from === 'bias' ? 'edge bias-edge' : 'edge',
    ...{ x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: signCss(e.weight) },
    'stroke-width': (0.6 + 5 * Math.min(1, Math.abs(e.weight) / maxWeight)).toFixed(2),
    ...{ 'data-layer': e.layer, 'data-from': String(e.from), 'data-to': e.to },
    ...{ 'data-weight': e.weight, 'data-grad': e.grad, 'data-detail': detail },
  });
  el(line, 'title', {}, detail);
}

// Rough text widths at the view's font sizes (11 px weight, 10 px gradient), enough to keep
// labels apart.
const labelText = (e: Edge) => [fmt(e.weight, 2), `∇${fmt(e.grad, 2)}`] as const;
const labelWidth = (e: Edge) => {
  const [w, g] = labelText(e);
  return 6.2 * w.length + 5.6 * g.length + 3;
};

// Everything a label must not cover: nodes, their δ lines, bias boxes and input names.
function obstacles(layout: GraphLayout, showDeltas: boolean): Box[] {
  const r = layout.radius + 1;
  const boxes: Box[] = layout.nodes.flat().map((p) => ({ x: p.x, y: p.y, halfWidth: r, halfHeight: r }));
  if (showDeltas) {
    for (const p of layout.nodes.slice(1).flat())
      boxes.push({ x: p.x, y: p.y + r + 8, halfWidth: 30, halfHeight: 7 });
  }
  for (const p of layout.bias) boxes.push({ x: p.x, y: p.y, halfWidth: 12, halfHeight: 10 });
  for (const p of layout.nodes[0]!) boxes.push({ x: p.x - r - 30, y: p.y, halfWidth: 30, halfHeight: 7 });
  return boxes;
}

// The weight and its gradient written on the edges, wherever there is room; weights first.
function drawEdgeLabels(group: Element, layout: GraphLayout, edges: Edge[], showDeltas: boolean): void {
  const ordered = [...edges.filter((e) => e.from !== 'bias'), ...edges.filter((e) => e.from === 'bias')];
  const spots = placeLabels(
    ordered.map((e) => ends(layout, e)),
    ordered.map(labelWidth),
    13,
    obstacles(layout, showDeltas),
  );
  ordered.forEach((e, i) => {
    const spot = spots[i];
    if (!spot) return;
    const [w, g] = labelText(e);
    const text = el(group, 'text', {
      class: 'edge-label',
      x: spot.x,
      y: spot.y + 4,
      'data-detail': describe(e),
    });
    el(text, 'tspan', { class: 'w' }, w);
    el(text, 'tspan', { class: 'g', dx: 3 }, g);
  });
}

function drawNode(
  group: Element,
  layout: GraphLayout,
  trace: GraphTrace,
  [layer, i]: [number, number],
  maxDelta: number,
): void {
  const p = layout.nodes[layer]![i]!;
  const r = layout.radius;
  const value = trace.activations[layer]![i]!;
  const delta = layer === 0 ? null : trace.deltas[layer - 1]![i]!;
  const kind = layer === 0 ? 'input' : layer === trace.sizes.length - 1 ? 'output (logit)' : 'hidden';
  const detail = `${kind} node ${i + 1} of layer ${layer}: value ${fmt(value, 4)}${
    delta === null ? '' : `, δ = ∂L/∂net = ${fmt(delta, 4)}`
  }`;
  const attrs: Attrs = { class: 'node', 'data-layer': layer, 'data-index': i, 'data-value': value };
  const g = el(group, 'g', {
    ...attrs,
    ...(delta === null ? {} : { 'data-delta': delta }),
    'data-detail': detail,
  });
  el(g, 'title', {}, detail);
  const strength = Math.min(1, Math.abs(value));
  el(g, 'circle', { cx: p.x, cy: p.y, r, fill: signCss(value), 'fill-opacity': 0.15 + 0.6 * strength });
  if (delta !== null) {
    // A purple ring as wide as this node's share of the largest |δ|: where the error flows.
    const ring = (4 * Math.abs(delta)) / maxDelta;
    if (ring > 0.05)
      el(g, 'circle', {
        class: 'delta-ring',
        cx: p.x,
        cy: p.y,
        r: r + 1 + ring / 2,
        style: `stroke-width: ${ring}px`,
      });
  }
  if (r >= DELTA_TEXT_RADIUS) el(g, 'text', { class: 'value', x: p.x, y: p.y + 4 }, fmt(value, 2));
  if (delta !== null && r >= DELTA_TEXT_RADIUS) {
    el(g, 'text', { class: 'delta', x: p.x, y: p.y + r + 12 }, `δ ${fmt(delta, 2)}`);
  }
}

function drawLabels(svg: Element, layout: GraphLayout, names: string[]): void {
  layout.nodes[0]!.forEach((p, i) => {
    el(svg, 'text', { class: 'input-name', x: p.x - layout.radius - 6, y: p.y + 4 }, names[i] ?? `x${i + 1}`);
  });
  layout.bias.forEach((p) => {
    el(svg, 'rect', { class: 'bias', x: p.x - 11, y: p.y - 9, width: 22, height: 18, rx: 3 });
    el(svg, 'text', { class: 'bias-label', x: p.x, y: p.y + 4 }, '+1');
  });
  const last = layout.nodes.at(-1)!;
  last.forEach((p, i) => {
    el(
      svg,
      'text',
      { class: 'output-name', x: p.x + layout.radius + 6, y: p.y + 4 },
      last.length === 1 ? 'z' : `z${i + 1}`,
    );
  });
}

/**
 * Redraws the network for one traced example into `svg`.
 *
 * @example
 * ```ts
 * drawGraph(document.querySelector('svg#graph')!, snapshot.graph, info.inputs);
 * ```
 */
export function drawGraph(svg: SVGSVGElement, trace: GraphTrace, inputNames: string[]): void {
  const layout = layoutGraph(trace.sizes);
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${layout.width} ${layout.height}`);
  const edges = edgesOf(trace);
  const maxWeight = Math.max(1e-6, ...edges.map((e) => Math.abs(e.weight)));
  const edgeGroup = el(svg, 'g', { class: 'edges' });
  const labelGroup = el(svg, 'g', { class: 'edge-labels' });
  const showDeltas = layout.radius >= DELTA_TEXT_RADIUS;
  for (const e of edges) drawEdge(edgeGroup, layout, e, maxWeight);
  if (edges.length <= LABEL_LIMIT) drawEdgeLabels(labelGroup, layout, edges, showDeltas);
  drawLabels(svg, layout, inputNames);
  const nodeGroup = el(svg, 'g', { class: 'nodes' });
  const maxDelta = Math.max(1e-30, ...trace.deltas.flat().map(Math.abs));
  trace.sizes.forEach((n, layer) => {
    for (let i = 0; i < n; i++) drawNode(nodeGroup, layout, trace, [layer, i], maxDelta);
  });
}
