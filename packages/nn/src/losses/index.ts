export { type BCEOptions, type BCEWithLogitsOptions, bceWithLogits, binaryCrossEntropy } from './binary.js';
export {
  type ClassLossOptions,
  crossEntropy,
  type MultiMarginOptions,
  multiMarginLoss,
  nllLoss,
} from './classification.js';
export { type HingeOptions, hingeLoss, zeroOneLoss } from './margin.js';
export type { Reduction, ReductionOptions } from './reduction.js';
export { l1Loss, mseLoss } from './regression.js';
