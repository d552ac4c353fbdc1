// The hidden units' heatmaps the worker sends with each snapshot: one pass over the boundary's
// grid, averaged down to a coarser grid, unit by unit.
import { noGrad, Tensor } from '@backprop/core';
import { describe, expect, it } from 'vitest';
import { boundaryFromOutputs, gridInputs } from './src/boundary.js';
import { DEFAULT_CONFIG } from './src/config.js';
import { PlaygroundNet } from './src/network.js';
import { Session } from './src/session.js';
import { downsampleUnits, FINE_UNITS, planeMaps, unitBlock } from './src/unit-maps.js';

describe('downsampleUnits', () => {
  it('averages blocks of cells and regroups the values unit by unit, row 0 first', () => {
    // Two units on a 4×4 grid: unit 0 is the cell's index, unit 1 its negative.
    const values = new Float32Array(4 * 4 * 2);
    for (let cell = 0; cell < 16; cell++) [values[2 * cell], values[2 * cell + 1]] = [cell, -cell];
    const out = downsampleUnits(values, 2, 4, 2);
    // Block (0, 0) holds cells 0, 1, 4, 5; block (0, 1) cells 2, 3, 6, 7; and so on.
    expect(Array.from(out)).toEqual([2.5, 4.5, 10.5, 12.5, -2.5, -4.5, -10.5, -12.5]);
    expect(Array.from(downsampleUnits(values, 2, 4, 1))).toEqual([
      ...Array.from({ length: 16 }, (_, i) => i),
      ...Array.from({ length: 16 }, (_, i) => (i === 0 ? 0 : -i)),
    ]);
  });

  it('refuses a block that does not divide the grid, and values that do not fill it', () => {
    expect(() => downsampleUnits(new Float32Array(18), 2, 3, 2)).toThrow(
      "block 2 must be a whole divisor of the grid's 3 cells",
    );
    expect(() => downsampleUnits(new Float32Array(5), 2, 2, 1)).toThrow(
      'a 2² grid of 2 units needs 8 values, got 5',
    );
  });

  it('sends coarser maps for networks too wide to show fine ones', () => {
    expect([
      unitBlock(50, 4),
      unitBlock(50, FINE_UNITS),
      unitBlock(50, FINE_UNITS + 1),
      unitBlock(49, 200),
    ]).toEqual([2, 2, 5, 1]);
  });
});

describe('planeMaps', () => {
  const plane = { min: -1, max: 1 };

  it("gives the boundary of the network's outputs, and each hidden unit the mean of its output per block", () => {
    const net = new PlaygroundNet([2, 3, 2, 1], 'tanh', 7);
    const { boundary, units } = planeMaps(net, 2, plane, 4, []);
    const reference = boundaryFromOutputs(
      noGrad(() => net.forward(gridInputs(plane, 4, []))),
      2,
      4,
    );
    expect(Array.from(boundary.classes)).toEqual(Array.from(reference.classes));
    expect(Array.from(boundary.confidence)).toEqual(Array.from(reference.confidence));
    expect(units.resolution).toBe(2);
    expect(units.layers.map((l) => l.length)).toEqual([3 * 4, 2 * 4]);
    // Block (1, 0), bottom left: grid cells (2, 0), (2, 1), (3, 0), (3, 1), at x1 = −0.75 or −0.25
    // and x2 = −0.25 or −0.75 (rows count down from the top).
    const corners = new Tensor(
      Float32Array.of(-0.75, -0.25, -0.25, -0.25, -0.75, -0.75, -0.25, -0.75),
      [4, 2],
    );
    const hidden = noGrad(() => net.trace(corners).outs[1]!.data());
    for (let u = 0; u < 2; u++) {
      const mean = [0, 1, 2, 3].reduce((sum, i) => sum + hidden[i * 2 + u]!, 0) / 4;
      expect(units.layers[1]![u * 4 + 2]).toBeCloseTo(mean, 6);
    }
  });

  it('comes with every snapshot: one map per hidden unit, and the maps change as the network trains', () => {
    const run = new Session({ ...DEFAULT_CONFIG, dataset: 'ring', hidden: [4, 3] });
    const before = run.snapshot(0).units;
    expect(before.resolution).toBe(25);
    expect(before.layers.map((l) => l.length / 25 ** 2)).toEqual([4, 3]);
    for (let i = 0; i < 30; i++) run.step();
    const after = run.snapshot(0).units;
    expect(Array.from(after.layers[0]!)).not.toEqual(Array.from(before.layers[0]!));
    expect(run.snapshot(0).units.layers.every((l) => l.every(Number.isFinite))).toBe(true);
  });

  it('has no maps for a linear model', () => {
    const run = new Session({ ...DEFAULT_CONFIG, hidden: [] });
    expect(run.snapshot(0).units.layers).toEqual([]);
  });
});
