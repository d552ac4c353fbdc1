// The structural types fit() trains with. They name only what the loop calls, so any model,
// optimizer and scheduler of the right shape works: @backprop/nn's Module, @backprop/optim's
// optimizers and schedules, or a few lines written by hand.
import type { Tensor } from '@backprop/core';
import type { Example } from '../dataset.js';

/**
 * A trainable model: `Module` from @backprop/nn has this shape.
 *
 * @example
 * ```ts
 * const w = tensor([[0]], { requiresGrad: true });
 * const model: TrainableModel = { forward: (x) => x.matmul(w), train() {}, eval() {}, parameters: () => [w] };
 * ```
 */
export interface TrainableModel {
  /** The model's output for a batch of inputs. */
  forward(x: Tensor): Tensor;
  /** Switches to training behaviour (dropout on, batch-norm batch statistics). */
  train(): unknown;
  /** Switches to inference behaviour. */
  eval(): unknown;
  /** The tensors the optimizer updates. */
  parameters(): Iterable<Tensor>;
}

/**
 * An optimizer: `zeroGrad` clears the gradients, `step` updates the parameters from them.
 *
 * @example
 * ```ts
 * const optimizer: OptimizerLike = new SGD(model.parameters(), { lr: 0.1 });
 * ```
 */
export interface OptimizerLike {
  /** Clears the parameters' gradients before each batch. */
  zeroGrad(): void;
  /** Updates the parameters from their gradients after each batch's backward pass. */
  step(): void;
  /** Read for the history's `lr` (the first group's) when present. */
  readonly paramGroups?: ReadonlyArray<{
    /** The group's current learning rate. */
    readonly lr: number;
  }>;
}

/**
 * A learning-rate schedule. fit() passes a loss to every step: `ReduceLROnPlateau` reads it, the
 * other schedules (whose `step()` takes nothing) ignore it.
 *
 * @example
 * ```ts
 * const scheduler: SchedulerLike = new ReduceLROnPlateau(optimizer);
 * ```
 */
export interface SchedulerLike {
  /** Advances the schedule; `metric` is the loss fit() monitors. */
  step(metric: number): void;
}

/**
 * A differentiable loss of a batch's outputs and targets, reduced to a scalar by a mean.
 *
 * @example
 * ```ts
 * const mse: LossFn = (output, target) => output.sub(target).square().mean();
 * ```
 */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/**
 * A per-example mean over a batch (accuracy, an error rate); fit() averages it weighted by batch size.
 *
 * @example
 * ```ts
 * const errorRate: Metric = (output, target) => 1 - accuracy(output, target);
 * ```
 */
export type Metric = (output: Tensor, target: Tensor) => number;

/**
 * What fit() iterates each epoch: a `DataLoader` or any iterable of `[x, y]` batches.
 *
 * @example
 * ```ts
 * const batches: Batches = new DataLoader(xor(), { batchSize: 2 });
 * ```
 */
export type Batches = Iterable<Example> & {
  /** Number of batches, when known: it sizes the progress bar. */
  readonly length?: number;
};

/**
 * When training stops early; see `FitOptions.earlyStopping`.
 *
 * @example
 * ```ts
 * const earlyStopping: EarlyStoppingOptions = { patience: 3, minDelta: 1e-3, monitor: 'valLoss' };
 * ```
 */
export interface EarlyStoppingOptions {
  /** Epochs without improvement tolerated before stopping. Default 5. */
  patience?: number;
  /** How much better than the best so far a value must be to count as an improvement. Default 0. */
  minDelta?: number;
  /**
   * The watched value: `'valLoss'` (default with a validation set), `'trainLoss'` (default
   * without), `'valAccuracy'`, `'trainAccuracy'`, or any metric as `'val.<name>'` / `'train.<name>'`.
   */
  monitor?: string;
  /** `'min'` (default) or `'max'` (default when the monitor names an accuracy). */
  mode?: 'min' | 'max';
}

/**
 * Options of `fit`.
 *
 * @example
 * ```ts
 * const options: FitOptions = { train: loader, loss: crossEntropy, optimizer, epochs: 5, progress: false };
 * ```
 */
export interface FitOptions {
  /** The training batches, iterated once per epoch. */
  train: Batches;
  /** Batches evaluated (in eval mode, without gradients) after every epoch. */
  validation?: Batches;
  /** The loss minimized, e.g. `crossEntropy` or `mseLoss`. */
  loss: LossFn;
  /** Updates the parameters after each batch. */
  optimizer: OptimizerLike;
  /** A learning-rate schedule, stepped as `schedulerInterval` says. */
  scheduler?: SchedulerLike;
  /**
   * Step the scheduler after every epoch (default; with the epoch's validation loss, else its
   * training loss) or after every batch (with the batch's loss), as OneCycleLR wants.
   */
  schedulerInterval?: 'epoch' | 'batch';
  /** Passes over the training batches (fewer when early stopping triggers). */
  epochs: number;
  /** Named batch metrics, e.g. `{ accuracy }`; one named `accuracy` also fills `trainAccuracy`/`valAccuracy`. */
  metrics?: Record<string, Metric>;
  /** Stop when the monitored value has not improved for `patience` epochs. */
  earlyStopping?: EarlyStoppingOptions;
  /** `'auto'` (default): a progress bar when stdout is a terminal and `CI` is unset; `true`: always a bar (in Node); `false`: none. */
  progress?: boolean | 'auto';
  /** Where the per-epoch lines (and, without a bar, periodic progress lines) go; default `console.log`; `false` silences them. */
  log?: ((line: string) => void) | false;
  /** Called with each epoch's record as soon as it is complete. */
  onEpochEnd?: (record: EpochRecord) => void;
  /**
   * What a NaN or infinite training loss does: `'throw'` (default) throws a `ValueError` naming the
   * epoch and the step, before that batch's backward and optimizer step; `'continue'` trains on
   * (the history then holds NaN or Infinity).
   */
  onNonFinite?: 'throw' | 'continue';
}

/**
 * One epoch of `fit`'s history. Losses and metrics are means over the epoch's examples.
 *
 * @example
 * ```ts
 * const best = history.reduce((a, b) => ((b.valLoss ?? Infinity) < (a.valLoss ?? Infinity) ? b : a));
 * console.log(best.epoch, best.valAccuracy);
 * ```
 */
export interface EpochRecord {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  trainLoss: number;
  /** Training accuracy, when a metric named `accuracy` was given. */
  trainAccuracy?: number;
  /** Validation loss after the epoch, when there is a validation set. */
  valLoss?: number;
  /** Validation accuracy, with a validation set and an `accuracy` metric. */
  valAccuracy?: number;
  /** Every metric over the training batches, by name. */
  trainMetrics: Record<string, number>;
  /** Every metric over the validation set, by name, when there is one. */
  valMetrics?: Record<string, number>;
  /** The learning rate the epoch trained with (the optimizer's first group), when it exposes one. */
  lr?: number;
  /** Wall-clock seconds of the epoch, validation included. */
  seconds: number;
  /** Training examples per second (training time only, validation excluded). */
  examplesPerSecond: number;
}
