/**
 * Lesson 003's "world's smallest perceptron": y = w·x, one weight, on the table x = 10, 2, 3.5, 1 →
 * y = 10.1, 1.9, 3.4, 1.1. Training it with the lesson's update w ← w + η(y − ŷ)x, which is
 * gradient descent on L = ½(y − ŷ)², brings w to the least-squares weight Σxy / Σx² ≈ 1.0047.
 *
 * Three ways are compared: the lesson's loop one example at a time (online) with a fixed η, the
 * same loop with η halved every few epochs (StepLR), and the summed update over the whole table
 * (full batch). A fixed η leaves online training circling near 1.0047 (every example pulls w
 * towards its own y/x); shrinking η, or summing the pulls, lands on it.
 */
import { noGrad, type Tensor, tensor } from '@backprop/core';
import { DataLoader, lossCurves, smallestPerceptron, writePlot } from '@backprop/data';
import { init, Linear, mseLoss } from '@backprop/nn';
import { SGD, StepLR } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';

/** The weight that minimizes Σ(y − wx)²: Σxy / Σx² = 117.8 / 117.25. */
export function leastSquaresWeight(x: readonly number[], y: readonly number[]): number {
  const sxy = x.reduce((s, xi, i) => s + xi * y[i]!, 0);
  const sxx = x.reduce((s, xi) => s + xi * xi, 0);
  return sxy / sxx;
}

/** One way of training and where w went, epoch by epoch. */
export interface Run {
  name: string;
  /** w after each epoch (index 0: the start). */
  w: number[];
  /** The largest gap between autograd's dL/dw and the lesson's −(y − ŷ)·x over all steps. */
  gradientGap: number;
}

/** What the example measured. */
export interface SmallestPerceptronResult {
  target: number;
  runs: Run[];
  /** w after each of the first updates with η = 1 (the lesson's loop without a learning rate). */
  noRate: number[];
  files: string[];
}

const half = (out: Tensor, y: Tensor) => mseLoss(out, y, { reduction: 'sum' }).mul(0.5);

interface Schedule {
  name: string;
  batchSize: 1 | 4;
  lr: number;
  /** Halve η every this many epochs (StepLR), or never. */
  halveEvery?: number;
}

// The lesson's training loop. The batch size picks online (1) or full batch (4, the summed
// update, since the loss is a sum). autograd's gradient is checked against the lesson's formula.
function train(schedule: Schedule, epochs: number): Run {
  const data = smallestPerceptron();
  const model = new Linear(1, 1, { bias: false });
  init.zeros_(model.weight);
  const optimizer = new SGD(model.parameters(), { lr: schedule.lr });
  const sched = schedule.halveEvery
    ? new StepLR(optimizer, { stepSize: schedule.halveEvery, gamma: 0.5 })
    : null;
  const loader = new DataLoader(data, { batchSize: schedule.batchSize });
  const w = [model.weight.item()];
  let gradientGap = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      const out = model.forward(x);
      half(out, y).backward();
      // The lesson: dL/dw = −(y − ŷ)·x, summed over the batch.
      const lesson = y.sub(out.detach()).mul(x).sum().neg().item();
      gradientGap = Math.max(gradientGap, Math.abs(model.weight.grad!.item() - lesson));
      optimizer.step();
    }
    sched?.step();
    w.push(model.weight.item());
  }
  return { name: schedule.name, w, gradientGap };
}

// η = 1, the slide's one-line loop as written: the step on x = 10 multiplies that example's error by
// 1 − x² = −99, so w jumps far past the target; the last example (x = 1) then sets w = y = 1.1 exactly.
function withoutRate(steps: number): number[] {
  const { x, y } = smallestPerceptron();
  const [xs, ys] = [Array.from(x.data()), Array.from(y.data())];
  const w = tensor(0, { requiresGrad: true });
  const trail: number[] = [];
  for (let i = 0; i < steps; i++) {
    const k = i % xs.length;
    half(w.mul(xs[k]!), tensor(ys[k]!)).backward();
    noGrad(() => w.copy_(w.sub(w.grad!)));
    w.zeroGrad();
    trail.push(w.item());
  }
  return trail;
}

// Two views of w by epoch: the whole climb from w = 0, and a zoom on the last epochs, where the
// online run with a fixed η stays below the target while the other two reach it.
function weightChart(runs: Run[], target: number): string {
  const view = (from: number, to: number, title: string, yRange: [number, number]) =>
    lossCurves(
      [
        ...runs.map((r) => ({
          name: r.name,
          values: r.w.slice(from, to + 1),
          x: r.w.slice(from, to + 1).map((_, i) => from + i),
        })),
        { name: 'Σxy / Σx² ≈ 1.0047', values: [target, target], x: [from, to] },
      ],
      { title, yLabel: 'w', yRange },
    );
  const last = runs[0]!.w.length - 1;
  return panels([
    view(0, 20, 'w by epoch, from w = 0', [0, 1.45]),
    view(10, last, 'zoom on the last epochs', [1.003, 1.0055]),
  ]);
}

/** Trains the three ways, and writes the picture of w by epoch to weight.svg (and .png). */
export async function runSmallestPerceptron(options: ExampleOptions): Promise<SmallestPerceptronResult> {
  const epochs = options.quick ? 60 : 120;
  const { x, y } = smallestPerceptron();
  const target = leastSquaresWeight(Array.from(x.data()), Array.from(y.data()));
  const runs = [
    train({ name: 'online, η = 0.005', batchSize: 1, lr: 0.005 }, epochs),
    train(
      { name: 'online, η = 0.005 halved every 10 epochs', batchSize: 1, lr: 0.005, halveEvery: 10 },
      epochs,
    ),
    train({ name: 'full batch, η = 0.005', batchSize: 4, lr: 0.005 }, epochs),
  ];
  const files = await writePlot(`${options.out}/weight`, weightChart(runs, target), { png: true });
  return { target, runs, noRate: withoutRate(8), files };
}

/** The printed account: the table, the target, and each run's final w. */
export function formatReport(r: SmallestPerceptronResult): string {
  const { x, y } = smallestPerceptron();
  const xs = Array.from(x.data());
  const ys = Array.from(y.data());
  return [
    '| x | y |',
    '|---:|---:|',
    ...xs.map((xi, i) => `| ${xi} | ${Number(ys[i]!.toPrecision(6))} |`),
    '',
    `least squares: w = Σxy / Σx² = ${r.target.toFixed(6)}`,
    '',
    '| training | w after 10 epochs | final w | final − target |',
    '|---|---:|---:|---:|',
    ...r.runs.map(
      (run) =>
        `| ${run.name} | ${run.w[10]!.toFixed(6)} | ${run.w.at(-1)!.toFixed(6)} | ${(run.w.at(-1)! - r.target).toExponential(1)} |`,
    ),
    '',
    `autograd's dL/dw equals the lesson's −(y − ŷ)·x at every step (largest gap ${Math.max(...r.runs.map((q) => q.gradientGap)).toExponential(1)})`,
    `without a learning rate (η = 1) w jumps: ${r.noRate.map((v) => Number(v.toPrecision(4))).join(', ')}, ...`,
    '  (every epoch ends at w = 1.1, set by the last example x = 1; it never settles at 1.0047)',
  ].join('\n');
}
