// One training run: the data, the network, the optimizer and the batch order, stepped one batch at
// a time. The worker drives it; the unit tests drive it directly, with no browser.
import { Generator, noGrad, type Tensor, tensor } from '@backprop/core';
import { DataLoader, type Example, type TensorDataset } from '@backprop/data';
import { Adam, type Optimizer, SGD } from '@backprop/optim';
import { boundaryOf } from './boundary.js';
import type { OptimizerName, PlaygroundConfig } from './config.js';
import { loadDataset, type PlaygroundData } from './datasets.js';
import { PlaygroundNet } from './network.js';
import { lossOf, outputUnits, predict } from './objective.js';
import type { DataInfo, GraphTrace, History, Snapshot } from './protocol.js';
import { traceExample } from './trace.js';

/** Cells per side of the boundary grid. */
export const BOUNDARY_RESOLUTION = 50;
/** Points kept per loss curve; older points are thinned out beyond this. */
export const HISTORY_LIMIT = 400;

function makeOptimizer(name: OptimizerName, net: PlaygroundNet, lr: number, weightDecay: number): Optimizer {
  const params = net.parameters();
  if (name === 'adam') return new Adam(params, { lr, weightDecay });
  return new SGD(params, { lr, momentum: name === 'momentum' ? 0.9 : 0, weightDecay });
}

/** Full-set loss, accuracy and predictions, measured without recording a graph. */
export interface Evaluation {
  loss: number;
  accuracy: number;
  predictions: Int32Array;
}

/**
 * A training run for one config.
 *
 * @example
 * ```ts
 * const run = new Session({ ...DEFAULT_CONFIG, dataset: 'xor' });
 * for (let i = 0; i < 300; i++) run.step();
 * run.evaluate(run.data.train).accuracy; // 1
 * ```
 */
export class Session {
  readonly data: PlaygroundData;
  /** The network the pictures are drawn from, on the CPU (a copy of the trained one on WebGPU). */
  readonly net: PlaygroundNet;
  /** The network the optimizer trains: `net` itself on the CPU, its twin on the GPU on webgpu. */
  readonly trained: PlaygroundNet;
  readonly optimizer: Optimizer;
  readonly loader: DataLoader;
  readonly history: History = { steps: [], train: [], validation: [] };
  steps = 0;
  #batches: Iterator<Example>;

  constructor(readonly config: PlaygroundConfig) {
    this.data = loadDataset(config.dataset);
    const inputs = this.data.inputs.length;
    const sizes = [inputs, ...config.hidden, outputUnits(this.data.classes)];
    this.net = new PlaygroundNet(sizes, config.activation, config.seed);
    // The same seed gives the GPU twin the same initial weights (made on the host, then moved).
    this.trained =
      config.device === 'cpu'
        ? this.net
        : new PlaygroundNet(sizes, config.activation, config.seed).to(config.device);
    this.optimizer = makeOptimizer(config.optimizer, this.trained, config.lr, config.weightDecay);
    const batchSize = Math.min(config.batchSize, this.data.train.length);
    // Its own generator, so the shuffles depend on the seed field and on nothing else.
    const generator = new Generator(config.seed + 1);
    this.loader = new DataLoader(this.data.train, { batchSize, shuffle: true, generator });
    this.#batches = this.loader[Symbol.iterator]();
  }

  /** Completed passes over the training set (every epoch has the same number of batches). */
  get epoch(): number {
    return Math.floor(this.steps / this.loader.length);
  }

  /**
   * Takes one optimizer step on the next batch; returns that batch's loss on the CPU, null on
   * WebGPU (reading it back would wait for the GPU every step: `syncFromDevice` reads per frame).
   */
  step(): number | null {
    let next = this.#batches.next();
    if (next.done) {
      this.#batches = this.loader[Symbol.iterator]();
      next = this.#batches.next();
    }
    const [x, labels] = next.value as Example;
    const device = this.config.device;
    this.optimizer.zeroGrad();
    const loss = lossOf(
      this.config.loss,
      this.data.classes,
      this.trained.forward(x.to(device)),
      labels.to(device),
    );
    loss.backward();
    this.optimizer.step();
    this.steps += 1;
    return device === 'cpu' ? loss.item() : null;
  }

  /** On WebGPU, copies the trained weights into `net`, which the pictures read; nothing on the CPU. */
  async syncFromDevice(): Promise<void> {
    if (this.trained === this.net) return;
    const from = this.trained.parameters();
    const values = await Promise.all(from.map((p) => p.dataAsync()));
    noGrad(() => {
      this.net.parameters().forEach((p, i) => {
        p.copy_(tensor(values[i]!, { shape: p.shape }));
      });
    });
  }

  /** Loss, accuracy and predictions on a whole split. */
  evaluate(split: TensorDataset): Evaluation {
    const { classes } = this.data;
    return noGrad(() => {
      const z: Tensor = this.net.forward(split.x);
      const predictions = predict(classes, z).classes;
      const labels = split.y.data();
      let right = 0;
      for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) right++;
      const loss = lossOf(this.config.loss, classes, z, split.y).item();
      return { loss, accuracy: right / predictions.length, predictions };
    });
  }

  /** The graph view's forward and backward pass of training example `index`. */
  trace(index: number): GraphTrace {
    const { loss } = this.config;
    return traceExample(this.net, loss, this.data.classes, this.data.train, index);
  }

  /** Everything the page draws now; also appends the current losses to the history. */
  snapshot(example: number): Snapshot {
    const train = this.evaluate(this.data.train);
    const validation = this.evaluate(this.data.validation);
    this.#record(train.loss, validation.loss);
    const { classes, plane, fixedInputs } = this.data;
    return {
      device: this.config.device,
      step: this.steps,
      epoch: this.epoch,
      trainLoss: train.loss,
      validationLoss: validation.loss,
      trainAccuracy: train.accuracy,
      validationAccuracy: validation.accuracy,
      predictions: train.predictions,
      history: {
        steps: [...this.history.steps],
        train: [...this.history.train],
        validation: [...this.history.validation],
      },
      boundary: boundaryOf(this.net, classes, plane, BOUNDARY_RESOLUTION, fixedInputs),
      graph: this.trace(Math.min(Math.max(example, 0), this.data.train.length - 1)),
    };
  }

  /** The data set as plain arrays, for the page to draw the points. */
  info(): DataInfo {
    const { train, validation, ...rest } = this.data;
    const points = (ds: TensorDataset) => ({
      x: ds.x.data() as Float32Array,
      labels: ds.y.data() as Int32Array,
    });
    return {
      ...rest,
      train: points(train),
      validation: points(validation),
      sameValidation: validation === train,
      batchSize: this.loader.batchSize,
    };
  }

  #record(train: number, validation: number): void {
    const h = this.history;
    if (h.steps.at(-1) === this.steps) return; // a second snapshot of the same step adds nothing
    h.steps.push(this.steps);
    h.train.push(train);
    h.validation.push(validation);
    if (h.steps.length > HISTORY_LIMIT) {
      // Keep every other point (always the first and the newest): the curve keeps its shape.
      const keep = (_: number, i: number, a: number[]) => i % 2 === 0 || i === a.length - 1;
      h.steps = h.steps.filter(keep);
      h.train = h.train.filter(keep);
      h.validation = h.validation.filter(keep);
    }
  }
}
