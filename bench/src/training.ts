// The shapes a training-step benchmark needs: what nn.Module and optim.SGD offer.
import type { Tensor } from '@backprop/core';

/** What the step needs of a model: nn.Module's `forward` and `parameters`. */
export interface Trainable {
  forward(x: Tensor): Tensor;
  parameters(): Tensor[];
}

/** What the step needs of an optimizer: optim.Optimizer's `zeroGrad` and `step`. */
export interface StepOptimizer {
  zeroGrad(): void;
  step(): void;
}

/** Everything one training step uses; a suite's build function returns one of these. */
export interface TrainingSetup {
  readonly model: Trainable;
  readonly optimizer: StepOptimizer;
  /** Mean loss over the batch, e.g. nn.crossEntropy. */
  readonly loss: (logits: Tensor, target: Tensor) => Tensor;
}

/**
 * One step: zero the gradients, forward, loss, backward, update. Returns the loss tensor.
 *
 * @example
 * ```ts
 * const setup = buildMlp();
 * trainStep(setup, randn([64, 784]), randint(0, 10, [64])).item();
 * ```
 */
export function trainStep(setup: TrainingSetup, x: Tensor, y: Tensor): Tensor {
  setup.optimizer.zeroGrad();
  const loss = setup.loss(setup.model.forward(x), y);
  loss.backward();
  setup.optimizer.step();
  return loss;
}
