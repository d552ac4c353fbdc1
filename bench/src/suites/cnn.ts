// One training step of a small LeNet-style CNN on a batch of 32 1x28x28 images:
// conv3x3(1->8) ReLU maxpool2, conv3x3(8->16) ReLU maxpool2, linear 784->10, cross-entropy, SGD.
import { type Device, manualSeed, randint, randn } from '@backprop/core';
import * as nnPackage from '@backprop/nn';
import { SGD } from '@backprop/optim';
import { type BenchSuite, fmt, runCases } from '../harness.js';
import { type TrainingSetup, trainStep } from '../training.js';

/** Images or rows per training step. */
export const BATCH = 32;
const LR = 0.01;

/** The model, loss and optimizer as a user writes them (`trainStep(buildCnn(), x, y)`), on `device`. */
export function buildCnn(device: Device = 'cpu'): TrainingSetup {
  const model = cnnModel().to(device);
  return {
    model,
    loss: (out, y) => nnPackage.crossEntropy(out, y),
    optimizer: new SGD(model.parameters(), { lr: LR }),
  };
}

/**
 * The suite's model, made with `nn` (this workspace's by default; instruction counts pass another
 * checkout's build).
 *
 * @example
 * ```ts
 * cnnModel().forward(randn([32, 1, 28, 28])).shape; // [32, 10]
 * ```
 */
export function cnnModel(nn: typeof nnPackage = nnPackage): nnPackage.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Linear(16 * 7 * 7, 10),
  );
}

/**
 * The CNN training-step suite (`pnpm bench cnn`).
 *
 * @example
 * ```ts
 * const { cases, notes } = cnnSuite.run();
 * ```
 */
export const cnnSuite: BenchSuite = {
  name: 'cnn',
  description: `CNN conv(1->8) pool conv(8->16) pool linear(784->10), batch ${BATCH} of 1x28x28, SGD`,
  run() {
    manualSeed(0);
    const setup = buildCnn();
    const x = randn([BATCH, 1, 28, 28]);
    const y = randint(0, 10, [BATCH]);
    const first = trainStep(setup, x, y).item();
    const step = { perCall: 1, scale: 1, unit: 'steps/s' };
    const rows = runCases('cnn', [
      { name: 'cnn forward+loss', fn: () => void setup.loss(setup.model.forward(x), y) },
      { name: 'cnn train step', fn: () => void trainStep(setup, x, y), work: step },
    ]);
    const last = setup.loss(setup.model.forward(x), y).item();
    return {
      cases: rows,
      notes: [`loss on the fixed batch went ${fmt(first)} -> ${fmt(last)} while timing`],
    };
  },
};
