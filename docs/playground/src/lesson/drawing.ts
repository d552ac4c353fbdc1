// The lesson's network drawn in SVG: nodes as circles in columns, weights as labelled edges, the
// error E as a box after the outputs. Numbers appear as the steps reveal them; the current node
// gets a second, dashed ring and a "now" mark, so that it stands out without colour.

import { svgChild } from '../ui/svg.js';
import { formatNumber } from './format.js';
import { biasName, type LessonSpec, nodeNumber, weightName } from './lessons.js';
import { nodeKey, type Revealed } from './progress.js';
import type { LessonTrace } from './types.js';

const WIDTH = 760;
/** Height the nodes' rows share, and the most room one row gets (networks two nodes high). */
const ROWS_HEIGHT = 360;
const MAX_ROW = 190;
const RADIUS = 26;
const LEFT = 70;
/** Room right of the outputs for the targets and the E box. */
const RIGHT = 200;
/**
 * Where along an edge its label sits: nearer the node fed, where the edges into it have fanned apart
 * and the texts beside the nodes (which start at the node's left edge and run right) are not.
 */
const LABEL_AT = 0.62;
const NOT_YET = '?';

interface Point {
  x: number;
  y: number;
}

/** Centre of every node, by layer (inputs first). */
function layout(sizes: readonly number[]): { points: Point[][]; height: number } {
  const row = Math.min(MAX_ROW, ROWS_HEIGHT / Math.max(...sizes));
  const height = Math.max(...sizes) * row + 60;
  const step = (WIDTH - LEFT - RIGHT) / (sizes.length - 1);
  const points = sizes.map((n, l) =>
    Array.from({ length: n }, (_, j) => ({ x: LEFT + l * step, y: height / 2 + (j - (n - 1) / 2) * row })),
  );
  return { points, height };
}

/** What the drawing shows: the lesson, its trace, and how far the steps have gone. */
export interface LessonPicture {
  spec: LessonSpec;
  trace: LessonTrace;
  shown: Revealed;
}

