// A seeded random source for the kernel tests, so a failure reproduces, and their exact comparison.
import { expect } from 'vitest';
import type { StridedView } from '../src/backend/backend.js';
import { contiguousStrides, sizeOf } from '../src/shape.js';

/** Uniform draws in [0, 1). */
export type Rng = () => number;

/** mulberry32: a tiny generator with a 32-bit state. */
export function seeded(seed: number): Rng {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [lo, hi]. */
export const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));

/** One of `xs`. */
export const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

/**
 * A dense float32 view of `shape` that starts 0-3 elements into its storage; the offset is drawn
 * first, then every element of the storage (the skipped ones too) by `value`, uniform in [-1, 1)
 * unless given.
 */
export function denseF32(
  rng: Rng,
  shape: number[],
  value: (rng: Rng) => number = (r) => r() * 2 - 1,
): StridedView {
  const offset = int(rng, 0, 3);
  const storage = new Float32Array(offset + sizeOf(shape));
  for (let i = 0; i < storage.length; i++) storage[i] = value(rng);
  return { storage, shape, strides: contiguousStrides(shape), offset };
}

/** Exact equality, element by element (Object.is: NaN equals NaN, -0 differs from 0). */
export function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) {
      expect.fail(`${what}: element ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}
