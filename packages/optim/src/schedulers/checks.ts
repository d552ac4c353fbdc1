import { ValueError } from '@backprop/core';

// Option checks shared by the schedules; each names the schedule, the option and the value.

export function checkPositiveInt(name: string, option: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ValueError(`${name}: ${option} must be a positive integer, got ${String(value)}`);
  }
}

/** An array of non-negative integer step numbers. */
export function checkSteps(name: string, option: string, value: unknown): void {
  if (!Array.isArray(value) || !value.every((v) => Number.isInteger(v) && v >= 0)) {
    throw new ValueError(
      `${name}: ${option} must be an array of non-negative integer steps, got ${String(value)}`,
    );
  }
}

export function checkNumber(name: string, option: string, value: unknown): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new ValueError(`${name}: ${option} must be a number, got ${String(value)}`);
  }
}

export function checkInRange(name: string, option: string, value: unknown, low: number, high: number): void {
  if (typeof value !== 'number' || !(value >= low && value <= high)) {
    throw new ValueError(`${name}: ${option} must be in [${low}, ${high}], got ${String(value)}`);
  }
}

/** One value per parameter group: a number is repeated, an array must have one per group. */
export function perGroup(
  name: string,
  option: string,
  value: number | readonly number[],
  groups: number,
): number[] {
  if (typeof value === 'number') return new Array<number>(groups).fill(value);
  if (!Array.isArray(value) || value.length !== groups) {
    throw new ValueError(
      `${name}: expected ${groups} values for ${option} (one per group), got ${String(value)}`,
    );
  }
  return [...value];
}
