// The page's data sets, brought to one form: float32 inputs [n, d] and targets [n] (int32 class
// labels, or float32 values for the regression sets), with the square of the plane the boundary
// is drawn over. The shapes and tables come from @backprop/data; the regression sets are
// TF Playground's, built here.
import { Generator, type Tensor, tensor } from '@backprop/core';
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
import { type DatasetName, DEFAULT_CONFIG, type Task } from './config.js';

/** The square [min, max]² of input space that the boundary and the points are drawn over. */
export interface Plane {
  min: number;
  max: number;
}

/**
 * One data set ready to train on: labels are int32 class indices whatever the source's encoding;
 * regression targets are float32 values.
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
  task: Task;
  train: TensorDataset;
  validation: TensorDataset;
  /** Number of classes (1 for a regression set: one real output). */
  classes: number;
  /** A name per class, for the legend (empty for a regression set). */
  classNames: string[];
  /** Input names, one per column of x. */
  inputs: string[];
  plane: Plane;
  /** Values of inputs 3.. while the boundary is drawn over inputs 1 and 2 (empty for 2-D sets). */
  fixedInputs: number[];
}

/** How the 2-D sets are drawn: noise in percent of each shape's scale, training share in percent. */
export interface DataOptions {
  noise: number;
  trainRatio: number;
}

/** Points in every 2-D set; `trainRatio` percent of them train, the rest validate. */
export const SHAPE_POINTS = 300;
// One fixed seed for the points, so the seed field changes only the weights and the shuffling and
// runs stay comparable; the split takes a prefix of the (already shuffled) points.
const DATA_SEED = 1;

// Lecture tables hold 0/1 float targets [n, 1]; the shapes hold int32 labels [n]. One encoding:
function labelled(ds: TensorDataset): TensorDataset {
  const y: Tensor = ds.y.ndim === 2 ? ds.y.reshape([-1]) : ds.y;
  return new TensorDataset(ds.x, y.dtype === 'int32' ? y : y.to('int32'));
}

/**
 * Splits `all` into its first `round(n · trainRatio / 100)` rows (training) and the rest
 * (validation); both keep at least one row.
 *
 * @example
 * ```ts
 * const [train, validation] = splitByRatio(data, 70); // 300 rows: 210 and 90
 * ```
 */
export function splitByRatio(all: TensorDataset, trainRatio: number): [TensorDataset, TensorDataset] {
  const n = all.length;
  const k = Math.min(n - 1, Math.max(1, Math.round((n * trainRatio) / 100)));
  const rows = (t: Tensor, from: number, to: number) => {
    const width = t.ndim === 1 ? 1 : t.shape[1]!;
    const values = t.data().slice(from * width, to * width);
    return tensor(values, { shape: t.ndim === 1 ? [to - from] : [to - from, width], dtype: t.dtype });
  };
  return [
    new TensorDataset(rows(all.x, 0, k), rows(all.y, 0, k)),
    new TensorDataset(rows(all.x, k, n), rows(all.y, k, n)),
  ];
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
  return {
    name,
    description,
    task: 'classification',
    train: data,
    validation: data,
    classes: 2,
    classNames,
    inputs,
    plane: { min: -0.5, max: 1.5 },
    fixedInputs: inputs.slice(2).map(() => 1),
  };
}

type Shape = (options: { n: number; seed: number; noise: number }) => TensorDataset;

/** A 2-D classification shape; `scale` is the Gaussian noise's standard deviation at 100%. */
interface ShapeSpec {
  description: string;
  make: Shape;
  scale: number;
  plane: Plane;
  classes?: number;
}

function shape(name: DatasetName, spec: ShapeSpec, options: DataOptions): PlaygroundData {
  const classes = spec.classes ?? 2;
  const noise = (options.noise / 100) * spec.scale;
  const all = labelled(spec.make({ n: SHAPE_POINTS, seed: DATA_SEED, noise }));
  const [train, validation] = splitByRatio(all, options.trainRatio);
  return {
    name,
    description: spec.description,
    task: 'classification',
    train,
    validation,
    classes,
    classNames: Array.from({ length: classes }, (_, c) => `class ${c}`),
    inputs: ['x1', 'x2'],
    plane: spec.plane,
    fixedInputs: [],
  };
}

/** Half the side of the square TF Playground's regression points fill. */
export const REGRESSION_RADIUS = 6;

/**
 * TF Playground's "plane" target: (x1 + x2) / 10, a tilted plane from -1.2 to 1.2 over [-6, 6]².
 *
 * @example
 * ```ts
 * planeTarget(3, 2); // 0.5
 * ```
 */
export function planeTarget(x1: number, x2: number): number {
  return (x1 + x2) / 10;
}

