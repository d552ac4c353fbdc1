export { type BCEOptions, type BCEWithLogitsOptions, bceWithLogits, binaryCrossEntropy } from './binary.js';
export {
  type ClassLossOptions,
  type CrossEntropyOptions,
  crossEntropy,
  type MultiMarginOptions,
  multiMarginLoss,
  nllLoss,
} from './classification.js';
export { type KLDivOptions, klDiv } from './divergence.js';
export {
  type CosineEmbeddingOptions,
  cosineEmbeddingLoss,
  type HingeOptions,
  hingeLoss,
  zeroOneLoss,
} from './margin.js';
export type { Reduction, ReductionOptions } from './reduction.js';
export {
  type HuberOptions,
  huberLoss,
  l1Loss,
  mseLoss,
  type SmoothL1Options,
  smoothL1Loss,
} from './regression.js';
