import type { Lanes } from './graph-layout.js';

/**
 * Vertical centres of every item of `lanes`: each column keeps its order and its spacing
 * (`heights` and `gap`), and each item is pulled towards the mean height of its neighbours, in
 * sweeps left to right (towards inputs) then right to left (towards consumers), so that edges run
 * as straight as the spacing allows.
 */
export function alignLayers(
  lanes: Lanes,
  heights: readonly number[],
  gap: (above: number, below: number) => number,
  rounds = 4,
): Float64Array {
  const y = new Float64Array(lanes.layer.length);
  const settleColumn = (column: number[], neighbours: readonly number[][] | null) => {
    const desired = column.map((id) => (neighbours && meanOf(neighbours[id]!, y)) ?? y[id]!);
    // Real vertices weigh more than dummies, so a long edge bends before a vertex moves.
    const weights = column.map((id) => (id < lanes.real ? 1 : 0.5));
    const placed = settle(desired, separations(column, heights, gap), weights);
    column.forEach((id, i) => {
      y[id] = placed[i]!;
    });
  };
  for (const column of lanes.columns) settleColumn(column, null);
  const last = lanes.columns.length - 1;
  for (let r = 0; r < rounds; r++) {
    for (let l = 1; l <= last; l++) settleColumn(lanes.columns[l]!, lanes.preds);
    for (let l = last - 1; l >= 0; l--) settleColumn(lanes.columns[l]!, lanes.succs);
  }
  return y;
}

function meanOf(ids: readonly number[], y: Float64Array): number | undefined {
  if (ids.length === 0) return undefined;
  let sum = 0;
  for (const id of ids) sum += y[id]!;
  return sum / ids.length;
}

// The least distance between the centres of each two neighbours of a column.
function separations(
  column: readonly number[],
  heights: readonly number[],
  gap: (a: number, b: number) => number,
) {
  const seps: number[] = [];
  for (let i = 1; i < column.length; i++) {
    const [a, b] = [column[i - 1]!, column[i]!];
    seps.push(heights[a]! / 2 + gap(a, b) + heights[b]! / 2);
  }
  return seps;
}

/**
 * Positions closest to `desired` (weighted least squares) such that each is at least `seps[i]`
 * below the one before: with z_i = y_i − (sum of the separations above i) the constraint becomes
 * z non-decreasing, which pool-adjacent-violators solves exactly in linear time.
 */
export function settle(
  desired: readonly number[],
  seps: readonly number[],
  weights: readonly number[],
): number[] {
  const offset: number[] = [0];
  for (const s of seps) offset.push(offset[offset.length - 1]! + s);
  const blocks: { start: number; weight: number; sum: number }[] = [];
  desired.forEach((d, i) => {
    let block = { start: i, weight: weights[i]!, sum: weights[i]! * (d - offset[i]!) };
    while (blocks.length > 0) {
      const prev = blocks[blocks.length - 1]!;
      if (prev.sum / prev.weight <= block.sum / block.weight) break;
      blocks.pop();
      block = { start: prev.start, weight: prev.weight + block.weight, sum: prev.sum + block.sum };
    }
    blocks.push(block);
  });
  const out = new Array<number>(desired.length);
  blocks.forEach((block, b) => {
    const end = b + 1 < blocks.length ? blocks[b + 1]!.start : desired.length;
    for (let i = block.start; i < end; i++) out[i] = block.sum / block.weight + offset[i]!;
  });
  return out;
}
