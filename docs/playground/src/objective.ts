// Losses and predictions for the network's logits. Two classes use one output unit, as the lecture
// draws it (class 1 where the logit is > 0); more classes use one output per class (argmax). A
// regression set has one linear output, trained with the squared error whatever the loss field says.
import { oneHot, sigmoid, softmax, type Tensor } from '@backprop/core';
import { bceWithLogits, crossEntropy, hingeLoss, mseLoss, multiMarginLoss } from '@backprop/nn';
import type { LossName, Task } from './config.js';

/**
 * Number of output units for a task with `classes` classes (one for regression).
 *
 * @example
 * ```ts
 * outputUnits(2); // 1
 * outputUnits(3); // 3
 * outputUnits(1, 'regression'); // 1
 * ```
 */
export function outputUnits(classes: number, task: Task = 'classification'): number {
  return task === 'regression' || classes === 2 ? 1 : classes;
}

// Targets as each binary loss wants them: 0/1 floats, or -1/+1 for the hinge, shaped [n, 1].
const binaryTargets = (labels: Tensor): Tensor => labels.to('float32').reshape([-1, 1]);

const BINARY: Record<LossName, (z: Tensor, labels: Tensor) => Tensor> = {
  'cross-entropy': (z, labels) => bceWithLogits(z, binaryTargets(labels)),
  // The lecture's squared error of a sigmoid output against the 0/1 target.
  mse: (z, labels) => mseLoss(sigmoid(z), binaryTargets(labels)),
  hinge: (z, labels) => hingeLoss(z, binaryTargets(labels).mul(2).sub(1)),
};

const MULTI: Record<LossName, (z: Tensor, labels: Tensor, classes: number) => Tensor> = {
  'cross-entropy': (z, labels) => crossEntropy(z, labels),
  mse: (z, labels, classes) => mseLoss(softmax(z, 1), oneHot(labels, classes).to('float32')),
  hinge: (z, labels) => multiMarginLoss(z, labels),
};

/**
 * The mean loss of logits `z` [n, outputs] against int32 class labels [n]; for regression, the
 * squared error of the output `z` [n, 1] against float targets [n] (`loss` is not used).
 *
 * @example
 * ```ts
 * lossOf('cross-entropy', 2, tensor([[0]]), tensor([1], { dtype: 'int32' })).item(); // ln 2
 * lossOf('mse', 1, tensor([[0.5]]), tensor([1]), 'regression').item(); // 0.25
 * ```
 */
export function lossOf(
  loss: LossName,
  classes: number,
  z: Tensor,
  labels: Tensor,
  task: Task = 'classification',
): Tensor {
  if (task === 'regression') return mseLoss(z, labels.reshape([-1, 1]));
  return classes === 2 ? BINARY[loss](z, labels) : MULTI[loss](z, labels, classes);
}

/**
 * Per-example predicted class and its probability (sigmoid or softmax of the logits), flat.
 *
 * @example
 * ```ts
 * predict(2, tensor([[2], [-1]])).classes; // Int32Array [1, 0]
 * ```
 */
export function predict(classes: number, z: Tensor): { classes: Int32Array; confidence: Float32Array } {
  const n = z.shape[0]!;
  const predicted = new Int32Array(n);
  const confidence = new Float32Array(n);
  if (classes === 2) {
    const p = sigmoid(z.detach()).data();
    for (let i = 0; i < n; i++) {
      predicted[i] = p[i]! > 0.5 ? 1 : 0;
      confidence[i] = Math.max(p[i]!, 1 - p[i]!);
    }
    return { classes: predicted, confidence };
  }
  const p = softmax(z.detach(), 1).data();
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[i * classes + c]! > p[i * classes + best]!) best = c;
    predicted[i] = best;
    confidence[i] = p[i * classes + best]!;
  }
  return { classes: predicted, confidence };
}
