// How well an embedding keeps the digits apart, measured without a classifier: do a point's nearest
// neighbours share its label, and are points of one class closer to each other than to the rest?
import { noGrad, type Tensor } from '@backprop/core';
import { squaredDistances } from './tsne.js';

/** Neighbourhood scores of an embedding. */
export interface Separation {
  /** The mean fraction of each point's k nearest neighbours that share its label. */
  purity: number;
  /** What purity a random arrangement scores: Σ_c (n_c / n)², about 0.1 for ten balanced digits. */
  chance: number;
  /** Mean distance between points of the same class over the mean distance between classes. */
  distanceRatio: number;
}

/** Purity of the `k` nearest neighbours, chance level, and the within/between distance ratio. */
export function separation(points: Tensor, labels: Tensor, k = 10): Separation {
  const n = points.shape[0]!;
  const d = noGrad(() => squaredDistances(points.to('float64')).sqrt()).data();
  const y = labels.data();
  let purity = 0;
  let within = 0;
  let withinCount = 0;
  let between = 0;
  let betweenCount = 0;
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    row.sort((a, b) => d[i * n + a]! - d[i * n + b]!);
    purity += row.slice(0, k).filter((j) => y[j] === y[i]).length / k;
    for (const j of row) {
      if (y[j] === y[i]) [within, withinCount] = [within + d[i * n + j]!, withinCount + 1];
      else [between, betweenCount] = [between + d[i * n + j]!, betweenCount + 1];
    }
  }
  const counts = new Map<number, number>();
  for (const v of y) counts.set(v, (counts.get(v) ?? 0) + 1);
  const chance = [...counts.values()].reduce((s, c) => s + (c / n) ** 2, 0);
  return { purity: purity / n, chance, distanceRatio: within / withinCount / (between / betweenCount) };
}
