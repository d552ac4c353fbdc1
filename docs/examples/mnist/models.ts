import {
  AvgPool2d,
  Conv2d,
  Flatten,
  Linear,
  MaxPool2d,
  type Module,
  ReLU,
  Sequential,
  Tanh,
} from '@backprop/nn';

/**
 * The models of the table: the three of the default run, and three sized as rows of the 1998 paper's
 * table (a 2-layer net with 300 hidden units, a 3-layer net with 300 and 100, and LeNet-5).
 */
export type ModelName = 'linear' | 'mlp' | 'cnn' | 'nn-300' | 'nn-300-100' | 'lenet5';

/** Every model `--model` accepts, in table order; `--model all` runs them all. */
export const MODEL_NAMES: readonly ModelName[] = ['linear', 'mlp', 'cnn', 'nn-300', 'nn-300-100', 'lenet5'];

/** The models of a plain `pnpm start`. */
export const DEFAULT_MODELS: readonly ModelName[] = ['linear', 'mlp', 'cnn'];

/** Whether a model reads [N, 1, 28, 28] images (the others read [N, 784] rows). */
export function readsImages(name: ModelName): boolean {
  return name === 'cnn' || name === 'lenet5';
}

/** What each model is, for the printed table. */
export const DESCRIPTIONS: Record<ModelName, string> = {
  linear: 'linear (softmax) classifier over pixels',
  mlp: 'MLP 784-256-10, ReLU',
  cnn: 'CNN conv3x3(8)-pool-conv3x3(16)-pool-linear',
  'nn-300': '2-layer NN, 300 hidden units (tanh)',
  'nn-300-100': '3-layer NN, 300+100 hidden units (tanh)',
  lenet5: 'LeNet-5: conv5x5(6)-avgpool-conv5x5(16)-avgpool-120-84-10 (tanh)',
};

/** How many numbers a model learns: the sum of its parameters' sizes. */
export function parameterCount(model: Module): number {
  return [...model.parameters()].reduce((n, p) => n + p.size, 0);
}

/** Builds a fresh model; see `readsImages` for the input each one takes. */
export function buildModel(name: ModelName): Module {
  switch (name) {
    case 'linear':
      return new Sequential(new Linear(784, 10));
    case 'mlp':
      return new Sequential(new Linear(784, 256), new ReLU(), new Linear(256, 10));
    case 'cnn':
      return new Sequential(
        new Conv2d(1, 8, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Conv2d(8, 16, 3, { padding: 1 }),
        new ReLU(),
        new MaxPool2d(2),
        new Flatten(),
        new Linear(16 * 7 * 7, 10),
      );
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
      // The paper's sizes (61,706 parameters): 28x28 inputs padded by 2 to its 32x32, subsampling
      // as average pooling, full connections between the two convolutions (the paper's C3 used a
      // sparse table).
      return new Sequential(
        new Conv2d(1, 6, 5, { padding: 2 }),
        new Tanh(),
        new AvgPool2d(2),
        new Conv2d(6, 16, 5),
        new Tanh(),
        new AvgPool2d(2),
        new Flatten(),
        new Linear(16 * 5 * 5, 120),
        new Tanh(),
        new Linear(120, 84),
        new Tanh(),
        new Linear(84, 10),
      );
  }
}
