/**
 * Lesson 003's universality theorem: one hidden layer with enough units can approximate any
 * continuous function; here sin(x) on [−π, π], with the error shrinking as the layer widens. Then
 * its question "why deep, not fat?": a fat-and-short network (one wide hidden layer) against a
 * thin-and-tall one (three narrow layers) with the same number of parameters, on a wigglier target.
 */
import { linspace, manualSeed, noGrad, type Tensor } from '@backprop/core';
import { lossCurves, writePlot } from '@backprop/data';
import { MLP, mseLoss } from '@backprop/nn';
import { Adam } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';

/** One trained network: its shape, size and how well it fits. */
export interface Fit {
  sizes: number[];
  parameters: number;
  /** Mean squared error on the training points at the end. */
  loss: number;
  /** The largest |net(x) − f(x)| on a grid 8 times denser than the training points. */
  maxError: number;
  /** Training loss every 10 steps. */
  curve: number[];
  /** The net's output on the dense grid, for the pictures. */
  fitted: number[];
}

/** What the example measures. */
export interface UniversalityResult {
  /** 1-h-1 tanh networks fitting sin(x), one per width. */
  widths: Fit[];
  /** The wiggly target's fits, one pair per seed: fat-and-short and thin-and-tall. */
  pairs: { seed: number; fat: Fit; thin: Fit }[];
  /** The target's variance on the grid: the loss of the best constant. */
  targetVariance: number;
}

export const WIDTHS = [1, 2, 4, 16];
/** 1-56-1 and 1-8-8-8-1 both have 169 parameters. */
export const FAT = [1, 56, 1];
export const THIN = [1, 8, 8, 8, 1];
const POINTS = 128;

const wiggly = (x: Tensor) => x.mul(2).sin().add(x.mul(5).sin().mul(0.5));

function train(sizes: number[], f: (x: Tensor) => Tensor, steps: number, lr: number, seed: number): Fit {
  manualSeed(seed);
  const net = new MLP(sizes, { activation: 'tanh' });
  const x = linspace(-Math.PI, Math.PI, POINTS).reshape([-1, 1]);
  const y = f(x);
  const optimizer = new Adam(net.parameters(), { lr });
  const curve: number[] = [];
  let loss = Number.NaN;
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    const l = mseLoss(net.forward(x), y);
    l.backward();
    optimizer.step();
    loss = l.item();
    if (i % 10 === 0) curve.push(loss);
  }
  const grid = linspace(-Math.PI, Math.PI, 8 * POINTS).reshape([-1, 1]);
  const out = noGrad(() => net.forward(grid));
  return {
    sizes,
    parameters: net.parameters().reduce((n, p) => n + p.size, 0),
    loss,
    maxError: out.sub(f(grid)).abs().max().item(),
    curve,
    fitted: Array.from(out.data()),
  };
}

function gridXs(): number[] {
  return Array.from(linspace(-Math.PI, Math.PI, 8 * POINTS).data());
}

// Every 4th point of the dense grid is plenty for a smooth curve and keeps the file small.
const everyFourth = (values: readonly number[]) =>
  values.filter((_, i) => i % 4 === 0 || i === values.length - 1);

function fitChart(target: number[], fits: { name: string; values: number[] }[], title: string): string {
  const x = everyFourth(gridXs());
  // The target goes last, so each network keeps its colour in the loss panel beside this one.
  const curves = [...fits, { name: 'target', values: target }];
  return lossCurves(
    curves.map((c) => ({ name: c.name, values: everyFourth(c.values), x })),
    {
      title,
      xLabel: 'x',
      yLabel: 'y',
      width: 520,
      height: 400,
      yRange: [-1.6, 2.6],
    },
  );
}

async function draw(r: UniversalityResult, out: string): Promise<void> {
  const grid = linspace(-Math.PI, Math.PI, 8 * POINTS);
  const sine = fitChart(
    Array.from(grid.sin().data()),
    r.widths.map((f) => ({ name: `1-${f.sizes[1]}-1`, values: f.fitted })),
    'one hidden layer of tanh units fitting sin(x)',
  );
  await writePlot(`${out}/universality-sin`, sine, { png: true });
  const name = (f: Fit) => `${f.sizes.join('-')} (${f.parameters} params)`;
  const { fat, thin } = r.pairs[0]!;
  const fits = fitChart(
    Array.from(wiggly(grid).data()),
    [fat, thin].map((f) => ({ name: name(f), values: f.fitted })),
    'sin 2x + 0.5 sin 5x',
  );
  const curves = lossCurves(
    [fat, thin].map((f) => ({
      name: name(f),
      values: f.curve.map(Math.log10),
      x: f.curve.map((_, i) => 10 * i),
    })),
    { title: 'training loss', xLabel: 'step', yLabel: 'log10 MSE', width: 520, height: 380 },
  );
  await writePlot(
    `${out}/universality-fat-vs-thin`,
    panels([fits, curves], { title: 'Fat + short against thin + tall' }),
    {
      png: true,
    },
  );
}

/** Fits sin(x) with each width, then the wiggly target with both shapes; writes the pictures. */
export async function runUniversality(options: ExampleOptions): Promise<UniversalityResult> {
  const sinSteps = options.quick ? 500 : 2000;
  const deepSteps = options.quick ? 800 : 2000;
  const widths = WIDTHS.map((w) => train([1, w, 1], (x) => x.sin(), sinSteps, 0.03, options.seed));
  // Which shape wins depends on the seed at this size, so the full run tries several.
  const seeds = Array.from({ length: options.quick ? 1 : 5 }, (_, k) => options.seed + k);
  const pairs = seeds.map((seed) => ({
    seed,
    fat: train(FAT, wiggly, deepSteps, 0.03, seed),
    thin: train(THIN, wiggly, deepSteps, 0.03, seed),
  }));
  const target = wiggly(linspace(-Math.PI, Math.PI, 8 * POINTS));
  const result = { widths, pairs, targetVariance: target.var(undefined, false, { correction: 0 }).item() };
  await draw(result, options.out);
  return result;
}

/** Both tables: the widths on sin(x), then fat against thin. */
export function formatTables(r: UniversalityResult): string {
  const row = (f: Fit, seed = '') =>
    `| ${f.sizes.join('-')} |${seed} ${f.parameters} | ${f.loss.toExponential(2)} | ${f.maxError.toFixed(4)} |`;
  const head = ['| network | parameters | training MSE | max error |', '|---|---:|---:|---:|'];
  const seedHead = [
    '| network | seed | parameters | training MSE | max error |',
    '|---|---:|---:|---:|---:|',
  ];
  return [
    'sin(x) on [-π, π], one hidden layer of tanh units:',
    '',
    ...head,
    ...r.widths.map((f) => row(f)),
    '',
    `sin 2x + 0.5 sin 5x (variance ${r.targetVariance.toFixed(3)}), same parameter count:`,
    '',
    ...seedHead,
    ...r.pairs.flatMap((p) => [row(p.fat, ` ${p.seed} |`), row(p.thin, ` ${p.seed} |`)]),
  ].join('\n');
}
