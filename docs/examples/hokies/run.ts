/**
 * Lesson 000's Hokies placards. Three placards go up before each play; a network learns which of
 * them says Pass. On the lesson's table it learns the correlation (the weight of image 2, the one
 * raised exactly on passes, grows to 1, the others to 0). On the "conflicting pressure" table no
 * single placard correlates with the play, so one layer cannot learn it and a hidden layer can.
 * Last, the lesson's three ways of writing the placards as numbers (0/1, 0/0.5/1, 0/5/10) are
 * trained alike, to see what the scale of the inputs does.
 */
import { Generator, manualSeed, noGrad } from '@backprop/core';
import {
  DataLoader,
  fit,
  hokies,
  hokiesConflicting,
  lossCurves,
  type TensorDataset,
  writePlot,
} from '@backprop/data';
import { Linear, MLP, type Module, mseLoss } from '@backprop/nn';
import { SGD } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';
import { pressure } from './pressure.js';
import { ENCODINGS, type Encoding, leastSquaresLoss } from './scalings.js';

/** A trained network, how it did, and the curve of its loss. */
export interface Trained {
  name: string;
  /** Plays called right (prediction on the label's side of 0.5). */
  correct: number;
  total: number;
  /** Mean squared error on the whole table after training. */
  loss: number;
  /** Mean squared error on the whole table after each epoch: the curve ends at `loss`. */
  curve: number[];
}

/** One encoding of the placards and how training on it went. */
export interface ScalingRun extends Trained {
  encoding: Encoding;
  lr: number;
  /** The best a linear network can do on this table (least squares). */
  floor: number;
  diverged: boolean;
  weights: number[];
}

/** What the example measured. */
export interface HokiesResult {
  pressure: number[][];
  /** The one-layer network's weights on the lesson's table: image 1, image 2, image 3. */
  weights: number[];
  correlation: Trained;
  conflicting: {
    pressure: number[][];
    oneLayer: Trained;
    hidden: Trained;
    /** The best any one linear layer does on the table: 0.25, saying 0.5 to every play. */
    floor: number;
  };
  scalings: ScalingRun[];
  files: string[];
}

// Online (stochastic) descent on the squared error, one play at a time in a shuffled order, as the
// lesson's networks learn.
async function train(
  name: string,
  model: Module,
  data: TensorDataset,
  lr: number,
  epochs: number,
  seed: number,
  onNonFinite: 'throw' | 'continue' = 'throw',
) {
  // The curve scores the weights at each epoch's end on the whole table, as the final loss is (an
  // epoch's running loss mixes in the weights of every step along the way).
  const curve: number[] = [];
  const tableLoss = () =>
    mseLoss(
      noGrad(() => model.forward(data.x)),
      data.y,
    ).item();
  await fit(model, {
    train: new DataLoader(data, { batchSize: 1, shuffle: true, generator: new Generator(seed) }),
    loss: (out, y) => mseLoss(out, y),
    optimizer: new SGD(model.parameters(), { lr }),
    epochs,
    progress: false,
    log: false,
    onNonFinite,
    onEpochEnd: () => curve.push(tableLoss()),
  });
  const out = noGrad(() => model.forward(data.x));
  const labels = data.y.data();
  const guesses = out.data();
  const correct = labels.filter((y, i) => guesses[i]! > 0.5 === (y === 1)).length;
  return { name, correct, total: labels.length, loss: mseLoss(out, data.y).item(), curve };
}

async function scaling(encoding: Encoding, lr: number, epochs: number, seed: number): Promise<ScalingRun> {
  manualSeed(seed);
  const model = new Linear(3, 1, { bias: false });
  const data = encoding.data();
  // The 0/5/10 scaling is shown diverging on purpose: fit must train on through the NaN loss.
  const run = await train(`${encoding.name}, lr ${lr}`, model, data, lr, epochs, seed, 'continue');
  const weights = Array.from(model.weight.data());
  return {
    ...run,
    encoding,
    lr,
    floor: leastSquaresLoss(data),
    diverged: !weights.every(Number.isFinite),
    weights,
  };
}

/** Runs the three parts of the lesson and writes the curves to hokies.svg (and .png). */
export async function runHokies(options: ExampleOptions): Promise<HokiesResult> {
  const { seed } = options;
  const epochs = options.quick ? 60 : 150;
  manualSeed(seed);
  const linear = new Linear(3, 1, { bias: false });
  const correlation = await train('one layer', linear, hokies(), 0.1, epochs, seed);

  manualSeed(seed);
  const oneLayer = await train(
    'one layer',
    new Linear(3, 1, { bias: false }),
    hokiesConflicting(),
    0.1,
    2 * epochs,
    seed,
  );
  manualSeed(seed);
  // 16 ReLUs: with 4 some seeds lose units that never switch on again, and the table stays unlearned.
  const net = new MLP([3, 16, 1], { activation: 'relu' });
  const hidden = await train('hidden layer of 16 ReLUs', net, hokiesConflicting(), 0.1, 2 * epochs, seed);

  const scalings: ScalingRun[] = [];
  for (const encoding of ENCODINGS) scalings.push(await scaling(encoding, 0.1, epochs, seed));
  // The same run on inputs 10× larger takes a learning rate 100× smaller (see scalings.ts).
  scalings.push(await scaling(ENCODINGS[2]!, 0.001, epochs, seed));

  const files = await writePlot(`${options.out}/hokies`, charts(oneLayer, hidden, scalings), { png: true });
  return {
    pressure: pressure(hokies()),
    weights: Array.from(linear.weight.data()),
    correlation,
    conflicting: {
      pressure: pressure(hokiesConflicting()),
      oneLayer,
      hidden,
      floor: leastSquaresLoss(hokiesConflicting()),
    },
    scalings,
    files,
  };
}

function charts(oneLayer: Trained, hidden: Trained, scalings: ScalingRun[]): string {
  const curve = (t: Trained & { diverged?: boolean }) => ({
    name: t.diverged ? `${t.name} (diverged, off the chart)` : t.name,
    values: t.curve,
  });
  const conflict = lossCurves([curve(oneLayer), curve(hidden)], {
    title: 'Conflicting pressure: one layer vs a hidden layer',
    yLabel: 'mean squared error',
    yRange: [0, 0.5],
  });
  // A diverged run leaves the chart through the top (NaN points are gaps).
  const scale = lossCurves(scalings.map(curve), {
    title: 'Placards as 0/1, 0/0.5/1 and 0/5/10',
    yLabel: 'mean squared error',
    yRange: [0, 0.5],
  });
  return panels([conflict, scale]);
}
