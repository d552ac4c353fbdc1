// Buttons that disable themselves (Train while training, Pause while paused) would drop the
// keyboard focus to the page's start; this hands it to the button that takes over instead.

/**
 * Sets each button's `disabled`; when the focused button becomes disabled, the focus moves to a
 * button that has just become enabled (Pause for Train and Train for Pause), else to any enabled
 * one of the list, else to `fallback`.
 *
 * @example
 * ```ts
 * setDisabledKeepingFocus([[train, running], [pause, !running]], reset);
 * ```
 */
export function setDisabledKeepingFocus(
  states: ReadonlyArray<readonly [HTMLButtonElement, boolean]>,
  fallback?: HTMLElement,
): void {
  const focused = states.find(([button, disabled]) => disabled && button === document.activeElement);
  const newlyEnabled = states.filter(([button, disabled]) => button.disabled && !disabled).map(([b]) => b);
  for (const [button, disabled] of states) button.disabled = disabled;
  if (!focused) return;
  const enabled = states.filter(([, disabled]) => !disabled).map(([b]) => b);
  (newlyEnabled[0] ?? enabled[0] ?? fallback)?.focus();
}
