import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { compareMomentum, lessonMomentum } from './momentum.js';
import { formatReport, type MomentumResult, RECIPES, runMomentumAndDecay, tailMean } from './run.js';

describe('momentum-and-decay (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-momentum-'));
  let r: MomentumResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("SGD({ momentum: 1 − μ, dampening: 1 − μ }) is the lesson's p ← μ·g + (1 − μ)·p", () => {
    expect(lessonMomentum(0.3)).toEqual({ momentum: 0.7, dampening: 0.7 });
    for (const mu of [0.1, 0.3, 0.9]) {
      const { lesson, sgd } = compareMomentum(mu, 0.1, 8);
      for (const [i, v] of lesson.entries()) expect(sgd[i]).toBeCloseTo(v, 12);
    }
    // By hand for μ = 0.3, lr 0.1, f = 1.5·θ²: p⁽⁰⁾ = g⁽¹⁾ = 3, so θ₁ = 1 − 0.1·3 = 0.7;
    // g⁽²⁾ = 2.1, p = 0.3·2.1 + 0.7·3 = 2.73, θ₂ = 0.7 − 0.273 = 0.427.
    const { lesson } = compareMomentum(0.3, 0.1, 2);
    expect(lesson[0]).toBeCloseTo(0.7, 12);
    expect(lesson[1]).toBeCloseTo(0.427, 12);
  });

  it('trains every recipe from the same start', async () => {
    r = await runMomentumAndDecay(parseExampleArgs(['--quick', '--out', out], 'momentum-and-decay')!);
    expect(r.runs.map((run) => run.recipe.name)).toEqual(RECIPES.map((rc) => rc.name));
    for (const run of r.runs) expect(run.loss).toHaveLength(20);
  });

  it("shows the lesson's predictions", () => {
    const [plain, momentum, decay, step, all, small] = r.runs;
    // A large learning rate is faster at first, then bounces around the fit.
    expect(plain!.loss[0]).toBeLessThan(small!.loss[0]!);
    expect(tailMean(plain!.loss)).toBeGreaterThan(1.5 * tailMean(small!.loss));
    // Momentum averages the noisy gradients: shorter steps, a lower level at the end.
    expect(momentum!.meanStep).toBeLessThan(0.5 * plain!.meanStep);
    expect(tailMean(momentum!.loss)).toBeLessThan(tailMean(plain!.loss));
    // Stepping the learning rate down stops the bouncing: down to the noise floor (0.25).
    expect(tailMean(step!.loss)).toBeLessThan(tailMean(plain!.loss));
    expect(tailMean(step!.loss)).toBeLessThan(0.3);
    expect(tailMean(all!.loss)).toBeLessThan(tailMean(plain!.loss));
    // Weight decay keeps the weights smaller.
    expect(tailMean(decay!.norm)).toBeLessThan(tailMean(plain!.norm));
    expect(tailMean(all!.norm)).toBeLessThan(tailMean(step!.norm));
  });

  it('prints a row per recipe and draws the curves as valid SVG', () => {
    const report = formatReport(r);
    expect(report.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| recipe'))).toHaveLength(6);
    const svg = readFileSync(join(out, 'momentum-and-decay.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('momentum μ = 0.3');
  });
});
