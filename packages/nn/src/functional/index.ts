/**
 * Functional forms of the layers (PyTorch's `torch.nn.functional`): plain functions of tensors,
 * which the layers call with their parameters. Exported from `@backprop/nn` as `functional`.
 *
 * @module functional
 */
export { type ScaledDotProductAttentionOptions, scaledDotProductAttention } from './attention.js';
export { type Conv1dOptions, type ConvTranspose2dOptions, conv1d, convTranspose2d } from './conv.js';
export { type Dropout2dOptions, type DropoutFunctionOptions, dropout, dropout2d } from './dropout.js';
export { type EmbeddingOptions, embedding } from './embedding.js';
export { type InterpolateMode, type InterpolateOptions, interpolate } from './interpolate.js';
export { groupNorm, layerNorm, type NormalizedShape, rmsNorm } from './normalization.js';
export { type AdaptiveSize, adaptiveAvgPool2d } from './pooling.js';
