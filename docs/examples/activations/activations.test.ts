import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { activation } from './functions.js';
import { type ActivationCurve, derivative, formatTable, runActivations } from './run.js';

const at = (name: string, points: number[]) => derivative(activation(name).f, points);

describe('activations (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-activations-'));
  let curves: ActivationCurve[] = [];
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('samples all seven activations and autograd matches every hand-written derivative', async () => {
    curves = await runActivations(parseExampleArgs(['--quick', '--out', out], 'activations')!);
    expect(curves.map((c) => c.name)).toEqual([
      'sigmoid',
      'tanh',
      'ReLU',
      'leaky ReLU',
      'ELU',
      'maxout',
      'step',
    ]);
    for (const c of curves) {
      expect(c.xs).toHaveLength(81);
      expect(c.derivatives).toHaveLength(81);
      expect(c.maxError).toBeLessThan(1e-12);
    }
  });

  it("gives the lesson's derivative values at chosen points", () => {
    expect(at('sigmoid', [0])[0]).toBeCloseTo(0.25, 12);
    expect(at('sigmoid', [2])[0]).toBeCloseTo(0.104993585, 8);
    expect(at('tanh', [0])[0]).toBeCloseTo(1, 12);
    expect(at('tanh', [1])[0]).toBeCloseTo(1 - Math.tanh(1) ** 2, 12);
    expect(at('ReLU', [-1, 0, 3])).toEqual([0, 0, 1]); // 0 at the kink, as PyTorch
    expect(at('leaky ReLU', [-1, -3, 2])).toEqual([0.1, 0.1, 1]);
    expect(at('ELU', [-1])[0]).toBeCloseTo(Math.exp(-1), 12);
    expect(at('ELU', [2])[0]).toBe(1);
    expect(at('step', [-1, 0, 1, 5])).toEqual([0, 0, 0, 0]);
  });

  it('maxout is piecewise linear: the winning piece gives both the value and the slope', () => {
    const maxout = curves.find((c) => c.name === 'maxout')!;
    maxout.xs.forEach((x, i) => {
      expect(maxout.values[i]).toBeCloseTo(Math.max(-x - 1, 0.25 * x, 1.5 * x - 1), 12);
    });
    expect(at('maxout', [-3, -1, 0, 0.5, 1, 3])).toEqual([-1, -1, 0.25, 0.25, 1.5, 1.5]);
    // Slopes take only the three pieces' values, so the unit bends exactly twice.
    const slopes = new Set(maxout.derivatives);
    expect([...slopes].sort()).toEqual([-1, 0.25, 1.5]);
  });

  it('prints a table with one row per activation', () => {
    const table = formatTable(curves).split('\n');
    expect(table).toHaveLength(9);
    expect(table[2]).toMatch(
      /^\| sigmoid \| 1 \/ \(1 \+ e\^−x\) \| 0\.105 \| 0\.1966 \| 0\.25 \| 0\.1966 \| 0\.105 \| \d\.\de[-+]\d+ \|$/,
    );
  });

  it('writes one valid SVG grid with a chart per activation', () => {
    const svg = readFileSync(join(out, 'activations.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/<svg\b/g)).toHaveLength(8);
    for (const c of curves) expect(svg).toContain(`${c.name}: `);
  });
});
