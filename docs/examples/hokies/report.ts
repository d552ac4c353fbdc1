// The printed account of the Hokies example.
import { hokies, hokiesConflicting } from '@backprop/data';
import { formatPressure } from './pressure.js';
import type { HokiesResult, ScalingRun, Trained } from './run.js';

// Fixed decimals without a sign on values that round to zero.
const fixed = (v: number, digits = 3) => (Math.abs(v) < 0.5 * 10 ** -digits ? 0 : v).toFixed(digits);
const labels = (data: { y: { data(): ArrayLike<number> } }) => Array.from(data.y.data());
const called = (t: Trained) => `${t.correct} of ${t.total} plays called right, loss ${fixed(t.loss, 4)}`;

function scalingRow(s: ScalingRun): string {
  const final = s.diverged ? 'diverged (NaN)' : fixed(s.loss, 4);
  const w = s.diverged ? '—' : `[${s.weights.map((v) => fixed(v)).join(', ')}]`;
  return `| ${s.encoding.name} | ${s.lr} | ${final} | ${fixed(s.floor, 4)} | ${w} |`;
}

/** Everything the example prints: pressure tables, weights, one layer vs hidden, the scalings. */
export function formatReport(r: HokiesResult): string {
  const [w1, w2, w3] = r.weights.map((v) => fixed(v));
  const { oneLayer, hidden } = r.conflicting;
  return [
    "1. The lesson's table: up and down pressure on each weight (−dL/dw per play, by autograd)",
    formatPressure(r.pressure, labels(hokies())),
    '',
    `one layer, y = w·x, online SGD: ${called(r.correlation)}`,
    `learned weights: image 1 ${w1}, image 2 ${w2}, image 3 ${w3}`,
    'image 2, raised on every pass and never on a run, takes the weight: the network learned a correlation',
    '',
    '2. Conflicting pressure: Pass exactly when images 1 and 2 differ',
    formatPressure(r.conflicting.pressure, labels(hokiesConflicting())),
    '',
    `one layer:          ${called(oneLayer)}`,
    `                    (no one layer can beat loss ${fixed(r.conflicting.floor, 4)}: the least-squares fit says 0.5 to every play)`,
    `${hidden.name}: ${called(hidden)}`,
    'no placard correlates with the play; the hidden layer builds the intermediate pattern that does',
    '',
    '3. The placards written as numbers three ways (same network, same seed, 1 linear layer)',
    '| encoding | lr | final loss | least-squares floor | weights |',
    '|---|---:|---:|---:|---|',
    ...r.scalings.map(scalingRow),
  ].join('\n');
}
