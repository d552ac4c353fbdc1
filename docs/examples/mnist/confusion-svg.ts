import type { Tensor } from '@backprop/core';
import { svgPage } from './svg-page.js';

/** A 10 x 10 confusion-matrix heatmap as SVG: rows are the true digit, columns the prediction. */
export function confusionSvg(matrix: Tensor, title: string): string {
  const n = matrix.shape[0]!;
  const counts = Array.from(matrix.data());
  const cell = 34;
  const left = 60;
  const top = 56;
  const size = left + n * cell + 20;
  const rowMax = (r: number) => Math.max(1, ...counts.slice(r * n, r * n + n));
  const cells: string[] = [];
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = counts[r * n + c]!;
      const shade = Math.round(255 - 200 * (v / rowMax(r)));
      const fill = r === c ? `rgb(${shade},${Math.min(255, shade + 30)},255)` : `rgb(255,${shade},${shade})`;
      const x = left + c * cell;
      const y = top + r * cell;
      cells.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${v === 0 ? '#fff' : fill}" stroke="#ddd"/>`,
      );
      if (v > 0)
        cells.push(
          `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="11">${v}</text>`,
        );
    }
    cells.push(
      `<text x="${left - 8}" y="${top + r * cell + cell / 2 + 4}" text-anchor="end" font-size="12">${r}</text>`,
    );
    cells.push(
      `<text x="${left + r * cell + cell / 2}" y="${top - 8}" text-anchor="middle" font-size="12">${r}</text>`,
    );
  }
  return svgPage(size, size + 30, title, 20, [
    `<text x="${left + (n * cell) / 2}" y="${top - 26}" text-anchor="middle" font-size="11">predicted digit</text>`,
    `<text x="16" y="${top + (n * cell) / 2}" text-anchor="middle" font-size="11" transform="rotate(-90 16 ${top + (n * cell) / 2})">true digit</text>`,
    ...cells,
  ]);
}
