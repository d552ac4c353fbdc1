import { ValueError } from '@backprop/core';
import { EarlyStopper } from './early-stopping.js';
import { evaluatePass, type PassResult, trainPass } from './epoch.js';
import { createReporter, logger, type Reporter } from './progress.js';
import type { EpochRecord, FitOptions, Metric, TrainableModel } from './types.js';

function checkOptions(model: TrainableModel, options: FitOptions): void {
  const { epochs, schedulerInterval = 'epoch' } = options;
  if (!Number.isInteger(epochs) || epochs < 0) {
    throw new ValueError(`fit: epochs must be a non-negative integer, got ${epochs}`);
  }
  if (schedulerInterval !== 'epoch' && schedulerInterval !== 'batch') {
    throw new ValueError(`fit: schedulerInterval must be 'epoch' or 'batch', got '${schedulerInterval}'`);
  }
  if (
    options.onNonFinite !== undefined &&
    options.onNonFinite !== 'throw' &&
    options.onNonFinite !== 'continue'
  ) {
    throw new ValueError(
      `fit: onNonFinite must be 'throw' or 'continue', got '${String(options.onNonFinite)}'`,
    );
  }
  if (typeof options.train?.[Symbol.iterator] !== 'function') {
    throw new ValueError('fit: train must be a DataLoader or an iterable of [x, y] batches');
  }
  if (![...model.parameters()].some((p) => p.requiresGrad)) {
    throw new ValueError('fit: the model has no parameters that require a gradient');
  }
}

interface EpochParts {
  epoch: number;
  train: PassResult;
  val: PassResult | undefined;
  lr: number | undefined;
  seconds: number;
  trainSeconds: number;
}

function record({ epoch, train, val, lr, seconds, trainSeconds }: EpochParts): EpochRecord {
  const r: EpochRecord = {
    epoch,
    trainLoss: train.loss,
    trainMetrics: train.metrics,
    seconds,
    examplesPerSecond: train.examples / Math.max(trainSeconds, 1e-9),
  };
  if (train.metrics.accuracy !== undefined) r.trainAccuracy = train.metrics.accuracy;
  if (val) {
    r.valLoss = val.loss;
    r.valMetrics = val.metrics;
    if (val.metrics.accuracy !== undefined) r.valAccuracy = val.metrics.accuracy;
  }
  if (lr !== undefined) r.lr = lr;
  return r;
}

async function runEpoch(
  model: TrainableModel,
  options: FitOptions,
  metrics: Record<string, Metric>,
  epoch: number,
  reporter: Reporter,
): Promise<EpochRecord> {
  const { optimizer, scheduler, loss } = options;
  const perBatch = options.schedulerInterval === 'batch';
  const lr = optimizer.paramGroups?.[0]?.lr;
  const start = performance.now();
  reporter.startEpoch(epoch, options.train.length);
  const train = await trainPass({
    model,
    batches: options.train,
    loss,
    optimizer,
    metrics,
    ...(perBatch && scheduler ? { batchScheduler: scheduler } : {}),
    onBatch: (b, running) => reporter.batch(b, running),
    epoch,
    continueOnNonFinite: options.onNonFinite === 'continue',
  });
  const trainSeconds = (performance.now() - start) / 1000;
  const val = options.validation ? await evaluatePass(model, options.validation, loss, metrics) : undefined;
  if (scheduler && !perBatch) scheduler.step(val?.loss ?? train.loss);
  return record({ epoch, train, val, lr, seconds: (performance.now() - start) / 1000, trainSeconds });
}

/**
 * Trains `model` for `epochs` passes over `train` and returns the per-epoch history. Each epoch runs
 * the model in `train()` mode, calling `optimizer.zeroGrad()`, `forward`, `loss`, `backward()` and
 * `optimizer.step()` per batch; then, with a `validation` set, evaluates it in `eval()` mode under
 * `noGrad`; then steps the scheduler (with the validation loss, else the training loss). Losses and
 * metrics are example-weighted means, so `loss` should reduce by a mean.
 *
 * With `earlyStopping`, training stops once the monitored value has not improved for `patience`
 * epochs; the model keeps its last weights (nothing is restored) and the history ends at the epoch
 * that stopped. A progress bar (loss, accuracy, examples/s) shows on an interactive terminal; in CI
 * or when piped, plain lines go to `log` instead. The model is left in `eval()` mode.
 *
 * A training loss that is NaN or infinite throws a `ValueError` naming the epoch and the step,
 * before that batch's backward and optimizer step (so the weights are the last ones that gave a
 * finite loss), unless `onNonFinite: 'continue'` asks to train on.
 *
 * @example
 * ```ts
 * const history = await fit(model, {
 *   train: new DataLoader(train, { batchSize: 64, shuffle: true }),
 *   validation: new DataLoader(test, { batchSize: 500 }),
 *   loss: crossEntropy,
 *   optimizer: new SGD(model.parameters(), { lr: 0.1 }),
 *   epochs: 10,
 *   metrics: { accuracy },
 *   earlyStopping: { patience: 3 },
 * });
 * history.at(-1)?.valAccuracy;
 * ```
 */
export async function fit(model: TrainableModel, options: FitOptions): Promise<EpochRecord[]> {
  checkOptions(model, options);
  const metrics = options.metrics ?? {};
  const stopper = options.earlyStopping
    ? new EarlyStopper(options.earlyStopping, options.validation !== undefined, Object.keys(metrics))
    : undefined;
  const log = logger(options);
  const reporter = await createReporter(options);
  const history: EpochRecord[] = [];
  try {
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      const r = await runEpoch(model, options, metrics, epoch, reporter);
      history.push(r);
      reporter.endEpoch(r);
      options.onEpochEnd?.(r);
      if (stopper?.update(r)) {
        log(
          `early stopping after epoch ${epoch}: ${stopper.monitor} has not improved on ${stopper.best.toPrecision(5)} (epoch ${stopper.bestEpoch}) for ${stopper.patience} epochs`,
        );
        break;
      }
    }
  } finally {
    reporter.close();
    model.eval();
  }
  return history;
}
