import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShapeError, type Tensor, tensor, ValueError } from '@backprop/core';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { decisionBoundary, lossCurves, quadrants, svgToPng, TensorDataset, writePlot } from '../src/index.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false });

type Node = Record<string, unknown>;

// Every element named `name` anywhere below `node`.
function findAll(node: unknown, name: string): Node[] {
  if (Array.isArray(node)) return node.flatMap((n) => findAll(n, name));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Node).flatMap(([key, value]) => {
    const here = key === name ? (Array.isArray(value) ? value : [value]) : [];
    return [...(here as Node[]), ...findAll(value, name)];
  });
}

function texts(svg: string): string[] {
  return findAll(parser.parse(svg), 'text').map((t) => String(typeof t === 'object' ? t['#text'] : t));
}

const runs = [
  { name: 'train', values: [2.3, 1.1, 0.7, 0.5, 0.45] },
  { name: 'validation <held out>', values: [2.4, 1.3, 0.9, Number.NaN, 0.8] },
];

describe('lossCurves', () => {
  const svg = lossCurves(runs, { title: 'MLP & MNIST', yLabel: 'cross-entropy' });

  it('is well-formed XML with an svg root', () => {
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(parser.parse(svg).svg.xmlns).toBe('http://www.w3.org/2000/svg');
  });

  it('names every series in its legend and in the series group', () => {
    const labels = texts(svg);
    expect(labels).toContain('train');
    expect(labels).toContain('validation <held out>');
    const groups = findAll(parser.parse(svg), 'g').filter((g) => g.class === 'series');
    expect(groups.map((g) => g['data-name'])).toEqual(['train', 'validation <held out>']);
  });

  it('has a title, axis labels and ticks', () => {
    expect(parser.parse(svg).svg.title).toBe('MLP & MNIST'); // the <title> screen readers announce
    expect(parser.parse(lossCurves(runs)).svg.title).toBe('loss curves');
    const labels = texts(svg);
    expect(labels).toEqual(expect.arrayContaining(['MLP & MNIST', 'epoch', 'cross-entropy', '1', '5']));
    expect(labels).toEqual(expect.arrayContaining(['0.5', '1.0', '1.5', '2.0']));
  });

  it('draws one polyline per unbroken stretch and one dot per finite value', () => {
    const doc = parser.parse(svg);
    const [train, val] = findAll(doc, 'g').filter((g) => g.class === 'series');
    expect(findAll(train, 'polyline')).toHaveLength(1);
    expect(findAll(val, 'polyline')).toHaveLength(2); // the NaN breaks the line
    expect(findAll(val, 'circle')).toHaveLength(4);
  });

  it('cuts curves to the frame itself, so a diverging run or a curve out of range stays drawable', () => {
    const polylines = (values: number[]) =>
      findAll(parser.parse(lossCurves([{ name: 'run', values }], { yRange: [0, 1] })), 'polyline').map((l) =>
        String(l.points)
          .split(' ')
          .map((p) => p.split(',').map(Number) as [number, number]),
      );
    // 0.5 → 1e37 → −1e30 → 0.4: out through the top, straight down across the frame, back in
    // through the bottom; each piece has its ends on the frame's edge rows, none at ±1e30.
    const diverged = polylines([0.5, 1e37, -1e30, 0.4]);
    expect(diverged).toHaveLength(3);
    expect(diverged[1]!.map(([, y]) => y)).toEqual([36, 356]);
    const rows = diverged.flat().map(([, y]) => y);
    expect(Math.min(...rows)).toBeGreaterThanOrEqual(36); // frame top 40, less the 4-pixel margin
    expect(Math.max(...rows)).toBeLessThanOrEqual(356); // frame bottom 352, plus the margin
    // Wholly outside the range: nothing to draw (resvg would abort on a fully clipped element).
    expect(polylines([5, 6, 7])).toHaveLength(0);
    expect(polylines([0.2, 0.4])).toEqual([
      [
        [64, 289.6],
        [624, 227.2],
      ],
    ]);
  });

  it('rejects no series or mismatched x', () => {
    expect(() => lossCurves([])).toThrow(ValueError);
    expect(() => lossCurves([{ name: 'a', values: [1, 2], x: [1] }])).toThrow(
      /'a' has 2 values but 1 x positions/,
    );
  });
});

describe('lossCurves on long histories', () => {
  it('draws 200,000 points (Math.min(...values) overflowed the stack), scaled to their true range', () => {
    // Per-step losses of a long run: 2.5 at the start, decaying towards 0.5, one NaN in the middle.
    const values = Array.from({ length: 200_000 }, (_, i) => 0.5 + 2 / (1 + i / 1000));
    values[100_000] = Number.NaN;
    const svg = lossCurves([{ name: 'steps', values }], { xLabel: 'step' });
    const labels = texts(svg);
    expect(labels).toEqual(expect.arrayContaining(['200000', '0.5', '1.0', '1.5', '2.0', '2.5']));
    expect(labels).not.toContain('3.0'); // the y axis ends at the largest value, not beyond
    const series = findAll(parser.parse(svg), 'g').filter((g) => g.class === 'series');
    expect(findAll(series, 'polyline')).toHaveLength(2); // the NaN splits the curve
  });
});

