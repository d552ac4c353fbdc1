import { ValueError } from '@backprop/core';

// Option checks shared by the optimizers. Each names the optimizer, the option and the bad value;
// `!(value >= 0)` also rejects NaN and non-numbers.

export function checkLr(name: string, lr: unknown): void {
  if (lr === undefined) throw new ValueError(`${name}: lr is required`);
  if (typeof lr !== 'number' || !(lr >= 0)) {
    throw new ValueError(`${name}: invalid learning rate ${String(lr)} (must be >= 0)`);
  }
}

export function checkNonNegative(name: string, option: string, value: unknown): void {
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new ValueError(`${name}: invalid ${option} ${String(value)} (must be >= 0)`);
  }
}

export function checkBetas(name: string, betas: unknown): void {
  if (!Array.isArray(betas) || betas.length !== 2) {
    throw new ValueError(`${name}: betas must be a two-element array [beta1, beta2], got ${String(betas)}`);
  }
  betas.forEach((beta: unknown, i) => {
    if (typeof beta !== 'number' || !(beta >= 0 && beta < 1)) {
      throw new ValueError(
        `${name}: invalid beta parameter at index ${i}: ${String(beta)} (must be in [0, 1))`,
      );
    }
  });
}
