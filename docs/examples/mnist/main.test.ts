import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, tensor, zeros } from '@backprop/core';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { randomShift } from './augment.js';
import { buildModel, MODEL_NAMES, type ModelName, parameterCount } from './models.js';
import { parseArgs, recipeFor } from './options.js';
import { writeReport } from './report.js';
import { caption, formatTable, loadSplits, meanStd, type Row, runMnistTable, worstMistakes } from './run.js';

// The main job's --quick mode, as CI runs it: real digits, real training of every row of the table.
describe('MNIST main job (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-mnist-'));
  const options = parseArgs(['--quick', '--out', out])!;
  let rows: Row[] = [];
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('trains every row, keeps the epoch of lowest validation error, and looks at the test digits once', async () => {
    rows = await runMnistTable(options, () => {});
    expect(rows.map((r) => r.model)).toEqual([...MODEL_NAMES]);
    const error = (name: ModelName) => rows.find((r) => r.model === name)!.runs[0]!.testError;
    // Far better than chance (90% error) after a quick run; softmax beats least squares; the
    // convolutional rows beat the linear ones.
    expect(error('linear')).toBeLessThan(0.15);
    expect(error('linear')).toBeLessThan(error('linear-mse'));
    expect(error('lenet5')).toBeLessThan(0.1);
    expect(error('lenet5')).toBeLessThan(error('linear'));
    expect(error('cnn')).toBeLessThan(0.08);
    for (const r of rows) {
      const [run] = r.runs;
      expect(r.runs).toHaveLength(1);
      expect(run!.history).toHaveLength(r.epochs);
      expect(run!.history.at(-1)!.trainLoss).toBeLessThan(run!.history[0]!.trainLoss);
      // The kept epoch is the one with the lowest validation error, and its error is the one reported.
      const validationErrors = run!.history.map((h) => 1 - h.valAccuracy!);
      expect(run!.validationError).toBeCloseTo(Math.min(...validationErrors), 12);
      expect(validationErrors[run!.bestEpoch - 1]).toBeCloseTo(run!.validationError, 12);
      // The test digits are counted once, after training.
      expect(run!.confusion.flat().reduce((a, b) => a + b, 0)).toBe(2000);
      expect(run!.testTop5Error).toBeLessThanOrEqual(run!.testError);
      expect(run!.mistakes).toHaveLength(25);
    }
  }, 180_000);

  it("prints a table with the paper's figure beside each row", () => {
    const table = formatTable(rows, options).split('\n');
    expect(table).toHaveLength(2 + rows.length);
    expect(table[0]).toContain('| paper (1998) |');
    expect(table[2]).toMatch(
      /^\| linear classifier, squared error to one-hot targets \| 12\.00% \| 7,850 \| 3 \| [1-3] \| \d+\.\d\d% \| \d+\.\d\d% \|/,
    );
    expect(table[6]).toContain('| 0.95% | 61,706 | 6 |');
    expect(table[7]).toContain('| 0.80% (LeNet-5, distortions) | 61,706 | 6 |');
    expect(caption(options)).toContain('(--quick subset): SGD with momentum 0.9');
    expect(caption(options)).toContain('1 seed per row');
    // Fashion-MNIST has no paper column.
    expect(formatTable(rows, { ...options, dataset: 'fashion-mnist' }).split('\n')[0]).not.toContain('paper');
  });

  it('writes the table, curves, confusion matrices and the misclassified digits', async () => {
    const written = await writeReport(rows, options);
    expect(readFileSync(join(out, 'mnist-table.md'), 'utf8')).toBe(
      `${caption(options)}\n\n${formatTable(rows, options)}\n`,
    );
    const json = JSON.parse(readFileSync(join(out, 'mnist-table.json'), 'utf8'));
    expect(json.options.quick).toBe(true);
    expect(json.rows.map((r: Row) => r.model)).toEqual([...MODEL_NAMES]);
    expect(json.rows[4].runs[0].testError).toBe(rows[4]!.runs[0]!.testError);
    expect(json.rows[4].runs[0].confusion).toHaveLength(10);
    for (const name of ['mnist-curves-lenet5.svg', 'mnist-confusion-cnn.svg', 'mnist-misclassified.svg']) {
      expect(written).toContain(join(out, name));
      expect(XMLValidator.validate(readFileSync(join(out, name), 'utf8'))).toBe(true);
    }
    const picture = readFileSync(join(out, 'mnist-misclassified.svg'), 'utf8');
    expect(picture.match(/>true \d → \d</g)).toHaveLength(25);
  });

  it('holds validation digits out of the training files with the seed, and keeps the test files apart', async () => {
    const a = await loadSplits(parseArgs(['--quick'])!);
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([5000, 1000, 2000]);
    const b = await loadSplits(parseArgs(['--quick'])!);
    const c = await loadSplits(parseArgs(['--quick', '--seed', '1'])!);
    expect(Array.from(a.validation.y.data())).toEqual(Array.from(b.validation.y.data()));
    expect(Array.from(a.validation.x.data())).not.toEqual(Array.from(c.validation.x.data()));
    // The first test digit of the IDX file (a 7) is the first test digit here, its pixels as loaded.
    expect(a.test.y.data()[0]).toBe(7);
    expect(a.testPixels.max().item()).toBe(1);
    // Normalized by the training digits: mean 0 and deviation 1 there; a blank pixel maps to background.
    expect(a.train.x.mean().item()).toBeCloseTo(0, 4);
    expect(a.train.x.square().mean().item()).toBeCloseTo(1, 3);
    expect(a.test.x.min().item()).toBeCloseTo(a.background, 5);
  });
});

