import { AutogradError } from '../errors.js';

let gradEnabled = true;

/**
 * Whether ops record the graph right now.
 *
 * @example
 * ```ts
 * noGrad(() => isGradEnabled()); // false
 * ```
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with graph recording set to `enabled`, restoring the previous mode after. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

// Grad mode is one synchronous flag: code after an `await` inside fn would run after the mode was
// restored (or, worse, while another caller's mode is set), so async functions are refused.
function refuseAsync<T>(op: string, fn: () => T): T {
  if (typeof fn !== 'function') {
    throw new TypeError(`${op}: expected a function, got ${fn === null ? 'null' : typeof fn}`);
  }
  const message =
    `${op}: fn is asynchronous; grad mode is synchronous, so code after an await would escape it. ` +
    `Call ${op} on the synchronous parts instead (e.g. ${op}(() => model.forward(x)))`;
  if (fn.constructor?.name === 'AsyncFunction') throw new AutogradError(message);
  const result = fn();
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as { then?: unknown }).then === 'function'
  ) {
    throw new AutogradError(message);
  }
  return result;
}

/**
 * Runs `fn` without recording the graph (inference, optimizer updates) and returns its result.
 * `fn` must be synchronous: a function returning a Promise throws `AutogradError`.
 *
 * @example
 * ```ts
 * const y = noGrad(() => model.forward(x)); // y.requiresGrad === false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, () => refuseAsync('noGrad', fn));
}

/**
 * Runs `fn` with graph recording on, even inside `noGrad`.
 *
 * @example
 * ```ts
 * noGrad(() => enableGrad(() => x.mul(2))); // recorded
 * ```
 */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, () => refuseAsync('enableGrad', fn));
}