function drawEdges(svg: SVGSVGElement, pic: LessonPicture, points: Point[][]): void {
  const { spec, trace, shown } = pic;
  const { style } = spec;
  const current = shown.current;
  for (let l = 1; l < spec.sizes.length; l++) {
    trace.params.weights[l - 1]!.forEach((row, j) => {
      row.forEach((w, i) => {
        const [a, b] = [points[l - 1]![i]!, points[l]![j]!];
        const name = weightName(spec.sizes, l, j, i);
        const active =
          current !== null && current.kind !== 'error' && current.kind !== 'update'
            ? current.layer === l && current.index === j
            : current?.kind === 'update';
        const grad = shown.gradients.has(nodeKey(l, j)) ? trace.weightGrads[l - 1]![j]![i]! : null;
        const after = shown.updated ? trace.updated.weights[l - 1]![j]![i]! : null;
        const g = svgChild(svg, 'g', {
          class: active ? 'lesson-edge active' : 'lesson-edge',
          'data-weight-name': name,
          'data-weight': w,
          ...(grad === null ? {} : { 'data-grad': grad }),
          ...(after === null ? {} : { 'data-updated': after }),
        });
        svgChild(g, 'title', {}, `${name} = ${w}${grad === null ? '' : `, ∂E/∂${name} = ${grad}`}`);
        svgChild(g, 'line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y });
        const at = { x: a.x + LABEL_AT * (b.x - a.x), y: a.y + LABEL_AT * (b.y - a.y) };
        const value = formatNumber(w, style.weight);
        const head =
          after === null ? `${name} = ${value}` : `${name}: ${value} → ${formatNumber(after, style.weight)}`;
        svgChild(g, 'text', { class: 'weight', x: at.x, y: at.y - 2 }, head);
        if (grad !== null)
          svgChild(
            g,
            'text',
            { class: 'grad', x: at.x, y: at.y + 11 },
            `∇ ${formatNumber(grad, style.gradient)}`,
          );
      });
    });
  }
}

function nodeLines(pic: LessonPicture, l: number, j: number): { above: string[]; below: string[] } {
  const { spec, trace, shown } = pic;
  const { style } = spec;
  const k = nodeNumber(spec.sizes, l, j);
  const node = trace.layers[l - 1]![j]!;
  const above: string[] = [];
  const below: string[] = [];
  if (spec.hasBiases) {
    const b = trace.params.biases[l - 1]![j]!;
    const after = shown.updated ? ` → ${formatNumber(trace.updated.biases[l - 1]![j]!, style.weight)}` : '';
    above.push(`${biasName(spec.sizes, l, j)} = ${formatNumber(b, style.weight)}${after}`);
  }
  const sigmoid = spec.activation === 'sigmoid';
  if (sigmoid)
    above.push(
      `net${k} = ${shown.values.has(nodeKey(l, j)) ? formatNumber(node.net, style.value) : NOT_YET}`,
    );
  if (shown.gradients.has(nodeKey(l, j))) {
    below.push(`∂E/∂n${k} = ${formatNumber(node.gradOut, style.gradient)}`);
    if (sigmoid) below.push(`∂E/∂net${k} = ${formatNumber(node.gradNet, style.gradient)}`);
  }
  return { above, below };
}

function drawNode(svg: SVGSVGElement, pic: LessonPicture, at: Point, l: number, j: number): void {
  const { spec, trace, shown } = pic;
  const k = nodeNumber(spec.sizes, l, j);
  const input = l === 0;
  const node = input ? null : trace.layers[l - 1]![j]!;
  const known = input || shown.values.has(nodeKey(l, j));
  const value = input ? trace.params.inputs[j]! : node!.out;
  const current =
    shown.current !== null &&
    (shown.current.kind === 'forward' || shown.current.kind === 'backward') &&
    shown.current.layer === l &&
    shown.current.index === j;
  const g = svgChild(svg, 'g', {
    class: `lesson-node${input ? ' input' : ''}${current ? ' current' : ''}`,
    'data-node': `n${k}`,
    ...(known ? { 'data-value': value } : {}),
    ...(node && shown.gradients.has(nodeKey(l, j))
      ? { 'data-grad-out': node.gradOut, 'data-grad-net': node.gradNet }
      : {}),
    ...(current ? { 'aria-current': 'step' } : {}),
  });
  const text = known ? formatNumber(value, spec.style.value) : NOT_YET;
  svgChild(g, 'title', {}, `n${k} = ${known ? value : 'not computed yet'}`);
  if (current) svgChild(g, 'circle', { class: 'ring', cx: at.x, cy: at.y, r: RADIUS + 6 });
  svgChild(g, 'circle', { cx: at.x, cy: at.y, r: RADIUS });
  svgChild(g, 'text', { class: 'name', x: at.x, y: at.y - 7 }, `n${k}`);
  svgChild(g, 'text', { class: 'value', x: at.x, y: at.y + 12 }, text);
  const { above, below } = input ? { above: [], below: [] } : nodeLines(pic, l, j);
  // Left-aligned at the circle's left edge: clear of the labels of the edges coming in.
  const x = at.x - RADIUS;
  above.forEach((line, n) => {
    svgChild(g, 'text', { class: 'net side', x, y: at.y - RADIUS - 6 - (above.length - 1 - n) * 13 }, line);
  });
  below.forEach((line, n) => {
    svgChild(g, 'text', { class: 'grad side', x, y: at.y + RADIUS + 14 + n * 13 }, line);
  });
  if (current)
    svgChild(g, 'text', { class: 'now side', x, y: at.y - RADIUS - 8 - above.length * 13 }, '▼ now');
}

function drawError(svg: SVGSVGElement, pic: LessonPicture, outputs: Point[]): void {
  const { spec, trace, shown } = pic;
  const { style } = spec;
  const box = { x: WIDTH - 50, y: outputs.reduce((s, p) => s + p.y, 0) / outputs.length };
  outputs.forEach((p, j) => {
    svgChild(svg, 'line', {
      class: 'lesson-error-edge',
      x1: p.x + RADIUS,
      y1: p.y,
      x2: box.x - 34,
      y2: box.y,
    });
    const y = spec.sizes.at(-1) === 1 ? 'y' : `y${j + 1}`;
    const target = formatNumber(trace.params.targets[j]!, style.value);
    svgChild(svg, 'text', { class: 'target side', x: p.x + RADIUS + 8, y: p.y - 8 }, `${y} = ${target}`);
  });
  const current = shown.current?.kind === 'error';
  const g = svgChild(svg, 'g', {
    class: `lesson-error${current ? ' current' : ''}`,
    ...(shown.error ? { 'data-error': trace.error } : {}),
    ...(current ? { 'aria-current': 'step' } : {}),
  });
  svgChild(g, 'title', {}, `E = ½ Σ (n − y)² = ${shown.error ? trace.error : 'not computed yet'}`);
  if (current)
    svgChild(g, 'rect', { class: 'ring', x: box.x - 40, y: box.y - 30, width: 80, height: 60, rx: 10 });
  svgChild(g, 'rect', { x: box.x - 34, y: box.y - 24, width: 68, height: 48, rx: 6 });
  svgChild(g, 'text', { class: 'name', x: box.x, y: box.y - 6 }, 'E');
  svgChild(
    g,
    'text',
    { class: 'value', x: box.x, y: box.y + 12 },
    shown.error ? formatNumber(trace.error, style.value) : NOT_YET,
  );
  if (shown.updated)
    svgChild(
      g,
      'text',
      { class: 'net', x: box.x, y: box.y + 42 },
      `then ${formatNumber(trace.errorAfter, style.value)}`,
    );
}

/**
 * Draws a lesson's network into `svg` as far as the steps have revealed it, replacing what was
 * there.
 *
 * @example
 * ```ts
 * drawLesson(svg, { spec: LESSONS['002'], trace, shown: revealed(steps, cursor) });
 * ```
 */
export function drawLesson(svg: SVGSVGElement, pic: LessonPicture): void {
  const { points, height } = layout(pic.spec.sizes);
  svg.replaceChildren();
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${height}`);
  drawEdges(svg, pic, points);
  drawError(svg, pic, points.at(-1)!);
  points.forEach((column, l) => {
    column.forEach((at, j) => {
      drawNode(svg, pic, at, l, j);
    });
  });
}
