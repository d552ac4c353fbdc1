/**
 * Lesson 004's training tricks on one problem: plain SGD with a large learning rate, the lesson's
 * momentum (an exponential average of the gradients), weight decay, learning-rate decay in steps,
 * and all three together, as the lesson's recipe for training a network combines them; plus plain
 * SGD with a small learning rate for comparison. The problem is a noisy linear regression
 * (10 features, mini-batches of 8), where the noise of each batch's gradient is what the tricks
 * are for: at a large learning rate plain SGD keeps bouncing around the best fit.
 */
import { Generator, manualSeed, noGrad, randn } from '@backprop/core';
import { DataLoader, lossCurves, TensorDataset, writePlot } from '@backprop/data';
import { Linear, mseLoss } from '@backprop/nn';
import { SGD, type SGDOptions, StepLR } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';
import { lessonMomentum } from './momentum.js';

/** The large learning rate every run but one starts from. */
export const LR = 0.3;
/** The lesson's μ: the weight of the newest gradient in the average. */
export const MU = 0.3;
export const WEIGHT_DECAY = 0.1;

/** One way of training: SGD's options and whether the learning rate decays in steps. */
export interface Recipe {
  name: string;
  sgd: SGDOptions;
  stepDecay: boolean;
}

export const RECIPES: readonly Recipe[] = [
  { name: `plain SGD, lr ${LR}`, sgd: { lr: LR }, stepDecay: false },
  { name: `momentum μ = ${MU}`, sgd: { lr: LR, ...lessonMomentum(MU) }, stepDecay: false },
  { name: `weight decay ${WEIGHT_DECAY}`, sgd: { lr: LR, weightDecay: WEIGHT_DECAY }, stepDecay: false },
  { name: 'step decay ×0.3', sgd: { lr: LR }, stepDecay: true },
  {
    name: 'all three',
    sgd: { lr: LR, ...lessonMomentum(MU), weightDecay: WEIGHT_DECAY },
    stepDecay: true,
  },
  { name: 'plain SGD, lr 0.005', sgd: { lr: 0.005 }, stepDecay: false },
];

/** y = x·w* + 0.5·ε with 10 standard-normal features and w* drawn once. */
export function regression(n: number, seed: number): TensorDataset {
  const generator = new Generator(seed);
  const x = randn([n, 10], { generator });
  const w = randn([10, 1], { generator });
  return new TensorDataset(x, x.matmul(w).add(randn([n, 1], { generator }).mul(0.5)));
}

/** One recipe's run. */
export interface RecipeRun {
  recipe: Recipe;
  /** Loss over the whole data set after each epoch. */
  loss: number[];
  /** ‖w‖ after each epoch. */
  norm: number[];
  /** Mean length of one update of the weights, ‖Δw‖, over the run. */
  meanStep: number;
}

function train(recipe: Recipe, data: TensorDataset, epochs: number, seed: number): RecipeRun {
  manualSeed(seed);
  const model = new Linear(10, 1);
  const optimizer = new SGD(model.parameters(), recipe.sgd);
  const schedule = recipe.stepDecay ? new StepLR(optimizer, { stepSize: epochs / 4, gamma: 0.3 }) : null;
  const loader = new DataLoader(data, { batchSize: 8, shuffle: true, generator: new Generator(seed + 1) });
  const run: RecipeRun = { recipe, loss: [], norm: [], meanStep: 0 };
  let [steps, travelled] = [0, 0];
  for (let e = 0; e < epochs; e++) {
    for (const [x, y] of loader) {
      const before = model.weight.data();
      optimizer.zeroGrad();
      mseLoss(model.forward(x), y).backward();
      optimizer.step();
      const after = model.weight.data();
      let moved = 0; // a loop: Math.hypot(...weights) would spread every weight as an argument
      for (let i = 0; i < after.length; i++) moved += (after[i]! - before[i]!) ** 2;
      travelled += Math.sqrt(moved);
      steps++;
    }
    schedule?.step();
    run.loss.push(noGrad(() => mseLoss(model.forward(data.x), data.y).item()));
    const w = model.weight.data();
    let squares = 0;
    for (let i = 0; i < w.length; i++) squares += w[i]! * w[i]!;
    run.norm.push(Math.sqrt(squares));
  }
  run.meanStep = travelled / steps;
  return run;
}

/** What the example measured. */
export interface MomentumResult {
  epochs: number;
  runs: RecipeRun[];
  files: string[];
}

/** Trains every recipe from the same start on the same batches and draws the curves. */
export async function runMomentumAndDecay(options: ExampleOptions): Promise<MomentumResult> {
  const epochs = options.quick ? 20 : 40;
  const data = regression(512, options.seed);
  const runs = RECIPES.map((r) => train(r, data, epochs, options.seed));
  const loss = lossCurves(
    runs.map((r) => ({ name: r.recipe.name, values: r.loss })),
    { title: 'loss over the data, per epoch', yLabel: 'mean squared error', yRange: [0.2, 1] },
  );
  const norm = lossCurves(
    runs.map((r) => ({ name: r.recipe.name, values: r.norm })),
    { title: 'size of the weights, per epoch', yLabel: '‖w‖' },
  );
  const svg = panels([loss, norm], { title: 'Momentum, weight decay and step decay of the learning rate' });
  const files = await writePlot(`${options.out}/momentum-and-decay`, svg, { png: true });
  return { epochs, runs, files };
}

/** The mean of the last `k` values: the level a run bounces around. */
export function tailMean(values: readonly number[], k = 5): number {
  const tail = values.slice(-k);
  return tail.reduce((s, v) => s + v, 0) / tail.length;
}

/** The printed account: one row per recipe. */
export function formatReport(r: MomentumResult): string {
  const spread = (v: number[]) => Math.max(...v.slice(-5)) - Math.min(...v.slice(-5));
  return [
    `noisy linear regression, 10 features, 512 examples, batches of 8, ${r.epochs} epochs; the noise alone costs 0.25`,
    '',
    '| recipe | loss after 1 epoch | last 5 epochs: mean | spread | ‖w‖ | mean ‖Δw‖ per update |',
    '|---|---:|---:|---:|---:|---:|',
    ...r.runs.map(
      (run) =>
        `| ${run.recipe.name} | ${run.loss[0]!.toFixed(3)} | ${tailMean(run.loss).toFixed(3)} | ${spread(run.loss).toFixed(3)} | ${run.norm.at(-1)!.toFixed(3)} | ${run.meanStep.toFixed(4)} |`,
    ),
  ].join('\n');
}