describe('MNIST main job parts', () => {
  it("builds the paper-sized models with the paper's parameter counts", () => {
    const count = (name: ModelName) => parameterCount(buildModel(name));
    // 784*300+300 + 300*10+10; 784*300+300 + 300*100+100 + 100*10+10; LeNet-5 156+2,416+48,120+10,164+850.
    expect([count('linear'), count('nn-300'), count('nn-300-100'), count('lenet5')]).toEqual([
      7_850, 238_510, 266_610, 61_706,
    ]);
    expect(buildModel('lenet5').forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 10]);
  });

  it('shifts images by whole pixels and fills the uncovered border with the background', () => {
    const image = tensor(
      Array.from({ length: 9 }, (_, i) => i + 1),
      { shape: [1, 1, 3, 3] },
    );
    const seen = new Set<string>();
    const generator = new Generator(3);
    for (let k = 0; k < 40; k++) {
      const shifted = randomShift(image, 1, generator, -1).reshape([3, 3]).toArray() as number[][];
      seen.add(JSON.stringify(shifted));
      // Every output pixel is the background or an input pixel one step away at most.
      const values = shifted.flat();
      expect(values.filter((v) => v !== -1).every((v) => v >= 1 && v <= 9)).toBe(true);
    }
    // All nine shifts in [-1, 1]², among them the identity and "one down, one right".
    expect(seen.size).toBe(9);
    expect(seen).toContain(
      JSON.stringify([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]),
    );
    expect(seen).toContain(
      JSON.stringify([
        [-1, -1, -1],
        [-1, 1, 2],
        [-1, 4, 5],
      ]),
    );
  });

  it('finds the most confident mistakes, most confident first', () => {
    // Four examples, two classes: 0 and 2 are right; 1 is wrong at p = σ(3), 3 wrong at p = σ(1).
    const outputs = tensor([
      [2, 0],
      [3, 0],
      [0, 1],
      [0, 1],
    ]);
    const labels = tensor([0, 1, 1, 0], { dtype: 'int32' });
    const pixels = tensor([[0.2], [0.4], [0.6], [1]]);
    const mistakes = worstMistakes(outputs, labels, pixels, 25);
    expect(mistakes.map((m) => [m.label, m.predicted, m.pixels[0]])).toEqual([
      [1, 0, 102],
      [0, 1, 255],
    ]);
    expect(mistakes[0]!.confidence).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
  });

  it('reports mean and sample standard deviation over seeds', () => {
    const row = { runs: [0.01, 0.02, 0.03].map((testError) => ({ testError })) } as unknown as Row;
    const { mean, std } = meanStd(row, (run) => run.testError);
    expect(mean).toBeCloseTo(0.02, 12);
    expect(std).toBeCloseTo(0.01, 12);
  });

  it('decays the learning rate at half and three quarters of the epochs', () => {
    const options = parseArgs([])!;
    expect(recipeFor('lenet5', options)).toMatchObject({ epochs: 15, milestones: [8, 11], shift: 0 });
    expect(recipeFor('cnn', options).shift).toBe(2);
    expect(recipeFor('linear', parseArgs(['--quick'])!)).toMatchObject({ epochs: 3, milestones: [2] });
    expect(recipeFor('nn-300', parseArgs(['--optimizer', 'adam', '--epochs', '8'])!)).toMatchObject({
      epochs: 8,
      lr: 0.001,
      milestones: [4, 6],
    });
  });

  it('rejects bad flags with a clear message', () => {
    expect(() => parseArgs(['--model', 'rnn'])).toThrow(
      "--model must be one of linear-mse, linear, nn-300, nn-300-100, lenet5, cnn, got 'rnn'",
    );
    expect(parseArgs([])!.models).toEqual([...MODEL_NAMES]);
    expect(parseArgs(['--model', 'lenet5,cnn'])!.models).toEqual(['lenet5', 'cnn']);
    expect(() => parseArgs(['--epochs', '0'])).toThrow("--epochs must be a positive integer, got '0'");
    expect(() => parseArgs(['--seeds', '1.5'])).toThrow("--seeds must be a positive integer, got '1.5'");
    expect(() => parseArgs(['--optimizer', 'lbfgs'])).toThrow(
      "--optimizer must be one of sgd, adam, got 'lbfgs'",
    );
    expect(() => parseArgs(['--bogus', '1'])).toThrow("unknown option '--bogus'");
    expect(() => parseArgs(['--dataset', 'cifar'])).toThrow(
      "--dataset must be one of mnist, fashion-mnist, got 'cifar'",
    );
    expect(parseArgs(['--dataset', 'fashion-mnist'])!.dataset).toBe('fashion-mnist');
    expect(parseArgs(['--help'])).toBeNull();
  });
});
