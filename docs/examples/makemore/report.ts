// What a run prints and draws, and the lesson's verdict, all from a MakemoreResult, so that
// render.ts can print a committed run again without training.
import { lossCurves, writePlot } from '@backprop/data';
import type { MakemoreResult, ModelResult } from './run.js';
import { VOCAB_SIZE } from './words.js';

const n = (x: number) => x.toLocaleString('en-US');
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function table(r: MakemoreResult): string[] {
  const rows = r.models.map(
    (m) =>
      `| ${m.name} | ${m.description} | ${n(m.parameters)} | ${m.epochSeconds.length} | ${mean(m.epochSeconds).toFixed(1)} s | ${m.validationLoss.toFixed(3)} |`,
  );
  return [
    '| model | what it is | parameters | epochs | time per epoch | validation loss |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
  ];
}

function curves(r: MakemoreResult): string[] {
  const epochs = Math.max(...r.models.map((m) => m.curve.length));
  const header = Array.from({ length: epochs }, (_, e) => (e === 0 ? 'start' : `epoch ${e}`));
  return [
    `| model | ${header.join(' | ')} |`,
    `|---|${'---:|'.repeat(epochs)}`,
    ...r.models.map((m) => {
      const cells = header.map((_, e) => (m.curve[e] === undefined ? '' : m.curve[e]!.toFixed(3)));
      return `| ${m.name} | ${cells.join(' | ')} |`;
    }),
  ];
}

// Samples on lines of at most `width` characters, indented under the model's name.
function wrapped(words: readonly string[], width = 96): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(`  ${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(`  ${line}`);
  return lines;
}

/**
 * The printed account: where the words came from, the table, the validation curves, and every
 * model's samples.
 *
 * @example
 * ```ts
 * console.log(formatReport(runMakemore(options)));
 * ```
 */
export function formatReport(r: MakemoreResult): string {
  const c = r.counts;
  const sample = c.trainUsed < c.train ? `a seeded sample of ${n(c.trainUsed)} of them` : 'all of them';
  const scoredOn = c.tableWords < c.validation ? `the first ${n(c.tableWords)}` : `all ${n(c.tableWords)}`;
  return [
    `${n(c.words)} English words (a–z), split by seed ${r.seed}: ${n(c.train)} train, ${n(c.validation)} validation, ${n(c.test)} test (held out)`,
    `every model learns from the same training words: ${sample}${r.quick ? ' (--quick)' : ''}`,
    '',
    ...table(r),
    '',
    `validation loss: nats per character over ${scoredOn} validation words (${n(c.tableCharacters)} characters, each word's end included); guessing uniformly costs ln ${VOCAB_SIZE} = ${Math.log(VOCAB_SIZE).toFixed(3)}`,
    '',
    `validation loss after each epoch, on the first ${n(c.curveWords)} validation words:`,
    ...curves(r),
    '',
    `${r.models[0]!.samples.length} words made up by each model (seed ${r.seed}, the same uniform draws for every model):`,
    ...r.models.flatMap((m) => [`${m.name}:`, ...wrapped(m.samples)]),
  ].join('\n');
}

/** Whether the lesson's outcome holds, and the lines that say so. */
export interface Verdict {
  ok: boolean;
  lines: string[];
}

const fell = (m: ModelResult) => m.curve.at(-1)! < m.curve[0]!;

/**
 * The full run's claim: Transformer < LSTM < MLP < bigram on validation loss. The quick run's
 * models are too small and too briefly trained to be ranked; it claims only that every model's
 * loss fell from where it started.
 *
 * @example
 * ```ts
 * const { ok, lines } = verdict(result);
 * ```
 */
export function verdict(r: MakemoreResult): Verdict {
  const falling = r.models.filter((m) => !fell(m)).map((m) => m.name);
  if (falling.length > 0) {
    return { ok: false, lines: [`LESSON FAILED: the validation loss of ${falling.join(', ')} did not fall`] };
  }
  if (r.quick) return { ok: true, lines: ["every model's validation loss fell from its start (--quick)"] };
  const ranked = [...r.models].sort((a, b) => a.validationLoss - b.validationLoss).map((m) => m.name);
  const expected = ['Transformer', 'LSTM', 'MLP', 'bigram'];
  if (ranked.join() !== expected.join()) {
    return {
      ok: false,
      lines: [
        `LESSON FAILED: expected ${expected.join(' < ')} on validation loss, got ${ranked.join(' < ')}`,
      ],
    };
  }
  const loss = (name: string) => r.models.find((m) => m.name === name)!.validationLoss;
  const gaps = expected.slice(1).map((name, i) => (loss(name) - loss(expected[i]!)).toFixed(3));
  return {
    ok: true,
    lines: [`Transformer < LSTM < MLP < bigram on validation loss, by ${gaps.join(', ')} nats per character`],
  };
}

/**
 * Draws the validation curves (`<out>/validation-loss.svg`); returns the paths written.
 *
 * @example
 * ```ts
 * await writeCurves(result, 'out/makemore'); // ['out/makemore/validation-loss.svg']
 * ```
 */
export async function writeCurves(r: MakemoreResult, out: string): Promise<string[]> {
  // The untrained losses (about ln 27) would squeeze the trained ones, a few hundredths apart, into
  // a sliver: the y range covers the trained values, and the first segments enter from above.
  const trained = r.models.flatMap((m) => m.curve.slice(1));
  const yRange: [number, number] = [
    Math.floor((Math.min(...trained) - 0.05) * 10) / 10,
    Math.ceil((Math.max(...trained) + 0.05) * 10) / 10,
  ];
  const svg = lossCurves(
    r.models.map((m) => ({ name: m.name, values: m.curve, x: m.curve.map((_, e) => e) })),
    {
      title: `makemore: validation loss (first ${n(r.counts.curveWords)} validation words)`,
      yLabel: 'nats per character',
      yRange,
    },
  );
  return writePlot(`${out}/validation-loss`, svg);
}

/**
 * Draws the curves and prints the report, where the pictures went and the verdict; returns whether
 * the lesson held. main.ts calls it after a run, render.ts on a committed one.
 *
 * @example
 * ```ts
 * const ok = await printReport(result, 'out/makemore');
 * ```
 */
export async function printReport(r: MakemoreResult, out: string): Promise<boolean> {
  const files = await writeCurves(r, out);
  console.log(formatReport(r));
  console.log(`\ntotal ${(r.seconds / 60).toFixed(1)} min; picture: ${files.join(', ')}\n`);
  const { ok, lines } = verdict(r);
  for (const line of lines) console.log(line);
  return ok;
}
