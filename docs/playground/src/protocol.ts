// The messages between the page and the training worker. Only plain data crosses: numbers,
// arrays and typed arrays, never tensors, so the page itself needs no part of backprop.
import type { PlaygroundConfig, Task } from './config.js';
import type { Plane } from './datasets.js';
import type { LessonReply, LessonRequest } from './lesson/types.js';

/**
 * Points of one split: x row-major [n, inputs.length], labels the class indices. For a regression
 * set, `values` holds the real targets and `labels` is 1 where the target is > 0.
 */
export interface Points {
  x: Float32Array;
  labels: Int32Array;
  values?: Float32Array;
}

/**
 * The data set of a new run, sent once after each reset.
 *
 * @example
 * ```ts
 * const info: DataInfo = session.info();
 * info.train.labels.length; // n
 * ```
 */
export interface DataInfo {
  name: string;
  description: string;
  /** Classification, or regression (one real output, a real target per point). */
  task: Task;
  classes: number;
  classNames: string[];
  /** Names of the data's columns (x holds inputs.length numbers per point). */
  inputs: string[];
  /** Names of the network's inputs: the chosen features of (x1, x2), or `inputs` for the tables. */
  features: string[];
  plane: Plane;
  fixedInputs: number[];
  train: Points;
  validation: Points;
  /** True when the validation set is the training set itself (the lecture tables). */
  sameValidation: boolean;
  /** The batch size in use: the requested one capped at the training-set size. */
  batchSize: number;
}

/**
 * One example's forward and backward pass through the network, layer by layer. Layer 0 is the
 * input; for l >= 1, `weights[l - 1]` is W of layer l, row-major [out, in] as PyTorch's Linear.
 *
 * @example
 * ```ts
 * const w = trace.weights[0]![j * trace.sizes[0]! + i]; // weight from input i to hidden node j
 * ```
 */
export interface GraphTrace {
  example: number;
  /** The class index (regression: the real target). */
  target: number;
  /** The predicted class (regression: the network's output). */
  predicted: number;
  loss: number;
  sizes: number[];
  /** Node values: the input, then each layer's output (after the activation; logits last). */
  activations: number[][];
  /** ∂loss/∂net of every node of layers 1.. (the lecture's modified error, up to sign). */
  deltas: number[][];
  weights: number[][];
  weightGrads: number[][];
  biases: number[][];
  biasGrads: number[][];
}

/** The decision regions on a resolution² grid over the plane, row 0 at the top (largest x2). */
export interface Boundary {
  resolution: number;
  classes: Uint8Array;
  /** Probability of the predicted class, in [1/classes, 1] (regression: |value| capped at 1). */
  confidence: Float32Array;
  /** Regression only: the predicted value at every cell (then `classes` is 1 where it is > 0). */
  values?: Float32Array;
}

/**
 * Every hidden unit's output over the plane on a coarse resolution² grid, row 0 at the top (as the
 * boundary): `layers[l]` is hidden layer l + 1, unit u's map `[u * resolution², (u + 1) * resolution²)`.
 *
 * @example
 * ```ts
 * const cells = units.resolution ** 2;
 * const map = units.layers[0]!.subarray(u * cells, (u + 1) * cells); // unit u of the first hidden layer
 * ```
 */
export interface UnitMaps {
  resolution: number;
  layers: Float32Array[];
}

/** The loss curves: full-set losses measured at `steps`. */
export interface History {
  steps: number[];
  train: number[];
  validation: number[];
}

/**
 * What the page draws after a step: metrics, curves, boundary and the graph trace.
 *
 * @example
 * ```ts
 * worker.onmessage = (e) => e.data.type === 'snapshot' && draw(e.data.snapshot);
 * ```
 */
export interface Snapshot {
  /** Where the network trains. */
  device: PlaygroundConfig['device'];
  step: number;
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  /** Share of points classified right; NaN for a regression set. */
  trainAccuracy: number;
  validationAccuracy: number;
  /** Predicted class of every training point, in order (regression: 1 where the output is > 0). */
  predictions: Int32Array;
  history: History;
  boundary: Boundary;
  /** Each hidden unit's output over the plane, drawn inside its node in the graph view. */
  units: UnitMaps;
  graph: GraphTrace;
}

/** Page -> worker. */
export type ToWorker =
  | { type: 'reset'; config: PlaygroundConfig; example: number }
  | { type: 'train' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'select'; example: number }
  /** A new learning rate for the running network: the optimizer's lr changes in place. */
  | { type: 'lr'; lr: number }
  /** Steps between two snapshots while training; Infinity is as fast as the worker goes. */
  | { type: 'speed'; stepsPerSlice: number }
  /** The lesson mode: run one iteration of a lesson's network (answered by a 'lesson' reply). */
  | { type: 'lesson'; request: LessonRequest };

/** Worker -> page. `running` tells the page whether training goes on after this message. */
export type FromWorker =
  | { type: 'data'; info: DataInfo }
  /** The lesson mode's numbers, computed with backprop (or why they could not be). */
  | { type: 'lesson'; reply: LessonReply }
  | { type: 'snapshot'; snapshot: Snapshot; running: boolean }
  | { type: 'error'; message: string }
  /**
   * The loss (or the weights) stopped being finite at `step`: training stopped, and the worker
   * trains this run no further. No snapshot of the non-finite network is sent.
   */
  | { type: 'diverged'; step: number; message: string };
