// The page's drawing arithmetic, which needs no browser: layout, label placement, colours, numbers.
import { describe, expect, it } from 'vitest';
import type { DataInfo } from './src/protocol.js';
import { nearestPoint, toCanvas } from './src/ui/boundary-view.js';
import { cellColor, fmt, MAX_TINT } from './src/ui/colors.js';
import { layoutGraph, placeLabels } from './src/ui/graph-layout.js';

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

  it('shrinks the nodes of wide layers so that they still fit', () => {
    const layout = layoutGraph([2, 32, 1], 640, 400);
    const column = layout.nodes[1]!;
    expect(column[0]!.y).toBeGreaterThanOrEqual(70);
    expect(column.at(-1)!.y).toBeLessThanOrEqual(400 - 36);
    expect(layout.radius).toBeLessThan(column[1]!.y - column[0]!.y);
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
    expect(cellColor(1, 1, 2)).toEqual([full(8), full(119), full(189)]);
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
