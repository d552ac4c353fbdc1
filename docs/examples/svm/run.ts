/**
 * Lesson 003's maximum-margin classifier: a linear score s = w·x + b trained on the hinge loss
 * max(0, 1 − y·s) plus weight decay on w. On separable points this is the SVM: among the lines
 * that separate the classes it finds the one farthest from both, and the margin is 2/‖w‖. The
 * points are built so that their maximum margin is known (see points.ts).
 */
import { manualSeed, noGrad } from '@backprop/core';
import { decisionBoundary, lossCurves, type PlotLine, TensorDataset, writePlot } from '@backprop/data';
import { hingeLoss, Linear } from '@backprop/nn';
import { CosineAnnealingLR, SGD } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';
import { maxMarginByScan, type Separable, separablePoints } from './points.js';

/** Weight decay λ: small enough that no point is worth giving up the margin for. */
export const WEIGHT_DECAY = 1e-3;

/** What the example measured. */
export interface SvmResult {
  points: number;
  /** The maximum margin by construction, and as the direction scan finds it. */
  maxMargin: number;
  scannedMargin: number;
  w: [number, number];
  b: number;
  /** 2/‖w‖. */
  margin: number;
  /** Twice the smallest distance of any point to the learned line: the empty band it leaves. */
  geometricMargin: number;
  /** Points on the right side of the line. */
  correct: number;
  /** Points on the margin lines (y·s within 1% of 1): the support vectors. */
  supportVectors: number;
  /** Hinge loss + (λ/2)‖w‖² per step. */
  objective: number[];
  /** 2/‖w‖ per step. */
  marginPerStep: number[];
  files: string[];
}

function train(data: Separable, steps: number, seed: number) {
  manualSeed(seed);
  const model = new Linear(2, 1);
  // Weight decay on w only: the bias sets where the line sits, and should not be pulled to 0.
  const optimizer = new SGD(
    [
      { params: [model.weight], weightDecay: WEIGHT_DECAY },
      { params: [model.bias!], weightDecay: 0 },
    ],
    { lr: 0.5 },
  );
  // The hinge loss has corners: a shrinking step lets the subgradient steps settle on the optimum.
  const schedule = new CosineAnnealingLR(optimizer, { tMax: steps });
  const objective: number[] = [];
  const margins: number[] = [];
  for (let t = 0; t < steps; t++) {
    optimizer.zeroGrad();
    const loss = hingeLoss(model.forward(data.x).reshape([-1]), data.y);
    loss.backward();
    optimizer.step();
    schedule.step();
    const squared = model.weight.square().sum().item();
    objective.push(loss.item() + (WEIGHT_DECAY / 2) * squared);
    margins.push(2 / Math.sqrt(squared));
  }
  return { model, objective, margins };
}

/** Trains the SVM on seeded separable points and draws the line, its margins and the objective. */
export async function runSvm(options: ExampleOptions): Promise<SvmResult> {
  const n = options.quick ? 30 : 60;
  const steps = options.quick ? 600 : 2000;
  const data = separablePoints(n, options.seed);
  const { model, objective, margins } = train(data, steps, options.seed);
  const [w1, w2] = Array.from(model.weight.data()) as [number, number];
  const b = model.bias!.item();
  const norm = Math.hypot(w1, w2);
  const scores = noGrad(() => model.forward(data.x).reshape([-1])).data();
  const labels = data.y.data();
  const ys = Array.from(scores, (s, i) => labels[i]! * s);
  const result: SvmResult = {
    points: n,
    maxMargin: data.maxMargin,
    scannedMargin: maxMarginByScan(data.x, data.y),
    w: [w1, w2],
    b,
    margin: 2 / norm,
    geometricMargin: (2 * ys.reduce((m, v) => Math.min(m, v), Number.POSITIVE_INFINITY)) / norm,
    correct: ys.filter((v) => v > 0).length,
    supportVectors: ys.filter((v) => Math.abs(v - 1) < 0.01).length,
    objective,
    marginPerStep: margins,
    files: [],
  };
  result.files = await writePlot(`${options.out}/svm`, picture(data, model, result), { png: true });
  return result;
}

function picture(data: Separable, model: Linear, r: SvmResult): string {
  const classes = new TensorDataset(data.x, data.y.add(1).div(2)); // −1/+1 → 0/1 for the colours
  const lines: PlotLine[] = [-1, 0, 1].map((level) => ({
    weight: r.w,
    bias: r.b - level,
    dashed: level !== 0,
    name: level === 0 ? 'w·x + b = 0' : `w·x + b = ${level}`,
  }));
  const regions = decisionBoundary((x) => model.forward(x), classes, {
    title: `margin 2/‖w‖ = ${r.margin.toFixed(3)} (max ${r.maxMargin})`,
    classNames: ['y = −1', 'y = +1'],
    threshold: 0,
    resolution: 120,
    lines,
  });
  // Early on ‖w‖ is small and 2/‖w‖ far above the chart; weight decay then shrinks ‖w‖ as far as
  // the hinge loss lets it, which is where the margin is widest.
  const steps = r.marginPerStep.length;
  const curve = lossCurves(
    [
      { name: '2/‖w‖', values: r.marginPerStep },
      { name: `maximum margin ${r.maxMargin}`, values: [r.maxMargin, r.maxMargin], x: [1, steps] },
    ],
    { title: 'margin during training', xLabel: 'step (full batch)', yLabel: '2/‖w‖', yRange: [0, 1.5] },
  );
  return panels([regions, curve], { title: 'A linear SVM by hinge loss and weight decay' });
}

/** The printed account. */
export function formatReport(r: SvmResult): string {
  return [
    `${r.points} separable points; by construction their maximum margin is ${r.maxMargin.toFixed(4)}`,
    `(a scan over all directions, no SVM involved, finds ${r.scannedMargin.toFixed(4)})`,
    '',
    `learned: w = [${r.w.map((v) => v.toFixed(4)).join(', ')}], b = ${r.b.toFixed(4)}`,
    `margin 2/‖w‖ = ${r.margin.toFixed(4)}; the band the line leaves empty is ${r.geometricMargin.toFixed(4)} wide`,
    `${r.correct} of ${r.points} points on the right side; ${r.supportVectors} support vectors on the margin lines`,
  ].join('\n');
}
