// The shapes a training-step benchmark needs, kept to what nn.Module and optim.SGD also offer, so
// a suite's build function can later return `new nn.Sequential(...)` and `new optim.SGD(...)`
// unchanged in every other line.
import { noGrad, type Tensor } from '@backprop/core';

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

/**
 * Mean cross-entropy of `[N, C]` logits against int32 class indices `[N]`, from core ops
 * (logSoftmax then gather), standing in for nn.crossEntropy until that lands.
 *
 * @example
 * ```ts
 * crossEntropy(randn([4, 10]), randint(0, 10, [4])).item();
 * ```
 */
export function crossEntropy(logits: Tensor, target: Tensor): Tensor {
  const n = target.shape[0] ?? 0;
  return logits
    .logSoftmax(1)
    .gather(1, target.reshape([n, 1]))
    .mean()
    .neg();
}

/**
 * Plain SGD (`p -= lr * p.grad`, no momentum) from core ops, standing in for optim.SGD.
 *
 * @example
 * ```ts
 * const opt = new PlainSgd(model.parameters(), 0.01);
 * opt.zeroGrad(); loss.backward(); opt.step();
 * ```
 */
export class PlainSgd implements StepOptimizer {
  constructor(
    private readonly params: readonly Tensor[],
    private readonly lr: number,
  ) {}

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
  }

  step(): void {
    // The update must not be recorded: parameters stay leaves.
    noGrad(() => {
      for (const p of this.params) if (p.grad) p.copy_(p.sub(p.grad.mul(this.lr)));
    });
  }
}
