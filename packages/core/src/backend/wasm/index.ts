import type { Backend } from '../backend.js';
import { cpuBackend } from '../cpu/index.js';
import { fold, unfold } from './conv.js';
import { conv2d, conv2dInputGrad, conv2dWeightGrad } from './conv2d.js';
import { copy } from './copy.js';
import { binary, unary } from './elementwise.js';
import { matmul, matmulPair } from './matmul.js';
import { adamStep, sgdStep } from './optim.js';
import { maxPool } from './pool.js';
import { reduce } from './reduce.js';
import { scatterAdd } from './scatter.js';

/**
 * The WebAssembly SIMD backend. Float32 matrix products (so linear layers and convolutions) run in
 * a hand-written 128-bit SIMD kernel that sums in float32, in slices of at most 256 terms, so they
 * differ from `cpuBackend`'s float64 sums in the last bits; where the runtime has relaxed SIMD
 * (Chrome 114+, Node 22+) its multiply-adds are fused, about a sixth faster and rounded once; a
 * float32 convolution makes and multiplies each image's im2col columns inside wasm memory in one
 * call (a small 3x3 layer at stride 1 is computed directly, without columns). Dense float32
 * elementwise arithmetic, comparisons, relu and its gradient, reductions that keep trailing dims
 * (bias gradients), strided copies (transposes made dense), im2col/col2im, max pooling and its
 * backward's scatter-add, SGD and Adam steps also run in WebAssembly, with the same bits as
 * `cpuBackend`; every other kernel, dtype and layout is `cpuBackend`'s own. `getBackend()` picks
 * this backend by itself where the runtime supports WebAssembly SIMD and compiles synchronously
 * (Node 20+, workers); where it cannot, each kernel here falls back to `cpuBackend`.
 * `BACKPROP_BACKEND=cpu` (or `wasm`) forces the choice. In Node, float32 products of at least 2^23
 * multiply-adds run on two threads (same bits as one; `BACKPROP_THREADS=1` keeps one): see
 * README.md beside this file.
 *
 * @example
 * ```ts
 * setBackend(wasmBackend);
 * randn([256, 256]).matmul(randn([256, 256])); // runs in WebAssembly
 * setBackend(cpuBackend); // the reference kernels again
 * ```
 */
export const wasmBackend: Backend = {
  ...cpuBackend,
  name: 'wasm',
  unary,
  binary,
  reduce,
  matmul,
  matmulPair,
  copy,
  unfold,
  fold,
  conv2d,
  conv2dInputGrad,
  conv2dWeightGrad,
  maxPool,
  scatterAdd,
  sgdStep,
  adamStep,
};
