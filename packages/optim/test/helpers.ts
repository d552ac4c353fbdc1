import { readFileSync } from 'node:fs';
import { type DType, type NestedArray, Tensor, tensor } from '@backprop/core';
import { expect } from 'vitest';

/** Reads a JSON fixture from test/fixtures. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** A float64 leaf tensor that requires grad, from nested arrays. */
export function param(data: NestedArray): Tensor {
  return tensor(data, { dtype: 'float64', requiresGrad: true });
}

/** Flattens nested arrays of numbers. */
export function flat(data: NestedArray): number[] {
  return Array.isArray(data) ? data.flatMap(flat) : [Number(data)];
}

/** Every element within atol + rtol·|expected|, with the failing index in the message. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-6,
  what = '',
): void {
  expect(actual.length, `${what} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = Math.abs(a - e) <= tol + tol * Math.abs(e);
    if (!ok) expect.fail(`${what}[${i}]: got ${a}, expected ${e} (tol ${tol})`);
  }
}

interface TensorJson {
  __tensor__: { shape: number[]; dtype: DType; data: number[] };
}

/** Converts every tensor inside `value` to `{ __tensor__: { shape, dtype, data } }`, so JSON can hold a state dict. */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Tensor) {
    return { __tensor__: { shape: [...value.shape], dtype: value.dtype, data: Array.from(value.data()) } };
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonValue(v)]));
  }
  return value;
}

/** The inverse of `toJsonValue`. */
export function fromJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonValue);
  if (value !== null && typeof value === 'object') {
    if ('__tensor__' in value) {
      const { shape, dtype, data } = (value as TensorJson).__tensor__;
      const typed =
        dtype === 'float64'
          ? Float64Array.from(data)
          : dtype === 'int32'
            ? Int32Array.from(data)
            : Float32Array.from(data);
      return tensor(typed, { shape });
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromJsonValue(v)]));
  }
  return value;
}

/** A state dict through JSON text and back, as saving to a file would. */
export function throughJson<T>(stateDict: T): T {
  return fromJsonValue(JSON.parse(JSON.stringify(toJsonValue(stateDict)))) as T;
}
