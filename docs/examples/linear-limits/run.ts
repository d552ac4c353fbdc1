/**
 * Lesson 003's hard cases for a linear classifier: the quadrants (XOR in the plane), a disc inside
 * a ring, and three modes on a line. A linear classifier (one Linear layer, softmax) cannot draw
 * any of these boundaries; an MLP with two hidden layers learns all three. Both are trained the
 * same way (full-batch Adam on cross-entropy) and scored on held-out points.
 */
import { manualSeed, noGrad, type Tensor } from '@backprop/core';
import {
  accuracy,
  DataLoader,
  decisionBoundary,
  fit,
  quadrants,
  ring,
  TensorDataset,
  threeModes,
  writePlot,
} from '@backprop/data';
import { crossEntropy, Linear, MLP, type Module } from '@backprop/nn';
import { Adam } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';

// One decimal everywhere, so a picture never rounds 99.5% up to the table's 100%.
const pct = (a: number) => `${(100 * a).toFixed(1)}%`;

/** The three shapes of the lesson, each a function of (n, seed). */
export const SHAPES = {
  quadrants: (n: number, seed: number) => quadrants({ n, seed }),
  ring: (n: number, seed: number) => ring({ n, seed }),
  'three modes': (n: number, seed: number) => threeModes({ n, seed }),
} as const;

export type ShapeName = keyof typeof SHAPES;

const CLASS_NAMES: Record<ShapeName, [string, string]> = {
  quadrants: ['signs agree (I, III)', 'signs differ (II, IV)'],
  ring: ['inner disc', 'ring 1 ≤ ‖x‖ ≤ 2'],
  'three modes': ['outer modes', 'middle mode'],
};

/** One row of the result: a shape and both models' held-out accuracy. */
export interface ShapeResult {
  shape: ShapeName;
  linearAccuracy: number;
  mlpAccuracy: number;
  /** The share of the commonest class in the test set: what always guessing it scores. */
  majority: number;
}

async function train(model: Module, data: TensorDataset, steps: number): Promise<void> {
  await fit(model, {
    train: new DataLoader(data, { batchSize: data.length }),
    loss: (out, y) => crossEntropy(out, y),
    optimizer: new Adam(model.parameters(), { lr: 0.05 }),
    epochs: steps,
    progress: false,
    log: false,
  });
}

function majorityShare(y: Tensor): number {
  const labels = Array.from(y.data());
  const ones = labels.filter((v) => v === 1).length;
  return Math.max(ones, labels.length - ones) / labels.length;
}

function score(model: Module, data: TensorDataset): number {
  return noGrad(() => accuracy(model.forward(data.x), data.y));
}

/** Trains both models on one shape and draws their decision regions side by side. */
async function runShape(shape: ShapeName, options: ExampleOptions): Promise<ShapeResult> {
  const n = options.quick ? 200 : 1000;
  const trainSet = SHAPES[shape](n, options.seed);
  const testSet = SHAPES[shape](n, options.seed + 1000);
  manualSeed(options.seed);
  const linear = new Linear(2, 2);
  const mlp = new MLP([2, 32, 32, 2]);
  await train(linear, trainSet, options.quick ? 100 : 400);
  await train(mlp, trainSet, options.quick ? 200 : 800);
  const result: ShapeResult = {
    shape,
    linearAccuracy: score(linear, testSet),
    mlpAccuracy: score(mlp, testSet),
    majority: majorityShare(testSet.y),
  };
  const resolution = options.quick ? 60 : 80;
  // At most 200 of the held-out points on the picture: enough to see the classes, and a small file.
  const shown = new TensorDataset(testSet.x.slice(0, 0, 200), testSet.y.slice(0, 0, 200));
  const draw = (model: Module, name: string, acc: number) =>
    decisionBoundary((x) => model.forward(x), shown, {
      title: `${name}: ${pct(acc)} on held-out points`,
      resolution,
      classNames: CLASS_NAMES[shape],
      width: 400,
      height: 400,
    });
  const svg = panels(
    [draw(linear, 'linear', result.linearAccuracy), draw(mlp, 'MLP 2-32-32-2', result.mlpAccuracy)],
    { title: `${shape}: a linear classifier against an MLP` },
  );
  await writePlot(`${options.out}/${fileName(shape)}`, svg, { png: true });
  return result;
}

/** The picture's file name for a shape (without extension). */
export function fileName(shape: ShapeName): string {
  return `linear-limits-${shape.replace(' ', '-')}`;
}

/** Runs the three shapes; returns one row each. */
export async function runLinearLimits(options: ExampleOptions): Promise<ShapeResult[]> {
  const rows: ShapeResult[] = [];
  for (const shape of Object.keys(SHAPES) as ShapeName[]) rows.push(await runShape(shape, options));
  return rows;
}

/** The rows as a Markdown table. */
export function formatTable(rows: readonly ShapeResult[]): string {
  return [
    '| shape | majority class | linear classifier | MLP 2-32-32-2 |',
    '|---|---:|---:|---:|',
    ...rows.map(
      (r) => `| ${r.shape} | ${pct(r.majority)} | ${pct(r.linearAccuracy)} | ${pct(r.mlpAccuracy)} |`,
    ),
  ].join('\n');
}
