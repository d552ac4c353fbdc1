// One training step of a 784-256-128-10 ReLU MLP on a batch of 64: forward, cross-entropy,
// backward, SGD. Dominated by matmul: three forward, and in backward dW for every layer plus dx for
// the two upper ones.
import { type Device, manualSeed, randint, randn } from '@backprop/core';
import * as nnPackage from '@backprop/nn';
import { SGD } from '@backprop/optim';
import { type BenchSuite, fmt, runCases } from '../harness.js';
import { type TrainingSetup, trainStep } from '../training.js';

/** Images or rows per training step. */
export const BATCH = 64;
const LR = 0.01;

/** The model, loss and optimizer as a user writes them (`trainStep(buildMlp(), x, y)`), on `device`. */
export function buildMlp(device: Device = 'cpu'): TrainingSetup {
  const model = mlpModel().to(device);
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
 * mlpModel().forward(randn([64, 784])).shape; // [64, 10]
 * ```
 */
export function mlpModel(nn: typeof nnPackage = nnPackage): nnPackage.Sequential {
  return new nn.Sequential(
    new nn.Linear(784, 256),
    new nn.ReLU(),
    new nn.Linear(256, 128),
    new nn.ReLU(),
    new nn.Linear(128, 10),
  );
}

/**
 * The MLP training-step suite (`pnpm bench mlp`).
 *
 * @example
 * ```ts
 * const { cases, notes } = mlpSuite.run();
 * ```
 */
export const mlpSuite: BenchSuite = {
  name: 'mlp',
  description: `MLP 784-256-128-10 (ReLU), batch ${BATCH}, cross-entropy, SGD`,
  run() {
    manualSeed(0);
    const setup = buildMlp();
    const x = randn([BATCH, 784]);
    const y = randint(0, 10, [BATCH]);
    const first = trainStep(setup, x, y).item();
    const step = { perCall: 1, scale: 1, unit: 'steps/s' };
    const rows = runCases('mlp', [
      { name: 'mlp forward+loss', fn: () => void setup.loss(setup.model.forward(x), y) },
      { name: 'mlp train step', fn: () => void trainStep(setup, x, y), work: step },
    ]);
    const last = setup.loss(setup.model.forward(x), y).item();
    return {
      cases: rows,
      notes: [`loss on the fixed batch went ${fmt(first)} -> ${fmt(last)} while timing`],
    };
  },
};
