import { ValueError } from '@backprop/core';
import { describe } from './params.js';

// Option checks shared by the optimizers. Each names the optimizer, the option and the bad value:
// a value of the wrong type is a TypeError, a number out of range a ValueError (`!(value >= 0)`
// also rejects NaN).

function checkIsNumber(name: string, option: string, value: unknown): asserts value is number {
  if (typeof value !== 'number')
    throw new TypeError(`${name}: ${option} must be a number, got ${describe(value)}`);
}

export function checkLr(name: string, lr: unknown): void {
  if (lr === undefined) throw new ValueError(`${name}: lr is required`);
  checkIsNumber(name, 'lr', lr);
  if (!(lr >= 0)) throw new ValueError(`${name}: invalid learning rate ${String(lr)} (must be >= 0)`);
}

export function checkNonNegative(name: string, option: string, value: unknown): void {
  checkIsNumber(name, option, value);
  if (!(value >= 0)) throw new ValueError(`${name}: invalid ${option} ${String(value)} (must be >= 0)`);
}

export function checkBetas(name: string, betas: unknown): void {
  if (!Array.isArray(betas)) {
    throw new TypeError(`${name}: betas must be a two-element array [beta1, beta2], got ${describe(betas)}`);
  }
  if (betas.length !== 2) {
    throw new ValueError(`${name}: betas must be a two-element array [beta1, beta2], got ${String(betas)}`);
  }
  betas.forEach((beta: unknown, i) => {
    checkIsNumber(name, `beta parameter at index ${i}`, beta);
    if (!(beta >= 0 && beta < 1)) {
      throw new ValueError(
        `${name}: invalid beta parameter at index ${i}: ${String(beta)} (must be in [0, 1))`,
      );
    }
  });
}

/** The options object a constructor was given; JS callers may pass null, a number or nothing. */
export function checkOptionsObject<T extends object>(name: string, options: T, required = false): T {
  if (options === undefined && !required) return {} as T;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(
      `${name}: options must be an object${required ? ' such as { lr: 0.1 }' : ''}, got ${describe(options)}`,
    );
  }
  return options;
}
