import type { Lanes } from './graph-layout.js';

/**
 * Reorders each column of `lanes` in place to reduce edge crossings: barycenter sweeps, left to
 * right by predecessors then right to left by successors, keeping the best order seen (by
 * crossings counted exactly). Ties keep the current order, so the result is deterministic.
 */
export function orderLayers(lanes: Lanes, sweeps = 4): void {
  const pos = new Float64Array(lanes.layer.length);
  for (const column of lanes.columns) {
    column.forEach((id, i) => {
      pos[id] = i;
    });
  }
  let best = lanes.columns.map((c) => [...c]);
  let fewest = crossings(lanes, pos);
  const last = lanes.columns.length - 1;
  for (let s = 0; s < sweeps && fewest > 0; s++) {
    for (let l = 1; l <= last; l++) reorder(lanes.columns[l]!, lanes.preds, pos);
    for (let l = last - 1; l >= 0; l--) reorder(lanes.columns[l]!, lanes.succs, pos);
    const count = crossings(lanes, pos);
    if (count < fewest) {
      fewest = count;
      best = lanes.columns.map((c) => [...c]);
    }
  }
  best.forEach((column, l) => {
    lanes.columns[l] = column;
  });
}

// Sorts a column by the mean position of each item's neighbours in the adjacent column; an item
// with no neighbour there keeps its own position as its key.
function reorder(column: number[], neighbours: readonly number[][], pos: Float64Array): void {
  const key = new Map<number, number>();
  for (const id of column) {
    const ns = neighbours[id]!;
    let sum = 0;
    for (const n of ns) sum += pos[n]!;
    key.set(id, ns.length > 0 ? sum / ns.length : pos[id]!);
  }
  column.sort((a, b) => key.get(a)! - key.get(b)! || pos[a]! - pos[b]!);
  column.forEach((id, i) => {
    pos[id] = i;
  });
}

// Crossings between every pair of neighbouring columns: the inversions among the edges' lower
// ends once they are sorted by their upper ends, counted with a Fenwick tree in O(E log V).
function crossings(lanes: Lanes, pos: Float64Array): number {
  let total = 0;
  for (let l = 0; l + 1 < lanes.columns.length; l++) {
    const ends: number[] = [];
    for (const id of lanes.columns[l]!)
      for (const to of lanes.succs[id]!) ends.push(pos[id]! * 2 ** 20 + pos[to]!);
    ends.sort((a, b) => a - b);
    const size = lanes.columns[l + 1]!.length;
    const tree = new Float64Array(size + 1);
    let seen = 0;
    for (const e of ends) {
      const lower = e % 2 ** 20;
      let below = 0; // edges already seen whose lower end is at or above this one
      for (let i = lower + 1; i > 0; i -= i & -i) below += tree[i]!;
      total += seen - below;
      for (let i = lower + 1; i <= size; i += i & -i) tree[i] = tree[i]! + 1;
      seen++;
    }
  }
  return total;
}
