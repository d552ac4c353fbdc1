// The page's drawing arithmetic, which needs no browser: layout, label placement, colours and shapes,
// the boundary's pixels, the loss axis, the graph's edges and their rasterizer, the text alternatives
// and the announcements.
import { describe, expect, it } from 'vitest';
import type { Boundary, DataInfo, GraphTrace, Snapshot } from './src/protocol.js';
import { describeRegions, legendHtml, nearestPoint, toCanvas } from './src/ui/boundary-view.js';
import {
  CLASS_RGB,
  CLASS_TEXT_CSS,
  cellColor,
  classShape,
  divergingRgb,
  fmt,
  MAX_TINT,
  shapePath,
  tint,
} from './src/ui/colors.js';
import { describeCurves } from './src/ui/curves-view.js';
import {
  BIAS,
  describeEdge,
  edgeSet,
  edgeValues,
  nearestEdge,
  segmentDistance,
  steepestEdge,
} from './src/ui/graph-edges.js';
import { layoutGraph, MIN_SPACING, placeLabels } from './src/ui/graph-layout.js';
import { edgeWidth } from './src/ui/graph-paint.js';
import { graphTableShapes, graphTableValues, NONE, nodeName } from './src/ui/graph-tables.js';
import { describeGraph, describeNode, layoutWidthFor } from './src/ui/graph-view.js';
import { logPosition, logRange, logTicks, tickLabel } from './src/ui/log-axis.js';
import { addLine, densityToPixels, paintDisc } from './src/ui/raster.js';
import { regionPixels, scoreFields } from './src/ui/regions.js';
import { announcement } from './src/ui/status.js';

describe('graph layout', () => {
  it('puts layers in columns from left to right, each centred, with a bias node above all but the last', () => {
    const layout = layoutGraph([2, 4, 1], 640, 400);
    expect(layout.nodes.map((c) => c.length)).toEqual([2, 4, 1]);
    expect(layout.nodes.map((c) => c[0]!.x)).toEqual([90, 305, 520]);
    const middle = (c: { y: number }[]) => (c[0]!.y + c.at(-1)!.y) / 2;
    expect(layout.nodes.map(middle)).toEqual([217, 217, 217]);
    expect(layout.bias.map((b) => b.x)).toEqual([90, 305]);
    expect(layout.radius).toBe(18);
  });

  it('grows taller for wide layers, keeping each node room for its heatmap', () => {
    const layout = layoutGraph([2, 32, 1], 640, 400);
    const column = layout.nodes[1]!;
    expect(layout.height).toBe(70 + 36 + 31 * MIN_SPACING);
    expect(column[1]!.y - column[0]!.y).toBe(MIN_SPACING);
    expect(column[0]!.y).toBe(70);
    expect(column.at(-1)!.y).toBe(layout.height - 36);
    expect(layout.radius).toBeCloseTo(0.36 * MIN_SPACING, 10);
    // A narrow network keeps the box it is given.
    expect(layoutGraph([2, 4, 1], 640, 400).height).toBe(400);
  });

  it('picks the layout width from the view width, in steps, between a phone and a desktop', () => {
    expect([0, 330, 366, 563, 604, 900].map(layoutWidthFor)).toEqual([640, 400, 400, 560, 600, 640]);
  });

  it('places labels where they overlap nothing, and gives up where there is no room', () => {
    const a = { x: 0, y: 0 };
    const b = { x: 100, y: 0 };
    const spots = placeLabels(
      [
        [a, b],
        [a, b],
      ],
      [20, 20],
      10,
      [],
    );
    // The second label (22 px wide with its margin) first fits a quarter of the way along.
    expect(spots).toEqual([
      { x: 50, y: 0 },
      { x: 25, y: 0 },
    ]);
    const blocked = placeLabels([[a, b]], [20], 10, [{ x: 50, y: 0, halfWidth: 60, halfHeight: 10 }]);
    expect(blocked).toEqual([null]);
  });
});

