// The messages between the page and the training worker. Only plain data crosses: numbers,
// arrays and typed arrays, never tensors, so the page itself needs no part of backprop.
import type { PlaygroundConfig } from './config.js';
import type { Plane } from './datasets.js';

/** Points of one split: x row-major [n, inputs.length], labels the class indices. */
export interface Points {
  x: Float32Array;
  labels: Int32Array;
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
  classes: number;
  classNames: string[];
  inputs: string[];
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
  target: number;
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
  /** Probability of the predicted class, in [1/classes, 1]. */
  confidence: Float32Array;
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
  trainAccuracy: number;
  validationAccuracy: number;
  /** Predicted class of every training point, in order. */
  predictions: Int32Array;
  history: History;
  boundary: Boundary;
  graph: GraphTrace;
}

/** Page -> worker. */
export type ToWorker =
  | { type: 'reset'; config: PlaygroundConfig; example: number }
  | { type: 'train' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'select'; example: number }
  /** Steps between two snapshots while training; Infinity is as fast as the worker goes. */
  | { type: 'speed'; stepsPerSlice: number };

/** Worker -> page. `running` tells the page whether training goes on after this message. */
export type FromWorker =
  | { type: 'data'; info: DataInfo }
  | { type: 'snapshot'; snapshot: Snapshot; running: boolean }
  | { type: 'error'; message: string };
