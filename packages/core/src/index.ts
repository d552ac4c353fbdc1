/**
 * @backprop/core: the Tensor, its ops with their gradients side by side, the autograd engine,
 * kernels and backends, the seeded RNG, gradcheck and computation-graph export.
 *
 * @module @backprop/core
 */
export { detectAnomaly } from './autograd/anomaly.js';
export type { BackwardOptions } from './autograd/backward.js';
export { type CustomOpContext, type CustomOpDefinition, customOp } from './autograd/custom-op.js';
export { type Gradients, type GradOptions, grad, valueAndGrad } from './autograd/functional.js';
export { enableGrad, isGradEnabled, noGrad } from './autograd/grad-mode.js';
export { GradcheckError, type GradcheckOptions, gradcheck } from './autograd/gradcheck.js';
export type { GradHook, Node } from './autograd/node.js';
export type {
  AdagradStep,
  AdamMoments,
  AdamStep,
  Backend,
  BinaryOp,
  ConvShape,
  MaxPooled,
  ReduceOp,
  RmspropBuffers,
  RmspropStep,
  SgdStep,
  StridedView,
  UnaryOp,
  WindowGeometry,
} from './backend/backend.js';
export { getBackend, setBackend } from './backend/backend.js';
export { cpuBackend } from './backend/cpu/index.js';
export { kernelsFor } from './backend/dispatch.js';
export { wasmBackend } from './backend/wasm/index.js';
export type { GpuAdapterHandle, GpuDeviceHandle } from './backend/webgpu/gpu-types.js';
export { type InitWebGPUOptions, initWebGPU, webgpuAvailable } from './backend/webgpu/runtime.js';
export type { GpuStorage } from './backend/webgpu/storage.js';
export {
  arange,
  eye,
  full,
  linspace,
  ones,
  type RandomOptions,
  rand,
  randint,
  randn,
  scalar,
  type TensorData,
  type TensorOptions,
  tensor,
  zeros,
} from './creation.js';
export { type Device, getDefaultDevice, type Storage, setDefaultDevice } from './device.js';
export type { DType, TypedArray } from './dtype.js';
export {
  AutogradError,
  BackpropError,
  DeviceError,
  DTypeError,
  IndexError,
  ShapeError,
  ValueError,
} from './errors.js';
export { type DotOptions, toDot } from './graph/dot.js';
export { type GraphSvgOptions, graphToSvg } from './graph/graph-svg.js';
export {
  elu,
  leakyRelu,
  logSoftmax,
  logsumexp,
  relu,
  sigmoid,
  softmax,
  softplus,
  step,
  tanh,
} from './ops/activation.js';
export { eq, ge, gt, le, lt, ne } from './ops/compare.js';
export {
  avgPool2d,
  type Conv2dOptions,
  conv2d,
  type FoldOptions,
  fold,
  maxPool2d,
  type Pair,
  type Pool2dOptions,
} from './ops/conv.js';
export { einsum } from './ops/einsum.js';
export {
  abs,
  add,
  clamp,
  cos,
  div,
  exp,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  sin,
  sqrt,
  square,
  sub,
  to,
  where,
} from './ops/elementwise.js';
export { gather, indexSelect, oneHot } from './ops/indexing.js';
export { linear } from './ops/linear.js';
export { matmul, t } from './ops/matmul.js';
export { type GeluOptions, gelu, hardtanh, logSigmoid, mish, silu } from './ops/modern-activations.js';
export {
  cat,
  expand,
  flatten,
  pad,
  permute,
  reshape,
  slice,
  squeeze,
  stack,
  transpose,
  unsqueeze,
  view,
} from './ops/movement.js';
export { chunk, flip, narrow, outer, repeat, roll, split, tril, triu } from './ops/rearrange.js';
export {
  amax,
  amin,
  argmax,
  argmin,
  max,
  mean,
  min,
  norm,
  std,
  sum,
  type VarOptions,
  variance,
  variance as var,
} from './ops/reduce.js';
export { cumprod, cumsum } from './ops/scan.js';
export { type IndexAddOptions, indexAdd, maskedFill, scatter, scatterAdd } from './ops/scatter.js';
export { argsort, type SortResult, sort, topk } from './ops/sort.js';
export { erf, expm1, log1p, rsqrt } from './ops/special.js';
export { defaultGenerator, Generator, manualSeed } from './random.js';
export type { Shape } from './shape.js';
export {
  type BackwardCallOptions,
  type NestedArray,
  type RemovableHandle,
  Tensor,
  type TensorLike,
} from './tensor.js';
