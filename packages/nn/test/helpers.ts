// Shared test helpers: fixture decoding, closeness checks, and building modules from fixture specs.
import { readFileSync } from 'node:fs';
import { Tensor } from '@backprop/core';
import { expect } from 'vitest';
import { expectClose as expectAllClose, type Tolerance } from '../../core/test/helpers.js';
import {
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  Conv2d,
  Dropout,
  ELU,
  Flatten,
  Identity,
  LeakyReLU,
  Linear,
  LogSoftmax,
  Maxout,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  Sigmoid,
  Softmax,
  type StateDict,
  Step,
  Tanh,
} from '../src/index.js';

/** A tensor as the Python generators write it. */
export interface Encoded {
  shape: number[];
  dtype: 'float64' | 'int64' | 'bool';
  data: number[];
}

/** A module description shared by the Python generator and these tests. */
export interface Spec {
  type: string;
  args?: (number | number[])[];
  options?: Record<string, unknown>;
  children?: Spec[];
}

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/** float64 for float data, int32 for int64 indices (backprop's label dtype), bool for masks. */
export function decode(e: Encoded): Tensor {
  const data =
    e.dtype === 'int64'
      ? Int32Array.from(e.data)
      : e.dtype === 'bool'
        ? Uint8Array.from(e.data)
        : Float64Array.from(e.data);
  return new Tensor(data, e.shape);
}

export function decodeState(state: Record<string, Encoded>): StateDict {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, decode(v)]));
}

/** Asserts same shape and |a - e| <= atol + rtol |e| elementwise, naming the first bad element. */
export function expectClose(
  actual: Tensor | null,
  expected: Encoded | Tensor,
  atol = 1e-10,
  rtol = 1e-8,
): void {
  expect(actual).not.toBeNull();
  const e =
    expected instanceof Tensor ? { shape: [...expected.shape], data: [...expected.data()] } : expected;
  expect([...actual!.shape]).toEqual(e.shape);
  const a = actual!.data();
  for (let i = 0; i < e.data.length; i++) {
    const want = e.data[i]!;
    const got = a[i]!;
    if (!(Math.abs(got - want) <= atol + rtol * Math.abs(want))) {
      expect.fail(`element ${i}: got ${got}, expected ${want} (shape [${e.shape}])`);
    }
  }
}

const pair = (v: unknown): number | [number, number] => v as number | [number, number];

/** The backprop module for a fixture spec, with float64 parameters. */
export function build(spec: Spec): Module {
  const a = (spec.args ?? []) as number[];
  const o = spec.options ?? {};
  const dtype = 'float64' as const;
  const bn = { ...o, dtype } as ConstructorParameters<typeof BatchNorm1d>[1];
  const makers: Record<string, () => Module> = {
    Linear: () => new Linear(a[0]!, a[1]!, { bias: o.bias !== false, dtype }),
    Conv2d: () => new Conv2d(a[0]!, a[1]!, pair(spec.args![2]), { ...o, dtype }),
    MaxPool2d: () => new MaxPool2d(pair(a[0]), o),
    AvgPool2d: () => new AvgPool2d(pair(a[0]), o),
    BatchNorm1d: () => new BatchNorm1d(a[0]!, bn),
    BatchNorm2d: () => new BatchNorm2d(a[0]!, bn),
    Flatten: () => new Flatten(...a),
    Dropout: () => new Dropout(a[0]),
    ReLU: () => new ReLU(),
    Sigmoid: () => new Sigmoid(),
    Tanh: () => new Tanh(),
    LeakyReLU: () => new LeakyReLU(a[0]),
    ELU: () => new ELU(a[0]),
    Softmax: () => new Softmax(a[0]),
    LogSoftmax: () => new LogSoftmax(a[0]),
    Identity: () => new Identity(),
    Step: () => new Step(),
    Maxout: () => new Maxout(a[0]!, a[1]!, a[2]!, { dtype }),
    Sequential: () => new Sequential(...(spec.children ?? []).map(build)),
  };
  const make = makers[spec.type];
  if (!make) throw new Error(`no builder for ${spec.type}`);
  return make();
}

/**
 * Compares a tensor on any device (read with `dataAsync`) with a fixture tensor: shape, then every
 * element within `tol`, naming `what` on failure.
 */
export async function expectMatches(
  what: string,
  actual: Tensor | null,
  expected: Encoded,
  tol: Tolerance,
): Promise<void> {
  expect(actual, what).not.toBeNull();
  expect(actual!.shape, `${what}: shape`).toEqual(expected.shape);
  try {
    expectAllClose(Array.from(await actual!.dataAsync()), expected.data, tol);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}
