// One training run: the data, the network, the optimizer and the batch order, stepped one batch at
// a time. The worker drives it; the unit tests drive it directly, with no browser.
import { Generator, noGrad, type Tensor, tensor } from '@backprop/core';
import { DataLoader, type Example, TensorDataset } from '@backprop/data';
import { Adam, type Optimizer, SGD } from '@backprop/optim';
import { FEATURE_LABELS, type FeatureName, type OptimizerName, type PlaygroundConfig } from './config.js';
import { loadDataset, type PlaygroundData } from './datasets.js';
import { expandFeatures } from './features.js';
import { PlaygroundNet } from './network.js';
import { lossOf, outputUnits, predict } from './objective.js';
import type { DataInfo, GraphTrace, History, Snapshot } from './protocol.js';
import { l1Penalty } from './regularization.js';
import { traceExample } from './trace.js';
import { planeMaps } from './unit-maps.js';

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
  /** Share classified right; NaN for a regression set. */
  accuracy: number;
  /** Predicted classes (regression: 1 where the output is > 0). */
  predictions: Int32Array;
}

/** Where a run stopped being finite: the step and the loss seen there. */
export interface Divergence {
  step: number;
  loss: number;
}

/**
 * What the page says when a run diverges: where, and what to do about it.
 *
 * @example
 * ```ts
 * divergenceMessage({ step: 12, loss: NaN }); // 'diverged at step 12 (training loss NaN); lower the learning rate and Reset'
 * ```
 */
export function divergenceMessage(d: Divergence): string {
  return `diverged at step ${d.step} (training loss ${d.loss}); lower the learning rate and Reset`;
}

// The data as the network sees it: each x row replaced by the chosen features of (x1, x2). The
// three-input tables keep their inputs (features are a 2-D thing).
function asNetworkInputs(source: PlaygroundData, features: FeatureName[]): PlaygroundData {
  if (source.inputs.length !== 2) return source;
  const expand = (ds: TensorDataset) => new TensorDataset(expandFeatures(ds.x, features), ds.y);
  const train = expand(source.train);
  const validation = source.validation === source.train ? train : expand(source.validation);
  return { ...source, train, validation, inputs: features.map((f) => FEATURE_LABELS[f]) };
}