describe('boundary view', () => {
  it('maps input space onto the canvas, x2 upward', () => {
    const plane = { min: -0.5, max: 1.5 };
    expect(toCanvas(plane, 360, 0, 0)).toEqual([90, 270]);
    expect(toCanvas(plane, 360, 1, 1)).toEqual([270, 90]);
  });

  it('finds the training point nearest a click', () => {
    const info = {
      inputs: ['x1', 'x2'],
      plane: { min: -0.5, max: 1.5 },
      train: { x: Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]), labels: Int32Array.from([0, 1, 1, 0]) },
    } as DataInfo;
    expect(nearestPoint(info, 360, 265, 100)).toBe(3); // near (1, 1)
    expect(nearestPoint(info, 360, 80, 280)).toBe(0); // near (0, 0)
  });

  it('shades a cell from white at chance to the class colour at certainty', () => {
    expect(cellColor(1, 0.5, 2)).toEqual([255, 255, 255]);
    expect(cellColor(0, 1 / 3, 3)).toEqual([255, 255, 255]);
    const full = (c: number) => Math.round(255 + (c - 255) * MAX_TINT);
    expect(cellColor(1, 1, 2)).toEqual([full(0), full(114), full(178)]);
  });

  it('writes numbers short', () => {
    expect([fmt(0), fmt(0.123456), fmt(-12.345), fmt(0.0000123), fmt(1234.5), fmt(Number.NaN)]).toEqual([
      '0',
      '0.123',
      '-12.3',
      '1.2e-5',
      '1230',
      'NaN',
    ]);
  });
});

// sRGB channel to linear light, for contrast ratios and the colour-vision simulation.
const linear = (c: number) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const luminance = ([r, g, b]: number[]) => 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
const contrast = (a: number[], b: number[]) => {
  const [dark, light] = [luminance(a), luminance(b)].sort((x, y) => x - y) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};
const parseRgb = (css: string) => css.match(/\d+/g)!.map(Number);

// Machado, Oliveira and Fernandes (2009), severity 1: what a dichromat sees, in linear RGB.
const DICHROMACY: Record<string, number[][]> = {
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
};
// CIE L*a*b* of a linear-RGB colour (D65), for perceptual distances.
const lab = (lin: number[]) => {
  const [r, g, b] = lin as [number, number, number];
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
};
const seenAs = (rgb: number[], m: number[][]) => {
  const lin = rgb.map(linear);
  return m.map((row) => Math.min(1, Math.max(0, row[0]! * lin[0]! + row[1]! * lin[1]! + row[2]! * lin[2]!)));
};

