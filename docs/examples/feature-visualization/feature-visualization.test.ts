import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, randn, tensor } from '@backprop/core';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { pca } from './pca.js';
import { separation } from './purity.js';
import { type FeatureResult, formatTable, runFeatureVisualization } from './run.js';
import { affinities, perplexities } from './tsne.js';

describe('feature-visualization (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-features-'));
  let r: FeatureResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("t-SNE's KL divergence falls, and ends far below where it started", async () => {
    r = await runFeatureVisualization(parseExampleArgs(['--quick', '--out', out], 'feature-visualization')!);
    expect(r.digits).toBe(200);
    expect(r.tsne.embedding.shape).toEqual([200, 2]);
    const { kl, klIterations, exaggerationIterations } = r.tsne;
    expect(klIterations[0]).toBe(0);
    expect(klIterations.at(-1)).toBe(250);
    expect(kl.at(-1)!).toBeLessThan(kl[0]! / 2);
    // After the exaggeration ends, descent on the true KL: lower at the end than at any point of the first half.
    const after = kl.filter((_, i) => klIterations[i]! > exaggerationIterations);
    expect(kl.at(-1)!).toBeLessThan(Math.min(...after.slice(0, after.length / 2)));
    expect(Math.min(...kl)).toBeGreaterThan(0); // a KL divergence
  });

  it('in both embeddings digits sit nearer their own class than others, well above chance', () => {
    const { chance } = r.pca.separation;
    expect(chance).toBeGreaterThan(0.09);
    expect(chance).toBeLessThan(0.13);
    expect(r.pca.separation.purity).toBeGreaterThan(chance + 0.15);
    expect(r.tsne.separation.purity).toBeGreaterThan(chance + 0.4);
    expect(r.tsne.separation.purity).toBeGreaterThan(r.pca.separation.purity);
    expect(r.pca.separation.distanceRatio).toBeLessThan(0.7);
    expect(r.tsne.separation.distanceRatio).toBeLessThan(0.6);
    expect(r.accuracy).toBeGreaterThan(0.8);
  });

  it('PCA finds orthonormal directions of decreasing variance, matching the projections', () => {
    const [v1, v2] = r.pca.projected.var(0, false).toArray() as number[];
    expect(v1!).toBeGreaterThan(v2!);
    expect(r.pca.explained[0]!).toBeGreaterThan(r.pca.explained[1]!);
    const again = pca(r.hidden, 2, new Generator(1));
    const gram = again.components.matmul(again.components.t()).toArray() as number[][];
    expect(gram[0]![0]).toBeCloseTo(1, 4);
    expect(gram[1]![1]).toBeCloseTo(1, 4);
    expect(gram[0]![1]).toBeCloseTo(0, 3);
    expect(again.variances[0]! / v1!).toBeCloseTo(1, 3);
  });

  it('PCA recovers a known covariance', () => {
    // Points stretched 3x along (1, 1)/√2 and 1x along (1, −1)/√2: variances 9 and 1.
    const g = new Generator(3);
    const z = randn([4000, 2], { dtype: 'float64', generator: g }).mul(tensor([3, 1], { dtype: 'float64' }));
    const rot = tensor(
      [
        [Math.SQRT1_2, Math.SQRT1_2],
        [-Math.SQRT1_2, Math.SQRT1_2],
      ],
      { dtype: 'float64' },
    );
    const result = pca(z.matmul(rot), 2, g);
    expect(result.variances[0]! / 9).toBeCloseTo(1, 1);
    expect(result.variances[1]!).toBeCloseTo(1, 1);
    const [a, b] = (result.components.toArray() as number[][])[0]!;
    expect(Math.abs(a!)).toBeCloseTo(Math.SQRT1_2, 2);
    expect(Math.abs(b!)).toBeCloseTo(Math.SQRT1_2, 2);
  });

  it("calibrates each point's Gaussian to the requested perplexity", () => {
    const x = r.hidden.to('float64');
    const { p, betas } = affinities(x, 30);
    for (const value of perplexities(x, betas)) expect(value).toBeCloseTo(30, 3);
    expect(p.sum().item()).toBeCloseTo(1, 10);
    expect(p.sub(p.t()).abs().max().item()).toBe(0); // symmetric
  });

  it('scores a perfect and a random arrangement as such', () => {
    const labels = tensor([0, 0, 0, 1, 1, 1], { dtype: 'int32' });
    const apart = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [10, 10],
      [10, 11],
      [11, 10],
    ]);
    const perfect = separation(apart, labels, 2);
    expect(perfect.purity).toBe(1);
    expect(perfect.chance).toBe(0.5);
    expect(perfect.distanceRatio).toBeLessThan(0.1);
  });

  it('prints a table with every space and chance', () => {
    const lines = formatTable(r).split('\n');
    expect(lines.find((l) => l.startsWith('| t-SNE (2-D) |'))).toMatch(/\| \d+\.\d% \| 0\.\d{3} \|$/);
    expect(lines.at(-1)).toMatch(/^\| chance \| 1\d\.\d% \| 1 \|$/);
  });

  it('writes valid SVG scatter plots with a legend of the ten digits', () => {
    for (const name of ['pca', 'tsne', 'kl']) {
      const svg = readFileSync(join(out, `feature-visualization-${name}.svg`), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
    }
    const tsneSvg = readFileSync(join(out, 'feature-visualization-tsne.svg'), 'utf8');
    expect(tsneSvg.match(/<circle /g)!.length).toBe(200 + 10); // the digits and the legend's dots
    expect(XMLValidator.validate(readFileSync(join(out, 'feature-visualization.svg'), 'utf8'))).toBe(true);
  });
});
