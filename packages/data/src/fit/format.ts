// The text fit() prints: one summary line per epoch and the running stats of an epoch in progress.
import type { Running } from './epoch.js';
import type { EpochRecord } from './types.js';

function percent(v: number): string {
  return `${(100 * v).toFixed(2)}%`;
}

function speed(examplesPerSecond: number): string {
  return `${Math.round(examplesPerSecond).toLocaleString('en-US')} ex/s`;
}

function phase(label: string, loss: number, accuracy: number | undefined): string {
  return `${label} loss ${loss.toFixed(4)}${accuracy === undefined ? '' : ` acc ${percent(accuracy)}`}`;
}

/** @internal `epoch 3/10 | train loss 0.3412 acc 91.20% | val loss 0.3600 acc 90.10% | lr 0.1 | 2.31 s, 3,456 ex/s` */
export function formatEpoch(record: EpochRecord, epochs: number): string {
  const parts = [`epoch ${record.epoch}/${epochs}`, phase('train', record.trainLoss, record.trainAccuracy)];
  if (record.valLoss !== undefined) parts.push(phase('val', record.valLoss, record.valAccuracy));
  if (record.lr !== undefined) parts.push(`lr ${Number(record.lr.toPrecision(4))}`);
  parts.push(`${record.seconds.toFixed(2)} s, ${speed(record.examplesPerSecond)}`);
  return parts.join(' | ');
}

/** @internal `loss 0.3412 | acc 91.20% | 3,456 ex/s` for an epoch in progress. */
export function formatRunning(running: Running, seconds: number): string {
  const accuracy = running.metric('accuracy');
  const acc = accuracy === undefined ? '' : ` | acc ${percent(accuracy)}`;
  return `loss ${running.loss.toFixed(4)}${acc} | ${speed(running.examples / Math.max(seconds, 1e-9))}`;
}
