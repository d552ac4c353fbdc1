// One pass over a set of batches, for training or for evaluation, accumulating example-weighted
// means of the loss and of every metric.
import { type Device, noGrad, Tensor, ValueError } from '@backprop/core';
import type { Example } from '../dataset.js';
import type { Batches, LossFn, Metric, OptimizerLike, SchedulerLike, TrainableModel } from './types.js';

/** @internal Means over one pass. */
export interface PassResult {
  loss: number;
  metrics: Record<string, number>;
  examples: number;
}

/** @internal Example-weighted running means of a pass. */
export class Running {
  examples = 0;
  batches = 0;
  private lossSum = 0;
  private readonly sums: Record<string, number> = {};

  add(loss: number, n: number, metrics: Record<string, number>): void {
    this.examples += n;
    this.batches += 1;
    this.lossSum += loss * n;
    for (const [name, v] of Object.entries(metrics)) this.sums[name] = (this.sums[name] ?? 0) + v * n;
  }

  get loss(): number {
    return this.lossSum / this.examples;
  }

  metric(name: string): number | undefined {
    const s = this.sums[name];
    return s === undefined ? undefined : s / this.examples;
  }

  result(): PassResult {
    const metrics: Record<string, number> = {};
    for (const name of Object.keys(this.sums)) metrics[name] = this.metric(name)!;
    return { loss: this.loss, metrics, examples: this.examples };
  }
}

function batchSize([x, y]: Example): number {
  return y.shape[0] ?? x.shape[0] ?? 1;
}

function measure(metrics: Record<string, Metric>, output: Tensor, target: Tensor): Record<string, number> {
  const out: Record<string, number> = {};
  const detached = output.detach();
  for (const [name, metric] of Object.entries(metrics)) out[name] = metric(detached, target);
  return out;
}

// Hands the event loop a turn every so often, so that a progress bar redraws, Ctrl-C is handled
// and a browser page stays responsive during a long epoch.
let lastYield = 0;
async function breathe(): Promise<void> {
  const now = performance.now();
  if (now - lastYield < 100) return;
  lastYield = now;
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** @internal What a training pass needs. */
export interface TrainPass {
  model: TrainableModel;
  batches: Batches;
  loss: LossFn;
  optimizer: OptimizerLike;
  metrics: Record<string, Metric>;
  batchScheduler?: SchedulerLike;
  onBatch?: (batch: number, running: Running) => void;
  /** 1-based, for the error on a non-finite loss. */
  epoch: number;
  /** Train on through NaN/Infinity losses instead of throwing. */
  continueOnNonFinite?: boolean;
}

// Thrown before backward and the step, so the parameters keep the values that gave a finite loss.
function nonFinite(value: number, epoch: number, step: number): ValueError {
  return new ValueError(
    `fit: the training loss is ${value} at epoch ${epoch}, step ${step} (batch index ${step - 1}); ` +
      "the parameters keep their values from before this step. Pass { onNonFinite: 'continue' } to train on anyway",
  );
}

/** @internal One epoch of training: forward, loss, backward, optimizer step per batch. */
export async function trainPass(pass: TrainPass): Promise<PassResult> {
  const running = new Running();
  pass.model.train();
  const device = deviceOf(pass.model);
  for (const batch of pass.batches) {
    const [x, y] = onDevice(batch, device);
    pass.optimizer.zeroGrad();
    const output = pass.model.forward(x);
    const loss = pass.loss(output, y);
    // The one read back per step: the loss must be known finite before the step writes parameters.
    const value = device === 'cpu' ? loss.item() : await loss.itemAsync();
    if (!Number.isFinite(value) && !pass.continueOnNonFinite) {
      throw nonFinite(value, pass.epoch, running.batches + 1);
    }
    loss.backward();
    pass.optimizer.step();
    pass.batchScheduler?.step(value);
    const outputs = await onHost(output, pass.metrics);
    running.add(
      value,
      batchSize(batch),
      noGrad(() => measure(pass.metrics, outputs, batch[1])),
    );
    pass.onBatch?.(running.batches, running);
    await breathe();
  }
  return running.result();
}

/** @internal One pass in eval mode without recording a graph. */
export async function evaluatePass(
  model: TrainableModel,
  batches: Batches,
  loss: LossFn,
  metrics: Record<string, Metric>,
): Promise<PassResult> {
  const running = new Running();
  model.eval();
  const device = deviceOf(model);
  for (const batch of batches) {
    const [x, y] = onDevice(batch, device);
    // Each batch gets its own noGrad scope: grad mode is global, so it must not span an await.
    const [output, value] = noGrad(() => {
      const out = model.forward(x);
      return [out, loss(out, y)] as const;
    });
    const lossValue = device === 'cpu' ? value.item() : await value.itemAsync();
    const outputs = await onHost(output, metrics);
    running.add(
      lossValue,
      batchSize(batch),
      noGrad(() => measure(metrics, outputs, batch[1])),
    );
    await breathe();
  }
  return running.result();
}

// The device the model's parameters are on (the cpu for a model without any).
function deviceOf(model: TrainableModel): Device {
  for (const p of model.parameters()) return p.device;
  return 'cpu';
}

// A batch (made on the host by the loader) on the model's device.
function onDevice(batch: readonly [Tensor, Tensor], device: Device): [Tensor, Tensor] {
  return device === 'cpu' ? [batch[0], batch[1]] : [batch[0].to(device), batch[1].to(device)];
}

// The outputs where metrics can read them: the host (metrics count on typed arrays).
async function onHost(output: Tensor, metrics: Record<string, Metric>): Promise<Tensor> {
  if (output.device === 'cpu' || Object.keys(metrics).length === 0) return output;
  return new Tensor(await output.dataAsync(), [...output.shape]);
}
