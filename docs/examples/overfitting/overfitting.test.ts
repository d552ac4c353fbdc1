import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { choose, formatReport, type OverfittingResult, runOverfitting } from './run.js';

describe('overfitting (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-overfitting-'));
  let r: OverfittingResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('without weight decay the training and validation curves part', async () => {
    r = await runOverfitting(parseExampleArgs(['--quick', '--out', out], 'overfitting')!);
    const none = r.candidates[0]!;
    expect(none.weightDecay).toBe(0);
    const gaps = none.history.map((h) => h.valLoss! - h.trainLoss);
    const vals = none.history.map((h) => h.valLoss!);
    const best = vals.indexOf(Math.min(...vals));
    // Validation loss turns and climbs while the training loss keeps falling.
    expect(best).toBeLessThan(none.history.length / 2);
    expect(vals.at(-1)!).toBeGreaterThan(2 * vals[best]!);
    expect(none.trainLoss).toBeLessThan(none.history[best]!.trainLoss);
    // The gap grows: small at the validation optimum, large at the end.
    expect(gaps[best]!).toBeLessThan(0.2);
    expect(gaps.at(-1)!).toBeGreaterThan(0.5);
    expect(none.history.at(-1)!.trainAccuracy!).toBeGreaterThan(0.95); // memorized
  });

  it('chooses the weight decay on validation only and reads the test set once', () => {
    expect(r.testReads).toBe(1);
    // The choice is the argmin of validation loss, and the candidates carry no test numbers.
    const byVal = [...r.candidates].sort((a, b) => a.valLoss - b.valLoss)[0]!;
    expect(r.chosen).toBe(byVal.weightDecay);
    for (const c of r.candidates) expect(Object.keys(c).some((k) => k.startsWith('test'))).toBe(false);
    expect(r.chosen).toBeGreaterThan(0);
    const chosen = r.candidates.find((c) => c.weightDecay === r.chosen)!;
    expect(chosen.valLoss).toBeLessThan(r.candidates[0]!.valLoss / 2);
    // The one test number agrees with validation: no surprise when the choice did not look at it.
    expect(Math.abs(r.testError - chosen.valError)).toBeLessThan(0.1);
    expect(r.testError).toBeLessThan(0.3);
  });

  it('choose() picks the lowest validation loss', () => {
    expect(
      choose([
        { weightDecay: 0, valLoss: 1.2 },
        { weightDecay: 0.01, valLoss: 0.4 },
        { weightDecay: 0.1, valLoss: 0.7 },
      ]),
    ).toBe(0.01);
  });

  it('prints the candidates and one test line', () => {
    const text = formatReport(r);
    expect(text.match(/← chosen/g)).toHaveLength(1);
    expect(text.match(/^test, read once/gm)).toHaveLength(1);
  });

  it('writes valid SVGs', () => {
    for (const name of ['overfitting-curves.svg', 'overfitting-boundaries.svg']) {
      expect(XMLValidator.validate(readFileSync(join(out, name), 'utf8'))).toBe(true);
    }
  });
});
