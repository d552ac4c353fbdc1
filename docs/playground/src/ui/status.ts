// The status line: the run's numbers as text for the learner and as data attributes for tests.
import type { Snapshot } from '../protocol.js';
import { fmt } from './colors.js';

/** The status line and the error line. */
export interface StatusView {
  element: HTMLElement;
  error: HTMLElement;
}

const percent = (v: number) => `${Math.round(100 * v)}%`;

/**
 * Writes a snapshot's numbers into the status line.
 *
 * @example
 * ```ts
 * showStatus({ element, error }, snapshot, true);
 * element.dataset.trainLoss; // e.g. '0.0132'
 * ```
 */
export function showStatus(view: StatusView, s: Snapshot, running: boolean): void {
  const data = view.element.dataset;
  data.state = running ? 'training' : 'paused';
  data.step = String(s.step);
  data.epoch = String(s.epoch);
  data.trainLoss = String(s.trainLoss);
  data.validationLoss = String(s.validationLoss);
  data.trainAccuracy = String(s.trainAccuracy);
  data.validationAccuracy = String(s.validationAccuracy);
  view.element.textContent = [
    running ? 'training' : 'paused',
    `step ${s.step}`,
    `epoch ${s.epoch}`,
    `training loss ${fmt(s.trainLoss, 4)}`,
    `validation loss ${fmt(s.validationLoss, 4)}`,
    `training accuracy ${percent(s.trainAccuracy)}`,
    `validation accuracy ${percent(s.validationAccuracy)}`,
  ].join(' · ');
}
