import { ShapeError, tensor, ValueError } from '@backprop/core';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { scatterPlot } from '../src/index.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false });

type Node = Record<string, unknown>;

function findAll(node: unknown, name: string): Node[] {
  if (Array.isArray(node)) return node.flatMap((n) => findAll(n, name));
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node as Node).flatMap(([key, value]) => {
    const here = key === name ? (Array.isArray(value) ? value : [value]) : [];
    return [...(here as Node[]), ...findAll(value, name)];
  });
}

const group = (svg: string, cls: string) => findAll(parser.parse(svg), 'g').find((g) => g.class === cls)!;

describe('scatterPlot', () => {
  const points = tensor([
    [0, 0],
    [1, 1],
    [2, 0],
    [3, 1],
  ]);
  const labels = tensor([0, 2, 2, 0], { dtype: 'int32' });

  it('draws one dot per point, coloured by its class, with a legend of the classes present', () => {
    const svg = scatterPlot(points, labels, { title: 'digits <2D>', classNames: ['zero', 'one', 'two'] });
    expect(XMLValidator.validate(svg)).toBe(true);
    const dots = findAll(group(svg, 'points'), 'circle');
    expect(dots.map((d) => d.fill)).toEqual(['#4e79a7', '#e15759', '#e15759', '#4e79a7']);
    const legendTexts = findAll(group(svg, 'legend'), 'text').map((t) => t['#text']);
    expect(legendTexts).toEqual(['zero', 'two']); // class 1 has no points
    expect(svg).toContain('digits &lt;2D&gt;');
    expect(parser.parse(svg).svg.title).toBe('digits <2D>'); // named for screen readers
  });

  it('maps the data range onto the plot, y pointing up, leaving the legend its own column', () => {
    const svg = scatterPlot(points, labels, { width: 400, height: 300, margin: 0 });
    const dots = findAll(group(svg, 'points'), 'circle').map((d) => [Number(d.cx), Number(d.cy)]);
    // Plot area: left 56, bottom 300 - 48; right edge 400 - 16 - legend (34 + 7 * 7 + 16 = 99).
    expect(dots[0]).toEqual([56, 252]);
    expect(dots[3]).toEqual([285, 40]);
    const legendBox = findAll(group(svg, 'legend'), 'rect')[0]!;
    expect(Number(legendBox.x)).toBeGreaterThan(285);
  });

  it('takes plain arrays as well as tensors', () => {
    const svg = scatterPlot(
      [
        [0, 1],
        [1, 0],
      ],
      [1, 0],
    );
    expect(findAll(group(svg, 'points'), 'circle')).toHaveLength(2);
    expect(findAll(group(svg, 'legend'), 'text').map((t) => t['#text'])).toEqual(['class 0', 'class 1']);
  });

  it('rejects bad points and labels with the shapes or values at fault', () => {
    expect(() => scatterPlot(tensor([[1, 2, 3]]), [0])).toThrow(ShapeError);
    expect(() => scatterPlot(tensor([[1, 2, 3]]), [0])).toThrow(
      'scatterPlot: points must be [N, 2], got [1,3]',
    );
    expect(() => scatterPlot(points, [0, 1])).toThrow('scatterPlot: 4 points but 2 labels');
    expect(() => scatterPlot(points, [0, 1, -1, 0])).toThrow(ValueError);
    expect(() => scatterPlot(points, [0, 1, 0.5, 0])).toThrow(/label 2 is 0.5/);
    expect(() => scatterPlot([[0, Number.NaN]], [0])).toThrow(/point 0 is \(0, NaN\), not finite/);
  });
});