const allFinite = (t: Tensor) => t.data().every((v) => Number.isFinite(v));

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
  readonly config: PlaygroundConfig;
  /** The data set as drawn: x holds the points' coordinates. */
  readonly source: PlaygroundData;
  /** The data set as the network sees it: x holds the chosen input features. */
  readonly data: PlaygroundData;
  /** The network the pictures are drawn from, on the CPU (a copy of the trained one on WebGPU). */
  readonly net: PlaygroundNet;
  /** The network the optimizer trains: `net` itself on the CPU, its twin on the GPU on webgpu. */
  readonly trained: PlaygroundNet;
  readonly optimizer: Optimizer;
  readonly loader: DataLoader;
  readonly history: History = { steps: [], train: [], validation: [] };
  steps = 0;
  /** Set once the loss or the weights stop being finite; the run takes no more steps. */
  divergence: Divergence | null = null;
  #batches: Iterator<Example>;

  constructor(config: PlaygroundConfig) {
    this.config = { ...config, hidden: [...config.hidden], features: [...config.features] };
    this.source = loadDataset(config.dataset, { noise: config.noise, trainRatio: config.trainRatio });
    this.data = asNetworkInputs(this.source, config.features);
    const inputs = this.data.inputs.length;
    const sizes = [inputs, ...config.hidden, outputUnits(this.data.classes, this.data.task)];
    this.net = new PlaygroundNet(sizes, config.activation, config.seed);
    // The same seed gives the GPU twin the same initial weights (made on the host, then moved).
    this.trained =
      config.device === 'cpu'
        ? this.net
        : new PlaygroundNet(sizes, config.activation, config.seed).to(config.device);
    const weightDecay = config.regularization === 'l2' ? config.regularizationRate : 0;
    this.optimizer = makeOptimizer(config.optimizer, this.trained, config.lr, weightDecay);
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
   * Sets the optimizer's learning rate in place: the run goes on from where it is (momentum and
   * Adam's moments kept), as TF Playground does.
   */
  setLearningRate(lr: number): void {
    if (!(lr > 0) || !Number.isFinite(lr)) throw new Error(`learning rate: must be > 0, got ${lr}`);
    for (const group of this.optimizer.paramGroups) group.lr = lr;
    this.config.lr = lr;
  }

  /**
   * Takes one optimizer step on the next batch; returns that batch's loss (without the L1 term)
   * on the CPU, null on WebGPU (reading it back would wait for the GPU every step:
   * `syncFromDevice` reads per frame). On the CPU a batch loss that is not finite stops the run
   * before it changes any weight: `divergence` is set and later calls do nothing.
   */
  step(): number | null {
    if (this.divergence) return null;
    let next = this.#batches.next();
    if (next.done) {
      this.#batches = this.loader[Symbol.iterator]();
      next = this.#batches.next();
    }
    const [x, labels] = next.value as Example;
    const device = this.config.device;
    this.optimizer.zeroGrad();
    const { loss: lossName, regularization, regularizationRate } = this.config;
    const { classes, task } = this.data;
    const loss = lossOf(lossName, classes, this.trained.forward(x.to(device)), labels.to(device), task);
    const value = device === 'cpu' ? loss.item() : null;
    if (value !== null && !Number.isFinite(value)) {
      this.divergence = { step: this.steps + 1, loss: value };
      return value;
    }
    const l1 = regularization === 'l1' && regularizationRate > 0;
    const objective = l1 ? loss.add(l1Penalty(this.trained.parameters(), regularizationRate)) : loss;
    objective.backward();
    this.optimizer.step();
    this.steps += 1;
    return value;
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

  /** Loss, accuracy and predictions on a whole split of `data` (x: the network's inputs). */
  evaluate(split: TensorDataset): Evaluation {
    const { classes, task } = this.data;
    return noGrad(() => {
      const z: Tensor = this.net.forward(split.x);
      const loss = lossOf(this.config.loss, classes, z, split.y, task).item();
      if (task === 'regression') {
        const predictions = Int32Array.from(z.data(), (v) => (v > 0 ? 1 : 0));
        return { loss, accuracy: Number.NaN, predictions };
      }
      const predictions = predict(classes, z).classes;
      const labels = split.y.data();
      let right = 0;
      for (let i = 0; i < predictions.length; i++) if (predictions[i] === labels[i]) right++;
      return { loss, accuracy: right / predictions.length, predictions };
    });
  }

  /** The graph view's forward and backward pass of training example `index`. */
  trace(index: number): GraphTrace {
    const { loss } = this.config;
    return traceExample(this.net, loss, this.data.classes, this.data.train, index, this.data.task);
  }

  /**
   * Everything the page draws now; also appends the current losses to the history. When a loss or
   * a weight is not finite it sets `divergence` instead (the history keeps only finite points):
   * the caller must not draw such a snapshot.
   */
  snapshot(example: number): Snapshot {
    const train = this.evaluate(this.data.train);
    const validation = this.evaluate(this.data.validation);
    const finite =
      Number.isFinite(train.loss) &&
      Number.isFinite(validation.loss) &&
      this.net.parameters().every(allFinite);
    if (!finite) this.divergence ??= { step: this.steps, loss: train.loss };
    else this.#record(train.loss, validation.loss);
    const { classes, plane, fixedInputs, task } = this.data;
    const features = this.config.features;
    const inputsOf = this.source.inputs.length === 2 ? (x: Tensor) => expandFeatures(x, features) : undefined;
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
      // The regions and the hidden units' heatmaps, from one pass over the grid.
      ...planeMaps(this.net, classes, plane, BOUNDARY_RESOLUTION, fixedInputs, { task, inputsOf }),
      graph: this.trace(Math.min(Math.max(example, 0), this.data.train.length - 1)),
    };
  }

  /** The data set as plain arrays, for the page to draw the points (in the plane, not as features). */
  info(): DataInfo {
    const { train, validation, ...rest } = this.source;
    const regression = rest.task === 'regression';
    const points = (ds: TensorDataset) => {
      const x = ds.x.data() as Float32Array;
      if (!regression) return { x, labels: ds.y.data() as Int32Array };
      const values = ds.y.data() as Float32Array;
      return { x, labels: Int32Array.from(values, (v) => (v > 0 ? 1 : 0)), values };
    };
    return {
      ...rest,
      features: this.data.inputs,
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
