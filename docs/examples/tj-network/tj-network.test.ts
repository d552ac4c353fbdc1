import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { formatReport, runTjNetwork, type TjResult, WEIGHT_NAMES } from './run.js';

describe('tj-network', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-tj-network-'));
  let r: TjResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("computes the lesson's node values", async () => {
    r = await runTjNetwork(parseExampleArgs(['--quick', '--out', out], 'tj-network')!);
    expect(r.nodes).toEqual({ n1: 3, n2: -2, n3: -3, n4: 8, n5: 13, n6: 5 });
    expect(r.error).toBe(8); // ½(5 − 9)²
  });

  it('gets every gradient right: autograd equals the chain rule worked by hand', () => {
    // dE/dn6 = n6 − y = −4; output weights −4·n_j; hidden weights −4·W_j6·n_i.
    expect(r.gradients).toEqual({
      W13: 12,
      W23: -8,
      W14: 36,
      W24: -24,
      W15: -24,
      W25: 16,
      W36: 12,
      W46: -32,
      W56: -52,
    });
    expect(r.handGradients).toEqual(r.gradients);
  });

  it('updates W36 to −2.2 and W13 to −0.2, as on the slides', () => {
    expect(r.updated.W36).toBeCloseTo(-2.2, 12);
    expect(r.updated.W13).toBeCloseTo(-0.2, 12);
    const expected = { W23: 3.8, W14: 0.4, W24: 4.4, W15: 5.4, W25: -3.6, W46: 0.2, W56: 7.2 };
    for (const [n, v] of Object.entries(expected))
      expect(r.updated[n as keyof typeof expected]).toBeCloseTo(v, 12);
    // α = 0.1 overshoots when all nine weights move together; a small step lowers E.
    expect(r.errorAfter).toBeCloseTo(15488, 6);
    expect(r.errorAfterSmallStep).toBeLessThan(r.error);
  });

  it('prints one row per weight', () => {
    const report = formatReport(r);
    for (const n of WEIGHT_NAMES) expect(report).toMatch(new RegExp(`\\| ${n} \\|`));
    expect(report).toContain('| W36 | -1 | 12 | 12 | -2.2 |');
    expect(report).toContain('| W13 | 1 | 12 | 12 | -0.2 |');
  });

  it('draws the computation graph with names, values and gradients as valid SVG', () => {
    const svg = readFileSync(join(out, 'graph.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    for (const name of ['n1', 'n6 = add', 'E = mul', 'W36', 'W13']) expect(svg).toContain(`>${name}<`);
    expect(svg).toContain('grad 12'); // W13's and W36's gradient
    expect(r.files).toEqual([join(out, 'graph.svg'), join(out, 'graph.png')]);
  });
});