describe('colours and shapes', () => {
  it('uses the Okabe–Ito palette, and a different shape for every class', () => {
    expect(CLASS_RGB).toEqual([
      [230, 159, 0],
      [0, 114, 178],
      [0, 158, 115],
    ]);
    expect([0, 1, 2, 3].map(classShape)).toEqual(['circle', 'square', 'triangle', 'circle']);
  });

  it('keeps the classes apart under protanopia and deuteranopia, in the boundary tint too', () => {
    for (const [name, m] of Object.entries(DICHROMACY)) {
      for (const t of [1, MAX_TINT]) {
        const seen = CLASS_RGB.map((rgb) => lab(seenAs(tint(rgb, t), m)));
        for (let a = 0; a < seen.length; a++) {
          for (let b = a + 1; b < seen.length; b++) {
            const distance = Math.hypot(...seen[a]!.map((v, k) => v - seen[b]![k]!));
            // ΔE above 30: plainly different colours (2.3 is a just-noticeable difference).
            expect(distance, `${name}, tint ${t}, classes ${a} and ${b}`).toBeGreaterThan(30);
          }
        }
      }
    }
  });

  it('writes class-coloured text at 4.5:1 or more on white', () => {
    for (const css of CLASS_TEXT_CSS)
      expect(contrast(parseRgb(css), [255, 255, 255])).toBeGreaterThanOrEqual(4.5);
    // The orange itself would not do: that is why text uses the darker one.
    expect(contrast(CLASS_RGB[0]!, [255, 255, 255])).toBeLessThan(3);
  });

  it('draws each shape centred and of about the area of the circle', () => {
    expect(shapePath('circle', 10, 10, 4)).toBe('M6 10a4 4 0 1 0 8 0a4 4 0 1 0 -8 0Z');
    expect(shapePath('square', 10, 10, 4)).toBe('M6.46 6.46h7.09v7.09h-7.09Z');
    // The triangle's corners: its centroid is the centre, its area π r².
    const corners = shapePath('triangle', 10, 10, 4)
      .match(/-?[\d.]+ -?[\d.]+/g)!
      .map((p) => p.split(' ').map(Number) as [number, number]);
    expect(corners).toHaveLength(3);
    const centroid = [0, 1].map((k) => corners.reduce((sum, c) => sum + c[k]!, 0) / 3);
    expect(centroid[0]).toBeCloseTo(10, 1);
    expect(centroid[1]).toBeCloseTo(10, 1);
    const [[ax, ay], [bx, by], [cx, cy]] = corners as [[number, number], [number, number], [number, number]];
    expect(Math.abs((bx - ax) * (cy - ay) - (cx - ax) * (by - ay)) / 2).toBeCloseTo(Math.PI * 16, 0);
  });

  it('shades signed values white at 0, blue above and orange below', () => {
    expect(divergingRgb(0)).toEqual([255, 255, 255]);
    expect(divergingRgb(1)).toEqual(tint(CLASS_RGB[1]!, 0.9));
    expect(divergingRgb(-5)).toEqual(tint(CLASS_RGB[0]!, 0.9));
    expect(divergingRgb(Number.NaN)).toEqual([255, 255, 255]);
  });

  it('draws the legend with each class shape in its colour, and names the shape in words', () => {
    const html = legendHtml(3, ['A', 'B', 'C']);
    const items = [
      ...html.matchAll(/data-class="(\d)" data-shape="(\w+)".*?fill="([^"]+)".*?<\/svg>([^<]*)</g),
    ];
    expect(items.map((m) => [m[1], m[2], m[3], m[4]])).toEqual([
      ['0', 'circle', 'rgb(230, 159, 0)', 'A (circle)'],
      ['1', 'square', 'rgb(0, 114, 178)', 'B (square)'],
      ['2', 'triangle', 'rgb(0, 158, 115)', 'C (triangle)'],
    ]);
    expect(legendHtml(2, ['<b>'])).toContain('&#60;b&#62; (circle)');
  });
});

