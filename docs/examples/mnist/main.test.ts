import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zeros } from '@backprop/core';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { buildModel, type ModelName, parameterCount } from './models.js';
import { parseArgs } from './options.js';
import { formatTable, loadSplits, type Row, runMnistTable } from './run.js';

// The main job's --quick mode, as CI runs it: real digits, real training, and the lesson's
// ordering of the table (a linear classifier is worse than an MLP, which is worse than a CNN).
describe('MNIST main job (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-mnist-'));
  let rows: Row[] = [];
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains the three models and orders them linear > MLP > CNN in test error', async () => {
    const options = parseArgs(['--quick', '--out', out])!;
    rows = await runMnistTable(options, () => {});
    expect(rows.map((r) => r.model)).toEqual(['linear', 'mlp', 'cnn']);
    const [linear, mlp, cnn] = rows.map((r) => r.testError) as [number, number, number];
    expect(linear).toBeGreaterThan(mlp);
    expect(mlp).toBeGreaterThan(cnn);
    // Far better than chance (90% error) after a quick run, and the linear row near the lesson's 12%.
    expect(linear).toBeLessThan(0.15);
    expect(cnn).toBeLessThan(0.1);
    for (const r of rows) {
      expect(r.history).toHaveLength(r.epochs);
      expect(r.history.at(-1)!.trainLoss).toBeLessThan(r.history[0]!.trainLoss);
      const confusionTotal = Array.from(r.confusion.data()).reduce((a, b) => a + b, 0);
      // The test digits are counted once, after training.
      expect(confusionTotal).toBe(2000);
      expect(r.validationError).toBeGreaterThan(0);
      expect(r.validationError).toBeLessThan(0.15);
    }
  }, 180_000);

  it('prints a table with the lecture row and one row per model', () => {
    const table = formatTable(rows).split('\n');
    expect(table[2]).toContain('12%');
    expect(table).toHaveLength(3 + rows.length);
    expect(table[3]).toMatch(/linear .*\| 7,850 \| 3 \| \d+\.\d\d% \| \d+\.\d\d% \| \d+\.\d\d% \|/);
    // Top-5 error is at most top-1 error, for every row.
    for (const r of rows) expect(r.testTop5Error).toBeLessThanOrEqual(r.testError);
  });

  it('writes the table as Markdown and as JSON', () => {
    expect(readFileSync(join(out, 'mnist-table.md'), 'utf8')).toBe(`${formatTable(rows)}\n`);
    const json = JSON.parse(readFileSync(join(out, 'mnist-table.json'), 'utf8'));
    expect(json.dataset).toBe('mnist');
    expect(json.rows.map((r: Row) => r.model)).toEqual(['linear', 'mlp', 'cnn']);
    expect(json.rows[2].testError).toBe(rows[2]!.testError);
    expect(json.rows[2].confusion).toHaveLength(10);
  });

  it('writes valid SVG curves and confusion matrices', () => {
    for (const name of ['mnist-loss.svg', 'mnist-accuracy.svg', 'mnist-confusion-cnn.svg']) {
      const svg = readFileSync(join(out, name), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
    }
    expect(readFileSync(join(out, 'mnist-loss.svg'), 'utf8')).toContain('cnn validation');
  });

  it('holds validation digits out of the training files with the seed, and keeps the test files apart', async () => {
    const a = await loadSplits(parseArgs(['--quick'])!);
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([5000, 1000, 2000]);
    const b = await loadSplits(parseArgs(['--quick'])!);
    const c = await loadSplits(parseArgs(['--quick', '--seed', '1'])!);
    expect(Array.from(a.validation.y.storage)).toEqual(Array.from(b.validation.y.storage));
    expect(Array.from(a.validation.x.storage)).not.toEqual(Array.from(c.validation.x.storage));
    // The first test digit of the IDX file (a 7) is the first test digit here.
    expect(a.test.y.storage[0]).toBe(7);
  });

  it("builds the paper-sized models with the paper's parameter counts", () => {
    const count = (name: ModelName) => parameterCount(buildModel(name));
    // 784*300+300 + 300*10+10; 784*300+300 + 300*100+100 + 100*10+10; LeNet-5 156+2,416+48,120+10,164+850.
    expect([count('nn-300'), count('nn-300-100'), count('lenet5')]).toEqual([238_510, 266_610, 61_706]);
    const images = zeros([2, 1, 28, 28]);
    expect(buildModel('lenet5').forward(images).shape).toEqual([2, 10]);
  });

  it('rejects bad flags with a clear message', () => {
    expect(() => parseArgs(['--model', 'rnn'])).toThrow(
      "--model must be one of linear, mlp, cnn, nn-300, nn-300-100, lenet5 or all, got 'rnn'",
    );
    expect(parseArgs([])!.models).toEqual(['linear', 'mlp', 'cnn']);
    expect(parseArgs(['--model', 'all'])!.models).toHaveLength(6);
    expect(() => parseArgs(['--epochs', '0'])).toThrow("--epochs must be a positive integer, got '0'");
    expect(() => parseArgs(['--bogus', '1'])).toThrow("unknown option '--bogus'");
    expect(() => parseArgs(['--dataset', 'cifar'])).toThrow(
      "--dataset must be mnist or fashion-mnist, got 'cifar'",
    );
    expect(parseArgs(['--dataset', 'fashion-mnist'])!.dataset).toBe('fashion-mnist');
    expect(parseArgs(['--help'])).toBeNull();
  });
});
