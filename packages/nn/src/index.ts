/**
 * @backprop/nn: modules, layers, losses, init and safetensors I/O on top of @backprop/core.
 * Each export carries its own TSDoc and example in the file that defines it.
 *
 * @module @backprop/nn
 */

export {
  ELU,
  GELU,
  Hardtanh,
  Identity,
  LeakyReLU,
  LogSoftmax,
  Mish,
  ReLU,
  Sigmoid,
  SiLU,
  Softmax,
  Softplus,
  Step,
  Tanh,
} from './activations.js';
export { AdaptiveAvgPool2d } from './adaptive-pool.js';
export {
  MultiheadAttention,
  type MultiheadAttentionForwardOptions,
  type MultiheadAttentionOptions,
} from './attention.js';
export { BatchNorm1d, BatchNorm2d, BatchNormBase, type BatchNormOptions } from './batchnorm.js';
export { type Activation, type ActivationName, MLP, type MLPOptions, Sequential } from './container.js';
export { AvgPool2d, Conv2d, type Conv2dLayerOptions, MaxPool2d, type PoolLayerOptions } from './conv.js';
export { ConvTranspose2d, type ConvTranspose2dLayerOptions } from './conv-transpose.js';
export { Conv1d, type Conv1dLayerOptions } from './conv1d.js';
export { Dropout, Dropout2d, type DropoutOptions } from './dropout.js';
export { Embedding, type EmbeddingLayerOptions } from './embedding.js';
export { Flatten } from './flatten.js';
export * as functional from './functional/index.js';
export {
  type FanMode,
  type InitOptions,
  init,
  type KaimingOptions,
  type Nonlinearity,
  type XavierOptions,
} from './init.js';
export { load, save } from './io.js';
export { type LayerOptions, Linear, type LinearOptions } from './linear.js';
export * from './losses/index.js';
export { Maxout } from './maxout.js';
export {
  type AnyModule,
  type LoadStateDictOptions,
  type LoadStateDictResult,
  Module,
  type StateDict,
} from './module.js';
export { ModuleDict } from './module-dict.js';
export { ModuleList } from './module-list.js';
export {
  GroupNorm,
  type GroupNormOptions,
  LayerNorm,
  type LayerNormOptions,
  RMSNorm,
  type RMSNormOptions,
} from './normalization.js';
export { Parameter } from './parameter.js';
export { GRU, LSTM, RecurrentBase, type RecurrentOptions, RNN, type RNNOptions } from './recurrent.js';
export { loadSafetensors, loadSafetensorsMetadata, saveSafetensors } from './safetensors.js';
export {
  type TransformerActivation,
  type TransformerEncoderForwardOptions,
  TransformerEncoderLayer,
  type TransformerEncoderLayerOptions,
} from './transformer.js';
export { Upsample } from './upsample.js';