describe('boundary pixels', () => {
  // A two-class grid whose probability of class 1 is p(x, y) at the cell centres.
  function grid(resolution: number, p: (x: number, y: number) => number): Boundary {
    const classes = new Uint8Array(resolution * resolution);
    const confidence = new Float32Array(resolution * resolution);
    for (let r = 0; r < resolution; r++) {
      for (let c = 0; c < resolution; c++) {
        const p1 = p((c + 0.5) / resolution, (r + 0.5) / resolution);
        classes[r * resolution + c] = p1 > 0.5 ? 1 : 0;
        confidence[r * resolution + c] = Math.max(p1, 1 - p1);
      }
    }
    return { resolution, classes, confidence };
  }
  const blue = (px: Uint8ClampedArray, i: number) => px[4 * i + 2]! > px[4 * i]!;

  it('keeps the two-class probabilities exactly', () => {
    const scores = (b: Boundary, classes: number) =>
      Array.from(scoreFields(b, classes), (v) => Number(v.toFixed(6)));
    expect(scores({ resolution: 1, classes: Uint8Array.of(1), confidence: Float32Array.of(0.8) }, 2)).toEqual(
      [0.2, 0.8],
    );
    const three = { resolution: 1, classes: Uint8Array.of(2), confidence: Float32Array.of(0.6) };
    expect(scores(three, 3)).toEqual([0.2, 0.2, 0.6]);
    const values = { ...three, classes: Uint8Array.of(0), values: Float32Array.of(-0.3) };
    expect(scores(values, 2)).toEqual([0.3, -0.3]);
  });

  it('draws a straight boundary as a straight line, with no beads where the regions meet', () => {
    // p = 0.5 on the diagonal x = y, the classes on either side: a 50² grid drawn at 360².
    const size = 360;
    const diagonal = grid(50, (x, y) => 0.5 + 0.45 * (x - y));
    // The class of each pixel, from the hard regions (near the line the shading is all but white).
    const px = regionPixels(diagonal, 2, size, true);
    // Inside the outermost cell centres, 3.6 pixels from each side (beyond them the grid ends).
    for (let row = 4; row < size - 4; row++) {
      const flips: number[] = [];
      for (let col = 1; col < size; col++)
        if (blue(px, row * size + col) !== blue(px, row * size + col - 1)) flips.push(col);
      // One change of class per row, within a pixel of the diagonal.
      expect(flips).toHaveLength(1);
      expect(Math.abs(flips[0]! - row)).toBeLessThanOrEqual(1);
    }
    // Away from the line the tint deepens steadily: no white blobs on either side of it.
    const shaded = regionPixels(diagonal, 2, size, false);
    const whiteness = (col: number) => shaded[4 * (180 * size + col) + 1]!;
    for (let col = 185; col < 355; col += 5) expect(whiteness(col + 5)).toBeLessThanOrEqual(whiteness(col));
  });

  it('draws hard regions in the two full tints when discretized', () => {
    const px = regionPixels(
      grid(10, (x) => 0.3 + 0.5 * x),
      2,
      40,
      true,
    );
    const colours = new Set<string>();
    for (let i = 0; i < 40 * 40; i++) colours.add(Array.from(px.slice(4 * i, 4 * i + 4)).join(','));
    expect([...colours].sort()).toEqual(
      [tint(CLASS_RGB[0]!, MAX_TINT), tint(CLASS_RGB[1]!, MAX_TINT)]
        .map((rgb) => [...rgb, 255].join(','))
        .sort(),
    );
  });

  it('refuses a grid whose cells do not fill it', () => {
    const b = { resolution: 3, classes: new Uint8Array(4), confidence: new Float32Array(4) };
    expect(() => regionPixels(b, 2, 10, false)).toThrow('a 3² grid needs 9 cells, got 4');
  });

  it('describes the regions in words', () => {
    expect(describeRegions(Uint8Array.of(0, 1, 1, 1), 2, ['A', 'B'])).toBe(
      'Decision regions: A on 25% of the plane, B on 75%.',
    );
  });
});

describe('loss axis', () => {
  it('spans the whole decades of the positive losses, at most eight', () => {
    expect(logRange([0.69, 0.02, 0.004])).toEqual({ low: 0.001, high: 1 });
    expect(logRange([0.5, 0.3])).toEqual({ low: 0.1, high: 1 });
    expect(logRange([1, 1])).toEqual({ low: 0.1, high: 1 });
    expect(logRange([0, -1, Number.NaN, Number.POSITIVE_INFINITY])).toEqual({ low: 0.1, high: 1 });
    expect(logRange([2, 0, 1e-20])).toEqual({ low: 1e-7, high: 10 });
  });

  it('ticks every decade, with 2 and 5 between when there are few', () => {
    expect(logTicks({ low: 0.01, high: 1 })).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1]);
    expect(logTicks({ low: 1e-4, high: 1 })).toEqual([1e-4, 1e-3, 0.01, 0.1, 1]);
    expect([1e-5, 0.001, 0.02, 1, 1000, 1e5].map(tickLabel)).toEqual([
      '1e-5',
      '0.001',
      '0.02',
      '1',
      '1000',
      '1e5',
    ]);
  });

  it('places a loss by its logarithm, zero and below at the bottom', () => {
    const range = { low: 0.01, high: 1 };
    expect(logPosition(range, 0.1)).toBeCloseTo(0.5, 12);
    expect(logPosition(range, 1)).toBe(1);
    expect([0, -2, Number.NaN, 0.001].map((v) => logPosition(range, v))).toEqual([0, 0, 0, 0]);
  });

  it('describes the curves in words', () => {
    expect(describeCurves({ steps: [0, 100], train: [0.7, 0.01], validation: [0.7, 0.02] })).toBe(
      'Loss curves on a log scale over 100 steps: training loss from 0.7 to 0.01, validation loss from 0.7 to 0.02.',
    );
  });
});

