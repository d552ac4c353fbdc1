import { ValueError } from '@backprop/core';
import type { EarlyStoppingOptions, EpochRecord } from './types.js';

/** @internal The value `monitor` names in an epoch record, or undefined when the record lacks it. */
export function monitored(record: EpochRecord, monitor: string): number | undefined {
  if (monitor.startsWith('train.')) return record.trainMetrics[monitor.slice(6)];
  if (monitor.startsWith('val.')) return record.valMetrics?.[monitor.slice(4)];
  const value = (record as unknown as Record<string, unknown>)[monitor];
  return typeof value === 'number' ? value : undefined;
}

// Every value an epoch record will hold, given whether there is a validation set and the metrics.
function monitorNames(hasValidation: boolean, metricNames: readonly string[]): string[] {
  const phases = hasValidation ? ['train', 'val'] : ['train'];
  const names: string[] = [];
  for (const p of phases) {
    names.push(`${p}Loss`, ...metricNames.map((m) => `${p}.${m}`));
    if (metricNames.includes('accuracy')) names.push(`${p}Accuracy`);
  }
  return names;
}

/**
 * @internal Keras-style early stopping: after each epoch, a value better than the best so far by
 * more than `minDelta` resets the count; otherwise the count grows, and training stops once it
 * reaches `patience`. The weights are not restored: the model keeps its last epoch's.
 */
export class EarlyStopper {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly mode: 'min' | 'max';
  best = Number.NaN;
  bestEpoch = 0;
  private wait = 0;

  constructor(options: EarlyStoppingOptions, hasValidation: boolean, metricNames: readonly string[]) {
    const { patience = 5, minDelta = 0 } = options;
    this.monitor = options.monitor ?? (hasValidation ? 'valLoss' : 'trainLoss');
    if (!Number.isInteger(patience) || patience < 1) {
      throw new ValueError(`fit: earlyStopping.patience must be a positive integer, got ${patience}`);
    }
    if (!(minDelta >= 0)) throw new ValueError(`fit: earlyStopping.minDelta must be >= 0, got ${minDelta}`);
    const known = monitorNames(hasValidation, metricNames);
    if (!known.includes(this.monitor)) {
      throw new ValueError(
        `fit: earlyStopping cannot monitor '${this.monitor}'; with these options it can monitor ${known.map((k) => `'${k}'`).join(', ')}`,
      );
    }
    this.patience = patience;
    this.minDelta = minDelta;
    this.mode = options.mode ?? (/accuracy/i.test(this.monitor) ? 'max' : 'min');
  }

  /** Records an epoch; returns true when training should stop after it. */
  update(record: EpochRecord): boolean {
    const value = monitored(record, this.monitor);
    if (value !== undefined && this.improves(value)) {
      this.best = value;
      this.bestEpoch = record.epoch;
      this.wait = 0;
      return false;
    }
    this.wait += 1;
    return this.wait >= this.patience;
  }

  private improves(value: number): boolean {
    if (Number.isNaN(value)) return false;
    if (Number.isNaN(this.best)) return true;
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }
}
