import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator } from '@backprop/core';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { IGNORE, sequenceBatches, windowBatches } from './batches.js';
import { Bigram } from './bigram.js';
import { MLPModel, parameterCount } from './models.js';
import { formatReport, verdict, writeCurves } from './report.js';
import { type MakemoreResult, runMakemore } from './run.js';
import { sampleWords } from './train.js';
import { BOUNDARY, characterCount, decode, encode, loadWords, splitWords, VOCAB_SIZE } from './words.js';

describe('the word list and its split', () => {
  const words = Array.from({ length: 103 }, (_, i) => `w${'abcdefghij'[i % 10]}${i}`);

  it('keeps the package’s a–z words', () => {
    const all = loadWords();
    expect(all.length).toBe(274_937);
    expect(all.every((w) => /^[a-z]+$/.test(w))).toBe(true);
  });

  it('is the same for a seed and another for another seed', () => {
    expect(splitWords(words, 7)).toEqual(splitWords(words, 7));
    expect(splitWords(words, 7).train).not.toEqual(splitWords(words, 8).train);
  });

  it('cuts 80/10/10 into disjoint parts that together are every word', () => {
    const { train, validation, test } = splitWords(words, 3);
    expect([train.length, validation.length, test.length]).toEqual([82, 10, 11]);
    const parts = [...train, ...validation, ...test];
    expect(new Set(parts).size).toBe(words.length);
    expect([...parts].sort()).toEqual([...words].sort());
    // Shuffled, not cut in list order.
    expect(train.slice(0, 10)).not.toEqual(words.slice(0, 10));
  });

  it('encodes letters as 1..26 around the boundary 0', () => {
    expect(encode('az')).toEqual([1, 26]);
    expect(decode([BOUNDARY, 1, 26, BOUNDARY])).toBe('.az.');
    expect(characterCount(['ab', 'c'])).toBe(5);
  });
});

describe('the bigram table, against counts worked out by hand', () => {
  // .ab.  .ba.  .a.  → pairs (.a)(ab)(b.)  (.b)(ba)(a.)  (.a)(a.)
  const bigram = Bigram.fit(['ab', 'ba', 'a']);
  const [dot, a, b, c] = [0, 1, 2, 3];

  it('counts each pair of consecutive tokens, boundaries included', () => {
    expect(bigram.counts[dot]!.slice(0, 4)).toEqual([0, 2, 1, 0]);
    expect(bigram.counts[a]!.slice(0, 4)).toEqual([2, 0, 1, 0]);
    expect(bigram.counts[b]!.slice(0, 4)).toEqual([1, 1, 0, 0]);
    expect(bigram.counts.flat().reduce((s, x) => s + x, 0)).toBe(8);
  });

  it('adds 1 to every count and normalizes each row', () => {
    // Row '.': 3 pairs + 27 ones; row 'b': 2 + 27; an unseen row is uniform.
    expect(bigram.probability(dot, a)).toBeCloseTo(3 / 30, 6);
    expect(bigram.probability(dot, b)).toBeCloseTo(2 / 30, 6);
    expect(bigram.probability(dot, c)).toBeCloseTo(1 / 30, 6);
    expect(bigram.probability(a, dot)).toBeCloseTo(3 / 30, 6);
    expect(bigram.probability(b, a)).toBeCloseTo(2 / 29, 6);
    expect(bigram.probability(c, 9)).toBeCloseTo(1 / 27, 6);
    const sums = bigram.probs.sum(1).data();
    for (const s of sums) expect(s).toBeCloseTo(1, 5);
    expect(bigram.parameterCount).toBe(VOCAB_SIZE * VOCAB_SIZE);
  });

  it('scores a word by every letter and its end', () => {
    const byHand = -(Math.log(3 / 30) + Math.log(2 / 30) + Math.log(2 / 29)) / 3;
    expect(bigram.loss(['ab'])).toBeCloseTo(byHand, 5);
    // No counts at all: uniform, ln 27 per character.
    expect(Bigram.fit([]).loss(['ab', 'c'])).toBeCloseTo(Math.log(VOCAB_SIZE), 5);
  });

  it('samples from its rows, the same words for the same seed', () => {
    const only = Bigram.fit(new Array<string>(1000).fill('ab'));
    const words = sampleWords((p) => only.nextProbabilities(p), 20, new Generator(0), 30);
    expect(words.filter((w) => w === 'ab').length).toBeGreaterThan(10);
    expect(sampleWords((p) => only.nextProbabilities(p), 20, new Generator(0), 30)).toEqual(words);
  });
});

describe('batches score every character once, in either layout', () => {
  it('windows: one row per character, boundaries before the start', () => {
    const [batch] = windowBatches(['ab', 'c'], 3, 100);
    expect(batch!.input.toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 2],
      [0, 0, 0],
      [0, 0, 3],
    ]);
    expect(batch!.target.toArray()).toEqual([1, 2, 0, 3, 0]);
    expect(batch!.characters).toBe(5);
  });

  it('sequences: the boundary then the letters in, the letters then the boundary out, padding ignored', () => {
    const [batch] = sequenceBatches(['ab', 'c'], 8);
    expect(batch!.input.toArray()).toEqual([
      [0, 3, 0],
      [0, 1, 2],
    ]);
    expect(batch!.target.toArray()).toEqual([3, 0, IGNORE, 1, 2, 0]);
    expect(batch!.characters).toBe(5);
  });

  it('counts the parameters of the MLP as Bengio’s layout has them', () => {
    // 27·10 embedding + (3·10)·200 + 200 hidden + 200·27 + 27 head.
    expect(parameterCount(new MLPModel({ context: 3, embedding: 10, hidden: 200 }))).toBe(11_897);
  });
});

describe('makemore (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-makemore-'));
  let r: MakemoreResult;
  beforeAll(() => {
    r = runMakemore(parseExampleArgs(['--quick', '--out', out], 'makemore')!);
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("lowers every model's validation loss from where it started", () => {
    expect(r.models.map((m) => m.name)).toEqual(['bigram', 'MLP', 'LSTM', 'Transformer']);
    for (const m of r.models) {
      expect(m.curve.at(-1)!, m.name).toBeLessThan(m.curve[0]!);
      expect(Number.isFinite(m.validationLoss)).toBe(true);
    }
    expect(verdict(r).ok).toBe(true);
  });

  it('makes up 20 words of a–z with each model', () => {
    for (const m of r.models) {
      expect(m.samples, m.name).toHaveLength(20);
      for (const w of m.samples) expect(w, m.name).toMatch(/^[a-z]+$/);
    }
  });

  it('prints the table and the samples, and draws valid SVG', async () => {
    const report = formatReport(r);
    expect(report.split('\n').filter((l) => /^\| (bigram|MLP|LSTM|Transformer) \|/.test(l))).toHaveLength(8);
    expect(report).toContain('Transformer:');
    const [file] = await writeCurves(r, out);
    const svg = readFileSync(file!, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('Transformer');
  });
});