/** Centres and signs of TF Playground's "multi-gaussian" bumps: two rows of three, alternating. */
export const GAUSSIANS: readonly [number, number, 1 | -1][] = [
  [-4, 2.5, 1],
  [0, 2.5, -1],
  [4, 2.5, 1],
  [-4, -2.5, -1],
  [0, -2.5, 1],
  [4, -2.5, -1],
];

/**
 * TF Playground's "multi-gaussian" target: of the six bumps sign · max(0, 1 - d/2), d the distance
 * to the bump's centre, the one largest in size (0 more than 2 away from every centre).
 *
 * @example
 * ```ts
 * multiGaussianTarget(-4, 2.5); // 1
 * multiGaussianTarget(0, -1.5); // 0.5
 * ```
 */
export function multiGaussianTarget(x1: number, x2: number): number {
  let best = 0;
  for (const [cx, cy, sign] of GAUSSIANS) {
    const value = sign * Math.max(0, 1 - Math.hypot(x1 - cx, x2 - cy) / 2);
    if (Math.abs(value) > Math.abs(best)) best = value;
  }
  return best;
}

// As TF Playground: points uniform in [-6, 6]²; noise moves where the target is read, by up to
// `noise` · 6 in each coordinate, so the points stay put and their values get noisy.
function regression(
  name: DatasetName,
  description: string,
  target: (x1: number, x2: number) => number,
  options: DataOptions,
): PlaygroundData {
  const g = new Generator(DATA_SEED);
  const r = REGRESSION_RADIUS;
  const noise = options.noise / 100;
  const uniform = () => r * (2 * g.random() - 1);
  const x = new Float32Array(2 * SHAPE_POINTS);
  const y = new Float32Array(SHAPE_POINTS);
  for (let i = 0; i < SHAPE_POINTS; i++) {
    const [x1, x2] = [uniform(), uniform()];
    const [dx, dy] = [uniform() * noise, uniform() * noise];
    x[2 * i] = x1;
    x[2 * i + 1] = x2;
    y[i] = target(x1 + dx, x2 + dy);
  }
  const all = new TensorDataset(tensor(x, { shape: [SHAPE_POINTS, 2] }), tensor(y));
  const [train, validation] = splitByRatio(all, options.trainRatio);
  return {
    name,
    description,
    task: 'regression',
    train,
    validation,
    classes: 1,
    classNames: [],
    inputs: ['x1', 'x2'],
    plane: { min: -r, max: r },
    fixedInputs: [],
  };
}

const LOADERS: Record<DatasetName, (options: DataOptions) => PlaygroundData> = {
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
  quadrants: (o) =>
    shape(
      'quadrants',
      {
        description: 'Quadrants I and III against II and IV.',
        make: quadrants,
        scale: 1,
        plane: { min: -1.25, max: 1.25 },
      },
      o,
    ),
  ring: (o) =>
    shape(
      'ring',
      { description: 'A disc inside a ring.', make: ring, scale: 1, plane: { min: -2.5, max: 2.5 } },
      o,
    ),
  'three-modes': (o) =>
    shape(
      'three-modes',
      {
        description: 'Three discs on a line, the middle one the other class.',
        make: threeModes,
        scale: 1,
        plane: { min: -4, max: 4 },
      },
      o,
    ),
  spirals: (o) =>
    shape(
      'spirals',
      {
        description: 'Two interleaved spiral arms.',
        make: spirals,
        scale: 0.2,
        plane: { min: -1.25, max: 1.25 },
      },
      o,
    ),
  'spirals-3': (o) =>
    shape(
      'spirals-3',
      {
        description: 'Three spiral arms, three classes.',
        make: (s) => spirals({ ...s, classes: 3 }),
        scale: 0.2,
        plane: { min: -1.25, max: 1.25 },
        classes: 3,
      },
      o,
    ),
  plane: (o) =>
    regression(
      'plane',
      'Regression: the target is (x1 + x2) / 10, a tilted plane; squared error of one linear output.',
      planeTarget,
      o,
    ),
  'multi-gaussian': (o) =>
    regression(
      'multi-gaussian',
      'Regression: six bumps of height +1 or -1 in two rows; squared error of one linear output.',
      multiGaussianTarget,
      o,
    ),
};

/**
 * Builds one of the page's data sets (deterministic: the same name and options give the same
 * points). The options apply to the 2-D sets; the lecture tables are always the same.
 *
 * @example
 * ```ts
 * loadDataset('spirals-3').classes; // 3
 * loadDataset('ring', { noise: 20, trainRatio: 50 }).train.length; // 150
 * ```
 */
export function loadDataset(
  name: DatasetName,
  options: DataOptions = { noise: DEFAULT_CONFIG.noise, trainRatio: DEFAULT_CONFIG.trainRatio },
): PlaygroundData {
  return LOADERS[name](options);
}
