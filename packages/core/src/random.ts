import { describe, expectFinite } from './checks.js';
import { ValueError } from './errors.js';

/**
 * A seeded pseudo-random generator (xoshiro128**, seeded through splitmix32). It uses only 32-bit
 * integer arithmetic, so a seed gives the same stream on every platform; normal draws use the
 * polar method, which needs only `Math.log` and `Math.sqrt`.
 *
 * @example
 * ```ts
 * const g = new Generator(42);
 * const x = randn([2, 3], { generator: g });
 * ```
 */
export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal: number | null = null;

  constructor(seed = 0) {
    expectFinite('Generator', 'seed', seed);
    this.manualSeed(seed);
  }

  /** Resets the stream to the one `seed` starts (a fractional seed is truncated); returns the generator. */
  manualSeed(seed: number): this {
    expectFinite('manualSeed', 'seed', seed);
    let x = (Math.trunc(seed) ^ Math.trunc(seed / 2 ** 32)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    this.spareNormal = null;
    return this;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform draw in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A standard normal draw. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    for (;;) {
      const u = 2 * this.random() - 1;
      const v = 2 * this.random() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const m = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * m;
        return u * m;
      }
    }
  }

  /** A uniform integer in [low, high). */
  integer(low: number, high: number): number {
    return low + Math.floor(this.random() * (high - low));
  }

  /** The generator's state, to save and restore a stream. */
  getState(): number[] {
    return [this.s0, this.s1, this.s2, this.s3, this.spareNormal ?? Number.NaN];
  }

  /**
   * Restores a state saved by `getState()`, so the same draws repeat; returns `this`. A state that
   * went through JSON is accepted too (its NaN, "no spare normal draw", comes back as null).
   */
  setState(state: readonly number[]): this {
    const words = Array.isArray(state) ? state.slice(0, 4) : [];
    const spare: unknown = Array.isArray(state) ? state[4] : undefined;
    if (
      !Array.isArray(state) ||
      !words.every((v) => typeof v === 'number') ||
      !(spare == null || typeof spare === 'number')
    ) {
      throw new TypeError(
        `setState: state must be the array of numbers getState() returns, got ${describe(state)}`,
      );
    }
    if (state.length !== 4 && state.length !== 5) {
      throw new ValueError(
        `setState: state must have 4 or 5 numbers, as getState() returns, got ${state.length}`,
      );
    }
    [this.s0, this.s1, this.s2, this.s3] = words.map((v) => v | 0) as [number, number, number, number];
    this.spareNormal = typeof spare === 'number' && !Number.isNaN(spare) ? spare : null;
    return this;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * The generator every random draw uses unless given its own; `manualSeed` reseeds it.
 *
 * @example
 * ```ts
 * defaultGenerator.random(); // a uniform draw in [0, 1)
 * ```
 */
export const defaultGenerator = new Generator(0);

/**
 * Seeds every random draw in the library (init, shuffling, dropout) that is not given its own generator.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * const a = randn([3]);
 * manualSeed(0);
 * const b = randn([3]); // same values as a
 * ```
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
