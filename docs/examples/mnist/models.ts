import { Conv2d, Flatten, Linear, MaxPool2d, type Module, ReLU, Sequential } from '@backprop/nn';

/** The three models of the table: each row of lesson 004's MNIST table that backprop reproduces. */
export type ModelName = 'linear' | 'mlp' | 'cnn';

export const MODEL_NAMES: readonly ModelName[] = ['linear', 'mlp', 'cnn'];

/** What each model is, for the printed table. */
export const DESCRIPTIONS: Record<ModelName, string> = {
  linear: 'linear (softmax) classifier over pixels',
  mlp: 'MLP 784-256-10, ReLU',
  cnn: 'CNN conv3x3(8)-pool-conv3x3(16)-pool-linear',
};

/** Builds a fresh model; the CNN reads [N, 1, 28, 28] images, the others [N, 784] rows. */
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
  }
}
