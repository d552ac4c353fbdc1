/**
 * @backprop/optim: optimizers, learning-rate schedules and gradient clipping, as torch.optim.
 *
 * @module @backprop/optim
 */
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adam, type AdamOptions, AdamW } from './adam.js';
export { type ClipGradNormOptions, clipGradNorm_, clipGradValue_ } from './clip.js';
export { Optimizer, type OptimizerStateDict, type ParamState } from './optimizer.js';
export type { ParamGroup, ParamGroupInput, ParamsInput, ScheduleFields } from './params.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './schedulers/cosine.js';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './schedulers/lambda.js';
export { LinearLR, type LinearLROptions } from './schedulers/linear.js';
export { LRScheduler, type SchedulerStateDict } from './schedulers/lr-scheduler.js';
export { OneCycleLR, type OneCycleLROptions } from './schedulers/one-cycle.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedulers/plateau.js';
export { SequentialLR, type SequentialLROptions } from './schedulers/sequential.js';
export {
  ExponentialLR,
  type ExponentialLROptions,
  MultiStepLR,
  type MultiStepLROptions,
  StepLR,
  type StepLROptions,
} from './schedulers/step.js';
export { SGD, type SGDOptions } from './sgd.js';
