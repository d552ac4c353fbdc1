import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { formatReport, runSigmoidNetwork, type SigmoidNetworkResult } from './run.js';

describe('sigmoid-network', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-sigmoid-network-'));
  let r: SigmoidNetworkResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("gives the lesson's outputs: f([1, −1]) = [0.62, 0.83], f([0, 0]) = [0.51, 0.85]", async () => {
    r = await runSigmoidNetwork(parseExampleArgs(['--out', out], 'sigmoid-network')!);
    const [one, zero] = r.traces.map((t) => t.a.at(-1)!) as [number[], number[]];
    expect(one[0]).toBeCloseTo(0.62, 2);
    expect(one[1]).toBeCloseTo(0.83, 2);
    expect(zero[0]).toBeCloseTo(0.51, 2);
    expect(zero[1]).toBeCloseTo(0.85, 2);
  });

  it("passes through the matrix slide's first layer: z = [4, −2], σ(z) = [0.98, 0.12]", () => {
    const first = r.traces[0]!;
    expect(first.z[0]![0]).toBeCloseTo(4, 6);
    expect(first.z[0]![1]).toBeCloseTo(-2, 6);
    expect(first.a[0]![0]).toBeCloseTo(0.98, 2);
    expect(first.a[0]![1]).toBeCloseTo(0.12, 2);
    expect(r.parameters).toBe(18);
  });

  it('prints each layer and the outputs', () => {
    const report = formatReport(r);
    expect(report).toContain('layer 1: z = [4.00, -2.00]  σ(z) = [0.98, 0.12]');
    expect(report).toContain('f(x) = [0.62, 0.83]');
    expect(report).toContain('f(x) = [0.51, 0.85]');
  });

  it('draws the computation graph with the named layers as valid SVG', () => {
    const svg = readFileSync(join(out, 'graph.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    for (const name of ['x', 'W1', 'b1', 'W3', 'b3', 'z1 = linear', 'a1 = sigmoid', 'a3 = sigmoid']) {
      expect(svg).toContain(`>${name}<`);
    }
    // 3 × (linear, sigmoid) and the final sum: Linear is one fused op, x·Wᵀ + b.
    expect(svg.match(/class="vertex op[ "]/g)!.length).toBe(7);
  });
});
