import { expectOptions, expectTensor } from '../checks.js';
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import {
  BODY_ADVANCE,
  BODY_SIZE,
  type LabelLine,
  LINE_HEIGHT,
  measureLabel,
  TITLE_SIZE,
  vertexLabel,
} from './graph-label.js';
import { type GraphLayout, layoutGraph, type Point, type Size } from './graph-layout.js';
import { type GraphVertex, walkGraph } from './graph-walk.js';

/** Options of `graphToSvg`. */
export interface GraphSvgOptions {
  /**
   * Names for tensors, shown on their vertices. Naming an intermediate tensor also lets its value
   * (and, after `retainGrad()` and backward, its gradient) be shown: an op does not keep its output.
   */
  names?: Map<Tensor, string>;
  /** Tensors with at most this many elements show their values and gradients. Default 4. */
  maxValues?: number;
  /** Significant digits of the values shown. Default 4. */
  digits?: number;
  /** Refuse graphs with more vertices (ops and leaves) than this. Default 5000. */
  maxNodes?: number;
  /** The picture's `<title>`. Default `computation graph`. */
  title?: string;
}

const PAD_X = 10;
const PAD_Y = 6;
const SANS = 'Helvetica, Arial, DejaVu Sans, sans-serif';
const MONO = 'Menlo, Consolas, DejaVu Sans Mono, monospace';
const COLORS = {
  op: { fill: '#e3edfb', stroke: '#4a6fa5' },
  leaf: { fill: '#f1f1f1', stroke: '#8a8a8a' },
  parameter: { fill: '#fff1c9', stroke: '#c08a00' },
  edge: '#7a7a7a',
  shape: '#555555',
  grad: '#b3261e',
};

/**
 * A standalone SVG picture of the graph that produced `t`, drawn like a lecture's computation
 * graph: inputs on the left, the output on the right; ops as boxes and leaves as ellipses
 * (parameters, the leaves that require grad, in yellow; `t`'s op with a bold border); each vertex
 * shows its op or name and its shape, and for small tensors whose values are known (leaves, `t`,
 * named or `retainGrad()` tensors) the value and, after backward, the gradient in red. Needs no
 * Graphviz; the same graph gives the same string. Vertices are `<g>` elements with
 * `id="n<id>"` (ids as in `toDot`), classes `vertex`, `op` or `leaf`, `parameter`, `root`, and
 * their centre in `transform="translate(x y)"`; each edge is a `<path class="edge">` with an arrow,
 * and edges that skip columns branch off one `<path class="trunk">` per source. Graphs of a few
 * thousand vertices take well under a second; past `maxNodes` it throws a ValueError instead.
 *
 * @example
 * ```ts
 * const w = tensor([2, -1], { requiresGrad: true });
 * const x = tensor([1, 3]);
 * const y = w.mul(x).sum();
 * y.backward();
 * writeFileSync('graph.svg', graphToSvg(y, { names: new Map([[w, 'w'], [x, 'x'], [y, 'y']]) }));
 * ```
 */
