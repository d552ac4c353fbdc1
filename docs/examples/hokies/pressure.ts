// The lesson's "up and down pressure" tables, computed by autograd instead of by eye.
import { tensor } from '@backprop/core';
import type { TensorDataset } from '@backprop/data';
import { mseLoss } from '@backprop/nn';

/**
 * The push or pull each example puts on each weight: the sign of −dL/dw for that example alone,
 * taken where the network is undecided (it says 0.5 to everything). A Pass (1) pushes up the
 * weights of its raised placards (+), a Run (0) pulls them down (−), a lowered placard feels
 * nothing (0): exactly the lesson's tables.
 */
export function pressure(data: TensorDataset): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < data.length; i++) {
    const [x, y] = data.get(i);
    const w = tensor([0, 0, 0], { requiresGrad: true });
    // ŷ = 0.5 + w·x: undecided at w = 0, and still a function of w for autograd.
    mseLoss(w.mul(x).sum().add(0.5), y.reshape([])).backward();
    rows.push(Array.from(w.grad!.data(), (g) => (g === 0 ? 0 : -Math.sign(g))));
  }
  return rows;
}

/** The sum of each placard's column of pressure: the correlation the lesson reads off the table. */
export function netPressure(table: readonly number[][]): number[] {
  return [0, 1, 2].map((j) => table.reduce((s, row) => s + row[j]!, 0));
}

const SIGN = (v: number) => (v > 0 ? '+' : v < 0 ? '−' : '0');

/** The pressure table as the lesson prints it, with the label column and the column sums. */
export function formatPressure(table: readonly number[][], labels: readonly number[]): string {
  return [
    '| Image 1 | Image 2 | Image 3 | Label |',
    '|:---:|:---:|:---:|---|',
    ...table.map((row, i) => `| ${row.map(SIGN).join(' | ')} | ${labels[i] === 1 ? 'Pass' : 'Run'} |`),
    `| ${netPressure(table)
      .map((v) => `net ${v > 0 ? '+' : ''}${v}`)
      .join(' | ')} | |`,
  ].join('\n');
}
