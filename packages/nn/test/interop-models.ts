// The architectures of the safetensors interop tests, built as fixtures/interop_models.py builds
// them in PyTorch, plus the helpers that run the committed Python reader.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuBackend, Generator, getBackend, noGrad, rand, setBackend, type Tensor } from '@backprop/core';
import { BatchNorm2d, Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, Tanh } from '../src/index.js';

export type Arch = 'mlp' | 'cnn_bn';
export const INPUT_SHAPES: Record<Arch, number[]> = { mlp: [5, 4], cnn_bn: [2, 1, 8, 8] };

export function buildArch(arch: Arch, generator?: Generator): Sequential {
  const o = generator ? { generator } : {};
  if (arch === 'mlp')
    return new Sequential(
      new Linear(4, 8, o),
      new Tanh(),
      new Linear(8, 6, o),
      new ReLU(),
      new Linear(6, 3, o),
    );
  return new Sequential(
    new Conv2d(1, 3, 3, o),
    new BatchNorm2d(3),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(27, 4, o),
  );
}

/**
 * A fixed model and input, the same bytes on every platform: weights from a seeded generator (uniform
 * draws, exact arithmetic) and, for BatchNorm, running statistics from three training passes. The
 * passes run on the cpu backend whatever the active one: the wasm backend's float32 sums differ in
 * the last bits, and the committed hash pins the bytes.
 */
export function fixedModel(arch: Arch): { model: Sequential; input: Tensor } {
  const g = new Generator(2024);
  const model = buildArch(arch, g);
  const shape = INPUT_SHAPES[arch];
  const active = getBackend();
  setBackend(cpuBackend);
  try {
    noGrad(() => {
      for (let i = 0; i < 3; i++) model.forward(rand(shape, { generator: g }).mul(4).sub(1));
    });
  } finally {
    setBackend(active);
  }
  model.eval();
  return { model, input: rand(shape, { generator: g }).mul(2).sub(1) };
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** Whether /usr/bin/python3 can import torch here (CI has no PyTorch). */
export function torchAvailable(): boolean {
  return spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 }).status === 0;
}

/** A tensor as fixtures/read_safetensors.py --values prints it (NaN and infinities as strings). */
export interface TorchValues {
  dtype: string;
  shape: number[];
  data: (number | string | boolean)[];
}

/** Runs fixtures/read_safetensors.py --values on `bytes`: every tensor as torch reads it. */
export function readerValues(bytes: Uint8Array): Record<string, TorchValues> {
  const file = join(mkdtempSync(join(tmpdir(), 'backprop-interop-')), 'values.safetensors');
  writeFileSync(file, bytes);
  const run = spawnSync(PYTHON, ['-B', join(FIXTURES, 'read_safetensors.py'), file, '--values'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`read_safetensors.py --values failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, TorchValues>;
}

/** Runs fixtures/read_safetensors.py on `bytes` and returns PyTorch's output for `input`. */
export function runReader(bytes: Uint8Array, arch: Arch, input: Tensor): { shape: number[]; data: number[] } {
  const dir = mkdtempSync(join(tmpdir(), 'backprop-interop-'));
  const file = join(dir, `${arch}.safetensors`);
  const inputFile = join(dir, 'input.json');
  writeFileSync(file, bytes);
  writeFileSync(inputFile, JSON.stringify({ shape: input.shape, data: [...input.data()] }));
  // -B: write no __pycache__ into the fixtures folder.
  const run = spawnSync(PYTHON, ['-B', join(FIXTURES, 'read_safetensors.py'), file, arch, inputFile], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`read_safetensors.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { shape: number[]; data: number[] };
}