export function graphToSvg(t: Tensor, options: GraphSvgOptions = {}): string {
  expectTensor('graphToSvg', 't', t);
  expectOptions('graphToSvg', options);
  const { maxValues = 4, digits = 4, maxNodes = 5000, title = 'computation graph' } = options;
  checkCount('maxValues', maxValues, 0);
  checkCount('digits', digits, 1, 21);
  checkCount('maxNodes', maxNodes, 1);
  const graph = walkGraph(t, options.names?.keys());
  const n = graph.vertices.length;
  if (n > maxNodes) {
    throw new ValueError(
      `graphToSvg: the graph has ${n} vertices (ops and leaves), more than maxNodes = ${maxNodes}; ` +
        'pass a larger maxNodes, or draw a part of it (detach() the tensor where the picture should start)',
    );
  }
  const labels = graph.vertices.map((v) => vertexLabel(v, { names: options.names, maxValues, digits }));
  const sizes = graph.vertices.map((v, i) => outline(v, measureLabel(labels[i]!)));
  const layout = layoutGraph(graph, sizes);
  const [width, height] = [num(layout.width), num(layout.height)];
  return [
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<title>${escapeXml(title)}</title>`,
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1 L10,5 L0,9 z" fill="${COLORS.edge}"/></marker></defs>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<g class="edges" fill="none" stroke="${COLORS.edge}" stroke-width="1.3">`,
    ...edgePaths(layout, sizes),
    '</g>',
    '<g class="vertices">',
    ...graph.vertices.map((v, i) => vertexSvg(v, labels[i]!, sizes[i]!, layout.centers[i]!)),
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}

function checkCount(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ValueError(`graphToSvg: ${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
}

// The drawn size of a vertex: a box around the text, or for a leaf an ellipse through the corners
// of that box, taller than the box by half so that it is not much wider than it.
function outline(v: GraphVertex, text: Size): Size {
  const [w, h] = [text.width / 2 + PAD_X, text.height / 2 + PAD_Y];
  if (v.kind === 'op') return { width: 2 * w, height: 2 * h };
  const ry = 1.5 * h;
  const rx = w / Math.sqrt(1 - (h / ry) ** 2);
  return { width: 2 * rx, height: 2 * ry };
}

function vertexSvg(v: GraphVertex, lines: readonly LabelLine[], size: Size, at: Point): string {
  const parameter = v.kind === 'leaf' && v.requiresGrad;
  const kind = parameter ? 'parameter' : v.kind;
  const classes = ['vertex', v.kind, ...(parameter ? ['parameter'] : []), ...(v.id === 0 ? ['root'] : [])];
  const { fill, stroke } = COLORS[kind];
  const paint = `fill="${fill}" stroke="${stroke}" stroke-width="${v.id === 0 ? 2.5 : parameter ? 1.8 : 1.2}"`;
  const [w, h] = [size.width, size.height];
  const body =
    v.kind === 'op'
      ? `<rect x="${num(-w / 2)}" y="${num(-h / 2)}" width="${num(w)}" height="${num(h)}" rx="5" ${paint}/>`
      : `<ellipse cx="0" cy="0" rx="${num(w / 2)}" ry="${num(h / 2)}" ${paint}/>`;
  const tooltip = lines.map((l) => l.text).join(' ');
  return [
    `<g id="n${v.id}" class="${classes.join(' ')}" transform="translate(${num(at.x)} ${num(at.y)})">`,
    `<title>${escapeXml(tooltip)}</title>`,
    body,
    ...textLines(lines),
    '</g>',
  ].join('');
}

// Every line centred, except the rows of a matrix: those form one left-aligned block whose spaces
// are kept, so that its columns line up.
function textLines(lines: readonly LabelLine[]): string[] {
  const numbers = lines.filter((l) => l.role === 'value' || l.role === 'grad');
  const matrix = numbers.some((l) => l.indent > 0) || numbers.filter((l) => l.role === 'value').length > 1;
  const block = Math.max(0, ...numbers.map((l) => l.indent + l.text.length));
  const left = (-block * BODY_ADVANCE) / 2;
  const top = (-lines.length * LINE_HEIGHT) / 2;
  return lines.map((l, i) => {
    const y = num(top + (i + 0.5) * LINE_HEIGHT + 0.35 * (l.role === 'title' ? TITLE_SIZE : BODY_SIZE));
    const text = escapeXml(l.text);
    if (l.role === 'title') {
      return `<text x="0" y="${y}" text-anchor="middle" font-family="${SANS}" font-size="${TITLE_SIZE}" font-weight="bold">${text}</text>`;
    }
    const fill = l.role === 'shape' ? COLORS.shape : l.role === 'grad' ? COLORS.grad : '#111111';
    const at =
      l.role !== 'shape' && matrix
        ? `x="${num(left + l.indent * BODY_ADVANCE)}" y="${y}" xml:space="preserve"`
        : `x="0" y="${y}" text-anchor="middle"`;
    return `<text ${at} font-family="${MONO}" font-size="${BODY_SIZE}" fill="${fill}">${text}</text>`;
  });
}

// One path per edge, into its target at a port of its own: ports are spread along the target's
// left side in the order the edges arrive from top to bottom, so edges into one vertex do not
// cross. An edge starts at its source's right side, or where it leaves its source's trunk; each
// trunk is drawn once, from its source through the columns it crosses.
function edgePaths(layout: GraphLayout, sizes: readonly Size[]): string[] {
  const { centers, columns, layers } = layout;
  const out = (from: number): Point[] => {
    const { x, y } = centers[from]!;
    return [
      { x: x + sizes[from]!.width / 2, y },
      { x: columns[layers[from]!]!.right, y },
    ];
  };
  const routes = layout.edges.map((e) => (e.via ? [e.via] : out(e.from)));
  const arrivals = new Map<number, number[]>();
  layout.edges.forEach((e, i) => {
    const list = arrivals.get(e.to);
    if (list) list.push(i);
    else arrivals.set(e.to, [i]);
  });
  const arrivalY = (i: number) => routes[i]![routes[i]!.length - 1]!.y;
  for (const [to, list] of arrivals) {
    list.sort((a, b) => arrivalY(a) - arrivalY(b) || layout.edges[a]!.slot - layout.edges[b]!.slot);
    const { x, y } = centers[to]!;
    const { width, height } = sizes[to]!;
    const step = Math.min(10, (height * 0.6) / list.length);
    list.forEach((edge, rank) => {
      // Only ops have inputs, so every target is a box.
      const dy = (rank - (list.length - 1) / 2) * step;
      routes[edge]!.push({ x: columns[layers[to]!]!.left, y: y + dy }, { x: x - width / 2, y: y + dy });
    });
  }
  return [
    ...layout.trunks.map((t) => `<path class="trunk" d="${pathData([...out(t.from), ...t.points])}"/>`),
    ...routes.map((points) => `<path class="edge" d="${pathData(points)}" marker-end="url(#arrow)"/>`),
  ];
}

// Straight where a step keeps its height, else a cubic that leaves and arrives horizontally, so
// the joins are smooth and every arrow points along the flow.
function pathData(points: readonly Point[]): string {
  const at = points.map((p) => [num(p.x), num(p.y)] as const);
  let d = `M${at[0]![0]},${at[0]![1]}`;
  for (let i = 1; i < at.length; i++) {
    const [[ax, ay], [bx, by]] = [at[i - 1]!, at[i]!];
    if (ax === bx && ay === by) continue;
    if (ay === by) {
      d += ` L${bx},${by}`;
    } else {
      const mid = num((points[i - 1]!.x + points[i]!.x) / 2);
      d += ` C${mid},${ay} ${mid},${by} ${bx},${by}`;
    }
  }
  return d;
}

// Coordinates to one decimal: short, and the same string for the same graph on any machine.
function num(v: number): string {
  const r = Math.round(v * 10) / 10;
  return String(r === 0 ? 0 : r);
}

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
