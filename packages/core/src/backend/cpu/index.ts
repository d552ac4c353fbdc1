import type { Backend } from '../backend.js';
import { convByColumns } from '../conv-by-columns.js';
import { fold, unfold } from './conv.js';
import { crossEntropy, crossEntropyGrad } from './cross-entropy.js';
import { binary, copy, full, select, unary } from './elementwise.js';
import { gather, indexSelect, scatter, scatterAdd } from './indexing.js';
import { argsort, cumulative } from './lines.js';
import { matmul } from './matmul.js';
import { adagradStep, adamStep, rmspropStep, sgdStep } from './optim.js';
import { maxPool } from './pool.js';
import { argReduce, reduce } from './reduce.js';

/**
 * The plain TypeScript backend: the reference every faster backend is tested against.
 *
 * @example
 * ```ts
 * setBackend(cpuBackend);
 * ```
 */
export const cpuBackend: Backend = {
  name: 'cpu',
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
