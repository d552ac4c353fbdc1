import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { DEPTH, formatTable, type LayerNorms, runVanishingGradients } from './run.js';

describe('vanishing-gradients (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-vanishing-'));
  let sigmoid: LayerNorms;
  let relu: LayerNorms;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the gradient reaching layer 1 of a sigmoid network is a tiny fraction of the last layer’s', async () => {
    [sigmoid, relu] = (await runVanishingGradients(
      parseExampleArgs(['--quick', '--out', out], 'vanishing-gradients')!,
    )) as [LayerNorms, LayerNorms];
    expect(sigmoid.outputGrad).toHaveLength(DEPTH);
    expect(sigmoid.ratio).toBeLessThan(1e-2);
    expect(sigmoid.weightRatio).toBeLessThan(1e-2);
    // It shrinks at every layer on the way down: each sigmoid factor is at most 1/4.
    for (let l = 0; l + 1 < DEPTH; l++)
      expect(sigmoid.outputGrad[l]!).toBeLessThan(sigmoid.outputGrad[l + 1]!);
  });

  it('through ReLUs with He init the gradient keeps its size', () => {
    expect(relu.ratio).toBeGreaterThan(0.1);
    expect(relu.ratio).toBeLessThan(10);
    expect(relu.weightRatio).toBeGreaterThan(0.05);
    // Every layer of the ReLU network hears more than 10^4 times what the sigmoid's first layer does.
    expect(Math.min(...relu.outputGrad) / sigmoid.outputGrad[0]!).toBeGreaterThan(1e4);
  });

  it('prints one row per layer and the first/last ratios', () => {
    const table = formatTable([sigmoid, relu]).split('\n');
    expect(table).toHaveLength(2 + DEPTH + 1);
    expect(table.at(-1)).toMatch(/^\| first \/ last \| \d\.\d\de-\d+ \|/);
  });

  it('writes a valid SVG with both charts', () => {
    const svg = readFileSync(join(out, 'vanishing-gradients.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('sigmoid, Xavier init');
    expect(svg).toContain('ReLU, He init');
    expect(svg.match(/<svg\b/g)).toHaveLength(3);
  });
});
