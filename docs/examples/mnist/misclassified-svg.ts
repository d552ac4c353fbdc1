import { svgPage } from './svg-page.js';

/** One test image the model got wrong, with how sure it was. */
export interface Mistake {
  /** The 28 x 28 pixel values as stored in the IDX file (0 to 255), row by row. */
  pixels: ArrayLike<number>;
  label: number;
  predicted: number;
  /** The softmax probability of the predicted class. */
  confidence: number;
}

const SIDE = 28;
const SCALE = 3;
const LEVELS = 8;

// A digit as one path per grey level (pixels quantized to eight), ink dark on white: a few kilobytes
// per digit where one rectangle per pixel would take ten times that.
function digitPaths(pixels: ArrayLike<number>, x0: number, y0: number): string {
  const runs: string[][] = Array.from({ length: LEVELS }, () => []);
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const level = Math.min(LEVELS, Math.round(((pixels[r * SIDE + c] ?? 0) / 255) * LEVELS));
      if (level > 0)
        runs[level - 1]!.push(`M${x0 + c * SCALE} ${y0 + r * SCALE}h${SCALE}v${SCALE}h-${SCALE}z`);
    }
  }
  return runs
    .map((d, i) =>
      d.length ? `<path d="${d.join('')}" fill="#000" fill-opacity="${((i + 1) / LEVELS).toFixed(3)}"/>` : '',
    )
    .join('');
}

/**
 * A grid of misclassified test digits (five per row), each captioned "true → predicted" with the
 * model's confidence in its wrong answer.
 */
export function misclassifiedSvg(mistakes: readonly Mistake[], title: string): string {
  const cell = SIDE * SCALE;
  const [gapX, gapY, top, left] = [34, 40, 50, 20];
  const columns = 5;
  const rows = Math.ceil(mistakes.length / columns);
  const width = left * 2 + columns * cell + (columns - 1) * gapX;
  const height = top + rows * (cell + gapY);
  const items = mistakes.map((m, i) => {
    const x = left + (i % columns) * (cell + gapX);
    const y = top + Math.floor(i / columns) * (cell + gapY);
    return [
      `<rect x="${x - 0.5}" y="${y - 0.5}" width="${cell + 1}" height="${cell + 1}" fill="#fff" stroke="#bbb"/>`,
      digitPaths(m.pixels, x, y),
      `<text x="${x + cell / 2}" y="${y + cell + 15}" text-anchor="middle" font-size="12">true ${m.label} → ${m.predicted}</text>`,
      `<text x="${x + cell / 2}" y="${y + cell + 29}" text-anchor="middle" font-size="11" fill="#555">p = ${m.confidence.toFixed(3)}</text>`,
    ].join('');
  });
  return svgPage(width, height, title, 26, items);
}
