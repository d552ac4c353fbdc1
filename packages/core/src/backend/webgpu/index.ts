import type { Backend } from '../backend.js';
import { convByColumns } from '../conv-by-columns.js';
import { crossEntropy, crossEntropyGrad } from './cross-entropy.js';
import { binary, copy, full, select, unary } from './elementwise.js';
import { gather, indexSelect, scatter, scatterAdd } from './indexing.js';
import { argsort, cumulative } from './lines.js';
import { matmul } from './matmul.js';
import { adagradStep, adamStep, rmspropStep, sgdStep } from './optim.js';
import { argReduce, reduce } from './reduce.js';
import type { GpuStorage } from './storage.js';
import { fold, maxPool, unfold } from './window.js';

/**
 * The WebGPU backend: every kernel in WGSL, recorded into command batches on the device that
 * `initWebGPU()` started. Ops pick it for tensors whose `device` is `'webgpu'`; it is not a
 * `setBackend` choice, since its storage lives on the GPU.
 */
export const webgpuBackend: Backend<GpuStorage> = {
  name: 'webgpu',
  full,
  unary,
  binary,
  select,
  reduce,
  argReduce,
  matmul,
  copy,
  gather,
  scatterAdd,
  scatter,
  cumulative,
  argsort,
  indexSelect,
  unfold,
  fold,
  ...convByColumns({ unfold, fold, matmul, binary, reduce }),
  maxPool,
  crossEntropy,
  crossEntropyGrad,
  sgdStep,
  adamStep,
  adagradStep,
  rmspropStep,
};
