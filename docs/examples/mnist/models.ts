import { Conv2d, Flatten, Linear, MaxPool2d, type Module, ReLU, Sequential, Tanh } from '@backprop/nn';

/**
 * The rows of the table: the 1998 paper's linear classifier (trained its way, on squared error, and
 * as softmax regression), its two fully connected networks, LeNet-5, and our best CNN.
 */
export type ModelName = 'linear-mse' | 'linear' | 'nn-300' | 'nn-300-100' | 'lenet5' | 'cnn';

/** Every model `--model` accepts, in table order; a plain `npx --yes pnpm@9.15.9 start` runs them all. */
export const MODEL_NAMES: readonly ModelName[] = [
  'linear-mse',
  'linear',
  'nn-300',
  'nn-300-100',
  'lenet5',
  'cnn',
];

/** Whether a model reads [N, 1, 28, 28] images (the others read [N, 784] rows). */
export function readsImages(name: ModelName): boolean {
  return name === 'cnn' || name === 'lenet5';
}

/** What each model is, for the printed table. */
export const DESCRIPTIONS: Record<ModelName, string> = {
  'linear-mse': 'linear classifier, squared error to one-hot targets',
  linear: 'linear classifier, softmax and cross-entropy',
  'nn-300': '2-layer NN, 300 hidden units (tanh)',
  'nn-300-100': '3-layer NN, 300+100 hidden units (tanh)',
  lenet5: 'LeNet-5 (paper sizes; ReLU, max pooling)',
  cnn: 'best CNN: LeNet-5 trained on digits shifted up to 2 pixels',
};

/**
 * Each row's test error in the 1998 paper (as listed on LeCun's MNIST page, no preprocessing). The
 * best-CNN row sets itself against the paper's LeNet-5 trained on distorted digits, as `against`
 * says.
 */
export const PAPER: Record<ModelName, { error: number; against?: string }> = {
  'linear-mse': { error: 0.12 },
  linear: { error: 0.12 },
  'nn-300': { error: 0.047 },
  'nn-300-100': { error: 0.0305 },
  lenet5: { error: 0.0095 },
  cnn: { error: 0.008, against: 'LeNet-5, distortions' },
};

/** How many numbers a model learns: the sum of its parameters' sizes. */
export function parameterCount(model: Module): number {
  return [...model.parameters()].reduce((n, p) => n + p.size, 0);
}

// The paper's LeNet-5 layout with `width` times its channels and units: 28x28 inputs padded by 2 to
// the paper's 32x32, full connections between the convolutions (the paper's C3 used a sparse
// table), ReLU and max pooling where the paper had scaled tanh and trainable subsampling.
function lenet(width: number): Module {
  const [c1, c2, f1, f2] = [6 * width, 16 * width, 120 * width, 84 * width];
  return new Sequential(
    new Conv2d(1, c1, 5, { padding: 2 }),
    new ReLU(),
    new MaxPool2d(2),
    new Conv2d(c1, c2, 5),
    new ReLU(),
    new MaxPool2d(2),
    new Flatten(),
    new Linear(c2 * 5 * 5, f1),
    new ReLU(),
    new Linear(f1, f2),
    new ReLU(),
    new Linear(f2, 10),
  );
}

/** Builds a fresh model; see `readsImages` for the input each one takes. */
export function buildModel(name: ModelName): Module {
  switch (name) {
    case 'linear-mse':
    case 'linear':
      return new Sequential(new Linear(784, 10));
    case 'nn-300':
      return new Sequential(new Linear(784, 300), new Tanh(), new Linear(300, 10));
    case 'nn-300-100':
      return new Sequential(
        new Linear(784, 300),
        new Tanh(),
        new Linear(300, 100),
        new Tanh(),
        new Linear(100, 10),
      );
    case 'lenet5':
      return lenet(1); // 61,706 parameters, the paper's sizes
    case 'cnn':
      return lenet(1); // the same network; its row differs in the data it sees
  }
}