// A trace whose numbers say where they sit: weight of layer l, node j from i = l·100 + j·10 + i.
const TRACE_2_3_1 = {
  example: 0,
  target: 1,
  predicted: 1,
  loss: 0.25,
  sizes: [2, 3, 1],
  activations: [[0, 1], [0.1, 0.2, 0.3], [2]],
  deltas: [[0.01, -0.5, 0.02], [0.3]],
  weights: [
    [100, 101, 110, 111, 120, 121],
    [200, 201, 202],
  ],
  weightGrads: [
    [-1, -2, -3, -4, -5, -6],
    [-7, -8, -9],
  ],
  biases: [[150, 160, 170], [250]],
  biasGrads: [[0.5, 0.6, 0.7], [9]],
} as GraphTrace;

describe('graph edges', () => {
  const sizes = [2, 3, 1];
  const layout = layoutGraph(sizes);
  const set = edgeSet(sizes, layout);
  const trace = TRACE_2_3_1;

  it('lists every weight and bias, each node its inputs then its bias, where the layout puts them', () => {
    expect(set.count).toBe(3 * 3 + 1 * 4);
    expect(Array.from(set.from.slice(0, 4))).toEqual([0, 1, BIAS, 0]);
    expect(Array.from(set.to.slice(0, 4))).toEqual([0, 0, 0, 1]);
    expect([set.x1[2], set.y1[2]]).toEqual([layout.bias[0]!.x, layout.bias[0]!.y]);
    expect([set.x2[12], set.y2[12]]).toEqual([layout.nodes[2]![0]!.x, layout.nodes[2]![0]!.y]);
  });

  it('reads each edge its weight and gradient from the trace', () => {
    const values = edgeValues(trace, set);
    expect(Array.from(values.weight)).toEqual([
      100, 101, 150, 110, 111, 160, 120, 121, 170, 200, 201, 202, 250,
    ]);
    expect(describeEdge(set, values, 4)).toBe('weight w[1](2←2) = 111, ∂L/∂w = -4');
    expect(describeEdge(set, values, 12)).toBe('bias b[2](1) = 250, ∂L/∂w = 9');
    expect(steepestEdge(values)).toBe(11); // |−9| from w[2](1←3), ahead of the bias's 9 (first wins)
    expect(describeGraph(trace, set, values)).toBe(
      'Network 2–3–1 tracing training example 1: loss 0.25. Largest gradient: weight w[2](1←3) = 202, ∂L/∂w = -9. Each hidden node shows its output over the plane.',
    );
    expect(describeNode(trace, 1, 1)).toBe('hidden node 2 of layer 1: value 0.2, δ = ∂L/∂net = -0.5');
    expect(describeNode(trace, 0, 1)).toBe('input node 2 of layer 0: value 1');
  });

  it('finds the edge under the pointer, and none off the edges', () => {
    expect(segmentDistance({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(3);
    expect(segmentDistance({ x: -4, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5);
    for (const i of [0, 4, 12]) {
      const middle = { x: (set.x1[i]! + set.x2[i]!) / 2, y: (set.y1[i]! + set.y2[i]!) / 2 };
      expect(nearestEdge(set, middle, 4)).toBe(i);
    }
    expect(nearestEdge(set, { x: 5, y: 395 }, 4)).toBe(-1);
  });

  it('widens an edge with its share of the largest weight', () => {
    expect([edgeWidth(0, 4), edgeWidth(-2, 4), edgeWidth(8, 4)]).toEqual([0.6, 3.1, 5.6]);
  });
});

describe('graph tables', () => {
  it("has a table of weights per layer, rows in PyTorch's [out, in] order, then one of the nodes", () => {
    const shapes = graphTableShapes([2, 3, 1], ['x1', 'x2']);
    expect(shapes.map((t) => t.id)).toEqual([
      'graph-table-weights-1',
      'graph-table-weights-2',
      'graph-table-nodes',
    ]);
    expect(shapes.map((t) => t.caption)).toEqual([
      'Layer 1: the 6 weights from the inputs to hidden layer 1',
      'Layer 2: the 3 weights from hidden layer 1 to the output',
      'Nodes: value, δ = ∂L/∂net, bias and its gradient (inputs have none)',
    ]);
    expect(shapes[0]!.head).toEqual(['from', 'to', 'weight', '∂L/∂w']);
    expect(shapes[0]!.rowHeads).toEqual([
      ['x1', 'node 1'],
      ['x2', 'node 1'],
      ['x1', 'node 2'],
      ['x2', 'node 2'],
      ['x1', 'node 3'],
      ['x2', 'node 3'],
    ]);
    expect(shapes[1]!.rowHeads).toEqual([
      ['node 1', 'z'],
      ['node 2', 'z'],
      ['node 3', 'z'],
    ]);
    expect(shapes[2]!.head).toEqual(['layer', 'node', 'value', 'δ', 'bias', '∂L/∂b']);
    expect(shapes[2]!.rowHeads).toEqual([
      ['0 (input)', 'x1'],
      ['0 (input)', 'x2'],
      ['1 (hidden)', 'node 1'],
      ['1 (hidden)', 'node 2'],
      ['1 (hidden)', 'node 3'],
      ['2 (output)', 'z'],
    ]);
    // Several outputs are z1, z2, …; an input without a name is x1, x2, … as in the graph.
    const linear = graphTableShapes([3, 2], ['a']);
    expect(linear[0]!.caption).toBe('Layer 1: the 6 weights from the inputs to the outputs');
    expect(linear[0]!.rowHeads.slice(0, 4)).toEqual([
      ['a', 'z1'],
      ['x2', 'z1'],
      ['x3', 'z1'],
      ['a', 'z2'],
    ]);
    expect(nodeName([2, 4, 4, 1], [], 2, 3)).toBe('node 4');
  });

  it('fills each row with its weight and gradient, and each node its value, δ, bias and bias gradient', () => {
    // TRACE_2_3_1's weight of layer l into node j from node i is l·100 + j·10 + i.
    expect(graphTableValues(TRACE_2_3_1)).toEqual([
      [
        ['100', '-1'],
        ['101', '-2'],
        ['110', '-3'],
        ['111', '-4'],
        ['120', '-5'],
        ['121', '-6'],
      ],
      [
        ['200', '-7'],
        ['201', '-8'],
        ['202', '-9'],
      ],
      [
        ['0', NONE, NONE, NONE],
        ['1', NONE, NONE, NONE],
        ['0.1', '0.01', '150', '0.5'],
        ['0.2', '-0.5', '160', '0.6'],
        ['0.3', '0.02', '170', '0.7'],
        ['2', '0.3', '250', '9'],
      ],
    ]);
  });

  it('writes the numbers as the readout does: four significant digits, tiny ones as exponents', () => {
    const trace = structuredClone(TRACE_2_3_1);
    trace.weights[0]![3] = 0.123456;
    trace.weightGrads[0]![3] = -0.0000123;
    trace.deltas[0]![1] = -1.98765;
    const [weights, , nodes] = graphTableValues(trace);
    expect(weights![3]).toEqual(['0.1235', '-1.2e-5']);
    expect(nodes![3]![1]).toBe('-1.988');
    const set = edgeSet(trace.sizes, layoutGraph(trace.sizes));
    // Edge 4 is w[1](2←2), the table's row 3 (the edges list each node's bias too).
    expect(describeEdge(set, edgeValues(trace, set), 4)).toBe('weight w[1](2←2) = 0.1235, ∂L/∂w = -1.2e-5');
    expect(describeNode(trace, 1, 1)).toBe('hidden node 2 of layer 1: value 0.2, δ = ∂L/∂net = -1.988');
  });
});

describe('status announcements', () => {
  const snapshot = (step: number) => ({ step, trainLoss: 0.1234, trainAccuracy: 0.75 }) as Snapshot;

  it('speaks when a run is new, starts or pauses, and not while it only goes on', () => {
    expect(announcement(null, snapshot(0), false)).toBe(
      'New run ready: training loss 0.123, training accuracy 75%.',
    );
    expect(announcement({ running: false, step: 40 }, snapshot(40), true)).toBe('Training from step 40.');
    expect(announcement({ running: true, step: 40 }, snapshot(50), true)).toBeNull();
    expect(announcement({ running: true, step: 50 }, snapshot(60), false)).toBe(
      'Paused at step 60: training loss 0.123, training accuracy 75%.',
    );
    expect(announcement({ running: false, step: 60 }, snapshot(0), false)).toBe(
      'New run ready: training loss 0.123, training accuracy 75%.',
    );
    expect(announcement({ running: false, step: 60 }, snapshot(60), false)).toBeNull();
  });
});

describe('the graph rasterizer', () => {
  const raster = { width: 80, height: 80 };
  const total = (density: Float32Array) => density.reduce((a, b) => a + b, 0);

  it('adds a line’s area, times its alpha, in any direction', () => {
    const horizontal = new Float32Array(80 * 80);
    addLine(horizontal, raster, 10, 20.5, 50, 20.5, 2, 0.5, null);
    expect(total(horizontal)).toBeCloseTo(40 * 2 * 0.5, 4);
    // Two full rows of the span, nothing outside them.
    expect(horizontal[20 * 80 + 30]).toBeCloseTo(0.5, 6);
    expect(horizontal[19 * 80 + 30]).toBeCloseTo(0.25, 6);
    expect(horizontal[22 * 80 + 30]).toBe(0);
    const diagonal = new Float32Array(80 * 80);
    addLine(diagonal, raster, 5, 5, 35, 45, 1.5, 1, null); // 50 long
    expect(total(diagonal) / (50 * 1.5)).toBeCloseTo(1, 1);
    const backwards = new Float32Array(80 * 80);
    addLine(backwards, raster, 35, 45, 5, 5, 1.5, 1, null);
    expect(Array.from(backwards)).toEqual(Array.from(diagonal));
  });

  it('dashes a line and clips it to the image', () => {
    const dashed = new Float32Array(80 * 80);
    addLine(dashed, raster, 0, 10.5, 70, 10.5, 1, 1, [4, 3]);
    expect(total(dashed)).toBeCloseTo(40, 4); // 10 dashes of 4 in 70
    const clipped = new Float32Array(80 * 80);
    addLine(clipped, raster, -40, 10.5, 40, 10.5, 1, 1, null);
    expect(total(clipped)).toBeCloseTo(40, 4);
  });

  it('turns densities into colours, opaque as strokes add up', () => {
    const out = new Uint8ClampedArray(3 * 4);
    const blue: [number, number, number] = [0, 100, 200];
    const orange: [number, number, number] = [200, 100, 0];
    densityToPixels(Float32Array.of(0, Math.log(4), 1), Float32Array.of(0, 0, 1), blue, orange, out);
    expect(Array.from(out)).toEqual([
      0,
      0,
      0,
      0,
      0,
      100,
      200,
      191,
      100,
      100,
      100,
      Math.round(255 * (1 - Math.exp(-2))),
    ]);
  });

  it('samples a heatmap into a disc, leaving the pixels outside it alone', () => {
    const lut = Uint8Array.from(
      { length: 4 * 3 },
      (_, i) => [10, 20, 30, 255, 100, 110, 120, 255, 200, 210, 220, 255][i]!,
    );
    const out = new Uint8ClampedArray(20 * 20 * 4);
    // A 2 × 2 map: left column −1, right column +1, drawn over a disc of radius 6 at (10, 10).
    paintDisc(out, { width: 20, height: 20 }, 10, 10, 6, Float32Array.of(-1, 1, -1, 1), 2, 1, lut, 1);
    const pixel = (x: number, y: number) => Array.from(out.slice(4 * (y * 20 + x), 4 * (y * 20 + x) + 4));
    expect(pixel(5, 10)).toEqual([10, 20, 30, 255]); // inside, on the left: the lowest colour
    expect(pixel(14, 10)).toEqual([200, 210, 220, 255]); // inside, on the right: the highest
    expect(pixel(1, 1)).toEqual([0, 0, 0, 0]); // outside the disc
    const rim = pixel(15, 12); // its centre 6.04 from the disc's: about half covered, over white
    expect(rim[0]).toBeGreaterThan(200);
    expect(rim[0]).toBeLessThan(255);
  });
});
