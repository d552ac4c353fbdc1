// The lesson's three ways of writing the placards as numbers, and the best a linear fit can do.
import { tensor } from '@backprop/core';
import { hokies, TensorDataset } from '@backprop/data';

/** One way of writing the table as numbers. */
export interface Encoding {
  name: string;
  data(): TensorDataset;
}

// The lesson's second and third tables: image 2 of plays 1 and 5 shows "BOTH" (0.5), written at
// the scale 1 and at the scale 10. The lesson gives no labels for them; the plays keep those of the
// first table (Run, Pass, Run, Pass, Pass, Run), so "BOTH" appears once on a Run and once on a Pass.
const BOTH_TABLE = [
  [1, 0.5, 1],
  [0, 1, 1],
  [0, 0, 1],
  [1, 1, 1],
  [0, 0.5, 1],
  [1, 0, 1],
];

const scaled = (s: number) => () =>
  new TensorDataset(tensor(BOTH_TABLE.map((row) => row.map((v) => v * s))), hokies().y);

/** 0/1 (the lesson's first table), 0/0.5/1 (with "BOTH"), and 0/5/10 (the same, ten times larger). */
export const ENCODINGS: readonly Encoding[] = [
  { name: '0/1', data: hokies },
  { name: '0/0.5/1', data: scaled(1) },
  { name: '0/5/10', data: scaled(10) },
];

/**
 * The smallest mean squared error any y = w·x reaches on `data`: the least-squares fit, from the
 * normal equations (XᵀX)w = Xᵀy solved by Gaussian elimination (three unknowns).
 */
export function leastSquaresLoss(data: TensorDataset): number {
  const [n, m] = data.x.shape as [number, number];
  const x = data.x.toArray() as number[][];
  const y = Array.from(data.y.data());
  const a = Array.from({ length: m }, (_, i) =>
    Array.from({ length: m + 1 }, (_, j) =>
      x.reduce((s, row, k) => s + row[i]! * (j < m ? row[j]! : y[k]!), 0),
    ),
  );
  for (let c = 0; c < m; c++) {
    const p = a
      .slice(c)
      .reduce((best, row, k) => (Math.abs(row[c]!) > Math.abs(a[best]![c]!) ? c + k : best), c);
    [a[c], a[p]] = [a[p]!, a[c]!];
    for (let r = 0; r < m; r++) {
      if (r === c) continue;
      const f = a[r]![c]! / a[c]![c]!;
      for (let j = c; j <= m; j++) a[r]![j]! -= f * a[c]![j]!;
    }
  }
  const w = a.map((row, i) => row[m]! / row[i]!);
  return x.reduce((s, row, k) => s + (row.reduce((d, v, j) => d + v * w[j]!, 0) - y[k]!) ** 2, 0) / n;
}
