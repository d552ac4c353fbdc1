// The status line: the run's numbers as text for the learner and as data attributes for tests.
// It changes every frame, too often to be read aloud; a separate live region (`announcer`) speaks
// only when something happens: training starts or stops, or a new run begins.
import type { Snapshot } from '../protocol.js';
import { fmt } from './colors.js';

/** The status line, the error line, and the polite live region that announces the run's events. */
export interface StatusView {
  element: HTMLElement;
  error: HTMLElement;
  announcer?: HTMLElement;
}

const percent = (v: number) => `${Math.round(100 * v)}%`;

/** What the announcer compares to decide whether anything worth saying happened. */
export interface RunState {
  running: boolean;
  step: number;
}

/**
 * The sentence to announce when the run goes from `before` (null: nothing shown yet) to the
 * snapshot `s`, or null when nothing but the numbers changed.
 *
 * @example
 * ```ts
 * announcement({ running: false, step: 40 }, snapshot, true); // 'Training from step 40.'
 * announcement({ running: true, step: 40 }, snapshot, true); // null
 * ```
 */
export function announcement(before: RunState | null, s: Snapshot, running: boolean): string | null {
  const accuracy = Number.isNaN(s.trainAccuracy) ? '' : `, training accuracy ${percent(s.trainAccuracy)}`;
  const numbers = `training loss ${fmt(s.trainLoss, 3)}${accuracy}`;
  if (before === null || (s.step === 0 && before.step !== 0)) return `New run ready: ${numbers}.`;
  if (running && !before.running) return `Training from step ${s.step}.`;
  if (!running && before.running) return `Paused at step ${s.step}: ${numbers}.`;
  return null;
}

const shown = new WeakMap<HTMLElement, RunState>();

/**
 * Writes a snapshot's numbers into the status line, and announces a run's start, pause or reset.
 *
 * @example
 * ```ts
 * showStatus({ element, error, announcer }, snapshot, true);
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
    // A regression run has no accuracy (NaN): the line shows its losses only.
    ...(Number.isNaN(s.trainAccuracy)
      ? []
      : [
          `training accuracy ${percent(s.trainAccuracy)}`,
          `validation accuracy ${percent(s.validationAccuracy)}`,
        ]),
  ].join(' · ');
  if (view.announcer) {
    const said = announcement(shown.get(view.announcer) ?? null, s, running);
    if (said) view.announcer.textContent = said;
    shown.set(view.announcer, { running, step: s.step });
  }
}
