// Runs exported models in onnxruntime-web (its wasm backend, in Node) and compares with backprop.
import type { Tensor } from '@backprop/core';
import * as ort from 'onnxruntime-web';
import { expect } from 'vitest';

// One thread: no worker to spawn, and the same numbers on every machine.
ort.env.wasm.numThreads = 1;

const ortType = { float32: 'float32', float64: 'float64', int32: 'int32', bool: 'bool' } as const;

function toOrt(t: Tensor): ort.Tensor {
  const data = t.data();
  return new ort.Tensor(ortType[t.dtype], t.dtype === 'bool' ? Uint8Array.from(data) : data, [...t.shape]);
}

/** Runs ONNX model `bytes` on `inputs` (by graph input order) and returns its outputs in order. */
export async function runOnnx(bytes: Uint8Array, inputs: readonly Tensor[]): Promise<ort.Tensor[]> {
  const session = await ort.InferenceSession.create(bytes);
  const feeds = Object.fromEntries(session.inputNames.map((name, i) => [name, toOrt(inputs[i]!)]));
  const results = await session.run(feeds);
  const outputs = session.outputNames.map((name) => results[name]!);
  await session.release();
  return outputs;
}

/** The largest |a − b| over the elements; fails the test when shapes differ. */
export function maxAbsDiff(got: ort.Tensor, want: Tensor): number {
  expect([...got.dims]).toEqual([...want.shape]);
  const a = got.data as Float32Array;
  const b = want.data();
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(Number(a[i]) - Number(b[i])));
  return worst;
}

/** Runs the exported model and expects every output within `tol` of backprop's. */
export async function expectSameOutputs(
  bytes: Uint8Array,
  inputs: readonly Tensor[],
  want: readonly Tensor[],
  tol = 1e-4,
): Promise<number> {
  const got = await runOnnx(bytes, inputs);
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (const [i, w] of want.entries()) worst = Math.max(worst, maxAbsDiff(got[i]!, w));
  expect(worst).toBeLessThan(tol);
  return worst;
}
