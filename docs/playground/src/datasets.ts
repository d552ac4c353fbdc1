// The page's data sets, all from @backprop/data, brought to one form: float32 inputs [n, d] and
// int32 class labels [n], with the square of the plane the boundary is drawn over.
import type { Tensor } from '@backprop/core';
import {
  hokies,
  hokiesConflicting,
  quadrants,
  ring,
  spirals,
  TensorDataset,
  threeModes,
  xor,
} from '@backprop/data';
import type { DatasetName } from './config.js';

/** The square [min, max]² of input space that the boundary and the points are drawn over. */
export interface Plane {
  min: number;
  max: number;
}

/**
 * One data set ready to train on: labels are int32 class indices whatever the source's encoding.
 *
 * @example
 * ```ts
 * const data = loadDataset('xor');
 * data.train.x.shape; // [4, 2]
 * ```
 */
export interface PlaygroundData {
  name: DatasetName;
  /** What the page says about it, one sentence. */
  description: string;
  train: TensorDataset;
  validation: TensorDataset;
  classes: number;
  /** A name per class, for the legend. */
  classNames: string[];
  /** Input names, one per column of x (the graph view labels its input nodes with them). */
  inputs: string[];
  plane: Plane;
  /** Values of inputs 3.. while the boundary is drawn over inputs 1 and 2 (empty for 2-D sets). */
  fixedInputs: number[];
}

// The 2-D shapes draw training and validation points from two fixed seeds, so the seed field
// changes only the weights and the shuffling and runs stay comparable.
const TRAIN_SEED = 1;
const VALIDATION_SEED = 2;

// Lecture tables hold 0/1 float targets [n, 1]; the shapes hold int32 labels [n]. One encoding:
function labelled(ds: TensorDataset): TensorDataset {
  const y: Tensor = ds.y.ndim === 2 ? ds.y.reshape([-1]) : ds.y;
  return new TensorDataset(ds.x, y.dtype === 'int32' ? y : y.to('int32'));
}

// A lecture table is the whole world it describes, so its validation set is the table itself.
function table(
  name: DatasetName,
  description: string,
  ds: TensorDataset,
  inputs: string[],
  classNames: string[],
): PlaygroundData {
  const data = labelled(ds);
  const plane = { min: -0.5, max: 1.5 };
  const fixedInputs = inputs.slice(2).map(() => 1);
  return {
    name,
    description,
    train: data,
    validation: data,
    classes: 2,
    classNames,
    inputs,
    plane,
    fixedInputs,
  };
}

type Shape = (options: { n: number; seed: number; noise: number }) => TensorDataset;

function shape(
  name: DatasetName,
  description: string,
  make: Shape,
  noise: number,
  plane: Plane,
  classes = 2,
): PlaygroundData {
  const train = labelled(make({ n: 200, seed: TRAIN_SEED, noise }));
  const validation = labelled(make({ n: 100, seed: VALIDATION_SEED, noise }));
  const classNames = Array.from({ length: classes }, (_, c) => `class ${c}`);
  return {
    name,
    description,
    train,
    validation,
    classes,
    classNames,
    inputs: ['x1', 'x2'],
    plane,
    fixedInputs: [],
  };
}

const LOADERS: Record<DatasetName, () => PlaygroundData> = {
  xor: () =>
    table(
      'xor',
      'The XOR truth table: class 1 when exactly one input is 1.',
      xor(),
      ['x1', 'x2'],
      ['0', '1'],
    ),
  hokies: () =>
    table(
      'hokies',
      'The Hokies play calls: three placards, Pass (1) or Run (0); drawn over placards 1 and 2 with placard 3 raised.',
      hokies(),
      ['placard 1', 'placard 2', 'placard 3'],
      ['Run', 'Pass'],
    ),
  'hokies-conflicting': () =>
    table(
      'hokies-conflicting',
      'Conflicting pressure: Pass when placards 1 and 2 differ, so no single placard correlates with the call.',
      hokiesConflicting(),
      ['placard 1', 'placard 2', 'placard 3'],
      ['Run', 'Pass'],
    ),
  quadrants: () =>
    shape('quadrants', 'Quadrants I and III against II and IV.', quadrants, 0, { min: -1.25, max: 1.25 }),
  ring: () => shape('ring', 'A disc inside a ring.', ring, 0.05, { min: -2.5, max: 2.5 }),
  'three-modes': () =>
    shape('three-modes', 'Three discs on a line, the middle one the other class.', threeModes, 0, {
      min: -4,
      max: 4,
    }),
  spirals: () => shape('spirals', 'Two interleaved spiral arms.', spirals, 0.02, { min: -1.25, max: 1.25 }),
  'spirals-3': () =>
    shape(
      'spirals-3',
      'Three spiral arms, three classes.',
      (o) => spirals({ ...o, classes: 3 }),
      0.02,
      { min: -1.25, max: 1.25 },
      3,
    ),
};

/**
 * Builds one of the page's data sets (deterministic: the same name gives the same points).
 *
 * @example
 * ```ts
 * loadDataset('spirals-3').classes; // 3
 * ```
 */
export function loadDataset(name: DatasetName): PlaygroundData {
  return LOADERS[name]();
}
