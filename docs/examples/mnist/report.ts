import { tensor } from '@backprop/core';
import { lossCurves, writePlot } from '@backprop/data';
import { confusionSvg } from './confusion-svg.js';
import { misclassifiedSvg } from './misclassified-svg.js';
import type { MainOptions } from './options.js';
import { caption, formatTable, meanStd, type Row } from './run.js';

/**
 * Writes what a run produced to `options.out`: the table (Markdown and JSON with every run's
 * numbers), train/validation error curves of each row's first seed, each row's confusion matrix, and the
 * 25 most confidently misclassified test digits of the row with the lowest test error.
 */
export async function writeReport(rows: readonly Row[], options: MainOptions): Promise<string[]> {
  const fs = await import('node:fs/promises');
  const out = options.out;
  const name = options.dataset; // mnist-table.md, fashion-mnist-table.md, …
  await fs.mkdir(out, { recursive: true });
  const written: string[] = [];
  const title = options.dataset === 'mnist' ? 'MNIST' : 'Fashion-MNIST';
  const error = (accuracy: number | undefined) => (accuracy === undefined ? Number.NaN : 1 - accuracy);
  for (const r of rows) {
    const run = r.runs[0];
    if (!run) continue;
    // One chart per row: the rows' errors span 0.5% to 12%, which one linear axis cannot show.
    const curves = lossCurves(
      [
        { name: 'train', values: run.history.map((h) => error(h.trainAccuracy)) },
        { name: 'validation', values: run.history.map((h) => error(h.valAccuracy)) },
      ],
      { title: `${title}, ${r.model} (seed ${run.seed}): error per epoch`, yLabel: 'error' },
    );
    written.push(...(await writePlot(`${out}/${name}-curves-${r.model}`, curves, { png: true })));
    const svg = confusionSvg(tensor(run.confusion), `${r.model}: confusion matrix (seed ${run.seed})`);
    written.push(...(await writePlot(`${out}/${name}-confusion-${r.model}`, svg, { png: true })));
  }
  const best = [...rows].sort(
    (a, b) => meanStd(a, (run) => run.testError).mean - meanStd(b, (run) => run.testError).mean,
  )[0];
  if (best?.runs[0]) {
    const svg = misclassifiedSvg(
      best.runs[0].mistakes,
      `${best.model}: the 25 most confidently misclassified test images (true → predicted)`,
    );
    written.push(...(await writePlot(`${out}/${name}-misclassified`, svg, { png: true })));
  }
  const md = `${out}/${name}-table.md`;
  await fs.writeFile(md, `${caption(options)}\n\n${formatTable(rows, options)}\n`);
  const json = `${out}/${name}-table.json`;
  // One line: indented, the per-epoch records and pixel rows would take tens of thousands of lines.
  // The options without `out`: where a run wrote is this machine's business, not the table's.
  const { out: _where, ...settings } = options;
  await fs.writeFile(json, `${JSON.stringify({ options: settings, rows })}\n`);
  written.push(md, json);
  return written;
}