describe('decisionBoundary', () => {
  const data = quadrants({ n: 40, seed: 2 });
  // The right answer for quadrants: class 1 where the signs differ.
  const predict = (x: Tensor) =>
    x
      .slice(1, 0, 1)
      .mul(x.slice(1, 1, 2))
      .lt(0)
      .reshape([-1]);

  it('draws the regions, every point, and a legend', () => {
    const svg = decisionBoundary(predict, data, {
      resolution: 20,
      title: 'XOR',
      classNames: ['same sign', 'different'],
    });
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = parser.parse(svg);
    const points = findAll(doc, 'g').find((g) => g.class === 'points')!;
    expect(findAll(points, 'circle')).toHaveLength(40);
    const regions = findAll(doc, 'g').find((g) => g.class === 'regions')!;
    const rects = findAll(regions, 'rect');
    // Each of the 20 rows changes class at most at the x axis and the plot edges: 2 or 3 runs.
    expect(rects.length).toBeGreaterThanOrEqual(40);
    expect(rects.length).toBeLessThanOrEqual(60);
    expect(new Set(rects.map((r) => r.fill)).size).toBe(2);
    expect(texts(svg)).toEqual(expect.arrayContaining(['XOR', 'same sign', 'different', 'x1', 'x2']));
    expect(doc.svg.title).toBe('XOR');
    expect(parser.parse(decisionBoundary(predict, data, { resolution: 2 })).svg.title).toBe(
      'decision regions',
    );
  });

  it('colours each point by its label', () => {
    const svg = decisionBoundary(predict, data, { resolution: 4 });
    const points = findAll(parser.parse(svg), 'g').find((g) => g.class === 'points')!;
    const fills = findAll(points, 'circle').map((c) => c.fill);
    const palette = ['#4e79a7', '#f28e2b'];
    expect(fills).toEqual(Array.from(data.y.data(), (label) => palette[label]));
  });

  it('draws straight lines w·x + b = 0 across the frame, dashed when asked', () => {
    // The points span [−1, 1]² or so; with margin 0 the frame is their exact range.
    const square = new TensorDataset(
      tensor([
        [-1, -1],
        [1, 1],
        [-1, 1],
        [1, -1],
      ]),
      tensor([0, 1, 0, 1]),
    );
    const svg = decisionBoundary(predict, square, {
      resolution: 4,
      margin: 0,
      lines: [
        { weight: [1, -1], bias: 0, name: 'x1 = x2' }, // the diagonal, corner to corner
        { weight: [0, 1], bias: -0.5, dashed: true }, // x2 = 0.5, edge to edge
        { weight: [1, 0], bias: -5 }, // x1 = 5: outside the frame, not drawn
      ],
    });
    expect(XMLValidator.validate(svg)).toBe(true);
    const group = findAll(parser.parse(svg), 'g').find((g) => g.class === 'lines')!;
    const lines = findAll(group, 'line');
    expect(lines).toHaveLength(2);
    // Frame: left 56, right 464, top 40, bottom 432 (480 × 480 with the default padding).
    const ends = (l: Node) => {
      const [x1, y1, x2, y2] = [l.x1, l.y1, l.x2, l.y2].map(Number) as [number, number, number, number];
      return x1 <= x2 ? [x1, y1, x2, y2] : [x2, y2, x1, y1];
    };
    expect(ends(lines[0]!)).toEqual([56, 432, 464, 40]);
    expect(lines[0]!['stroke-dasharray']).toBeUndefined();
    expect(ends(lines[1]!)).toEqual([56, 138, 464, 138]);
    expect(lines[1]!['stroke-dasharray']).toBe('7 5');
    expect(texts(svg)).not.toContain('x1 = x2'); // a tooltip, in <title>, not a text label
    expect(svg).toContain('<title>x1 = x2</title>');
  });

  it('rejects a line without a direction', () => {
    expect(() =>
      decisionBoundary(predict, data, { resolution: 2, lines: [{ weight: [0, 0], bias: 1 }] }),
    ).toThrow(
      'decisionBoundary: line 0 needs a finite weight, not both zero, and a finite bias; got weight [0, 0], bias 1',
    );
  });

  it('rejects points that are not 2-D', () => {
    const flat = new TensorDataset(tensor([[1, 2, 3]]), tensor([0]));
    expect(() => decisionBoundary(predict, flat)).toThrow(ShapeError);
    expect(() => decisionBoundary(predict, data, { resolution: 0 })).toThrow(
      /resolution must be a positive integer/,
    );
  });
});

describe('writePlot and svgToPng', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-plots-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const svg = lossCurves(runs, { title: 'loss' });
  const isPng = (bytes: Uint8Array) => Array.from(bytes.subarray(0, 8)).join() === '137,80,78,71,13,10,26,10';

  it('writes an SVG that parses as XML and names its series, creating the folder', async () => {
    const written = await writePlot(join(dir, 'nested', 'loss'), svg);
    expect(written).toEqual([join(dir, 'nested', 'loss.svg')]);
    const back = readFileSync(written[0]!, 'utf8');
    expect(XMLValidator.validate(back)).toBe(true);
    expect(texts(back)).toEqual(expect.arrayContaining(['train', 'validation <held out>']));
  });

  it('writes a PNG beside the SVG, or alone for a .png path', async () => {
    const both = await writePlot(join(dir, 'curves.svg'), svg, { png: true });
    expect(both).toEqual([join(dir, 'curves.svg'), join(dir, 'curves.png')]);
    expect(isPng(readFileSync(both[1]!))).toBe(true);
    const only = await writePlot(join(dir, 'only.png'), svg);
    expect(only).toEqual([join(dir, 'only.png')]);
    expect(isPng(readFileSync(only[0]!))).toBe(true);
  });

  it('renders PNG bytes at the requested scale', async () => {
    const png = await svgToPng(svg, { scale: 2 });
    expect(isPng(png)).toBe(true);
    const view = new DataView(png.buffer, png.byteOffset);
    expect([view.getUint32(16), view.getUint32(20)]).toEqual([1280, 800]);
  });
});
