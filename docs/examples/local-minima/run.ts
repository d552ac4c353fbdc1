/**
 * Lesson 003's local minima: gradient descent never guarantees the global minimum, and from a
 * different initial point θ⁰ it reaches a different minimum. The same 2-2-1 sigmoid network, the
 * same XOR data, the same plain gradient descent; only the seed of the initial weights changes.
 * Most runs solve XOR (loss near 0); some settle where the network answers 0.5 on two of the four
 * inputs and the loss stays at about 1/8 however long they train, with a gradient that has all but
 * vanished: a local minimum (or a plateau too flat for gradient descent to leave).
 */
import { manualSeed, noGrad } from '@backprop/core';
import { lossCurves, writePlot, xor } from '@backprop/data';
import { MLP, mseLoss } from '@backprop/nn';
import { SGD } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';

/** One training run from one seed. */
export interface Run {
  seed: number;
  finalLoss: number;
  /** ‖∇θ L‖ at the end: near zero at a minimum (or a flat region) of the loss. */
  gradNorm: number;
  /** The network's outputs on (0,0), (0,1), (1,0), (1,1). */
  outputs: number[];
  /** All four outputs on the right side of 0.5. */
  solved: boolean;
  /** Loss every 20 steps. */
  curve: number[];
}

/** What the example measures over all seeds. */
export interface LocalMinimaResult {
  runs: Run[];
  /** max − min of the final losses. */
  spread: number;
  steps: number;
}

const LR = 2;

function trainFrom(seed: number, steps: number): Run {
  const { x, y } = xor();
  manualSeed(seed);
  const net = new MLP([2, 2, 1], { activation: 'sigmoid', outputActivation: 'sigmoid' });
  const optimizer = new SGD(net.parameters(), { lr: LR });
  const curve: number[] = [];
  for (let i = 0; i < steps; i++) {
    optimizer.zeroGrad();
    const loss = mseLoss(net.forward(x), y);
    loss.backward();
    if (i % 20 === 0) curve.push(loss.item());
    optimizer.step();
  }
  // One more forward and backward at the final weights, for the loss and its gradient there.
  optimizer.zeroGrad();
  const loss = mseLoss(net.forward(x), y);
  loss.backward();
  const gradNorm = Math.sqrt(net.parameters().reduce((s, p) => s + p.grad!.square().sum().item(), 0));
  const outputs = Array.from(noGrad(() => net.forward(x)).data());
  const targets = Array.from(y.data());
  return {
    seed,
    finalLoss: loss.item(),
    gradNorm,
    outputs,
    solved: outputs.every((o, i) => o > 0.5 === targets[i]! > 0.5),
    curve,
  };
}

async function draw(r: LocalMinimaResult, out: string): Promise<void> {
  const shown = r.runs.slice(0, 10);
  const curves = lossCurves(
    shown.map((run) => ({
      name: `seed ${run.seed}`,
      values: run.curve,
      x: run.curve.map((_, i) => 20 * i),
    })),
    {
      title: 'XOR, 2-2-1 sigmoid network: loss per step',
      xLabel: 'step',
      yLabel: 'MSE',
      width: 560,
      height: 420,
      yRange: [0, 0.35],
    },
  );
  const sorted = r.runs.map((run) => run.finalLoss).sort((a, b) => a - b);
  const finals = lossCurves([{ name: 'final loss', values: sorted }], {
    title: `final loss of all ${r.runs.length} seeds, sorted`,
    xLabel: 'run (sorted by final loss)',
    yLabel: 'MSE',
    width: 560,
    height: 420,
    yRange: [0, 0.16],
  });
  await writePlot(
    `${out}/local-minima`,
    panels([curves, finals], { title: 'Same network, same data, different seeds' }),
    {
      png: true,
    },
  );
}

/** Trains from several seeds; writes the pictures; returns every run and the spread of their losses. */
export async function runLocalMinima(options: ExampleOptions): Promise<LocalMinimaResult> {
  const steps = options.quick ? 2000 : 5000;
  const count = options.quick ? 10 : 40;
  const runs = Array.from({ length: count }, (_, k) => trainFrom(options.seed + k, steps));
  const losses = runs.map((run) => run.finalLoss);
  const result = { runs, spread: Math.max(...losses) - Math.min(...losses), steps };
  await draw(result, options.out);
  return result;
}

/** One row per seed, for the first `rows` seeds. */
export function formatTable(r: LocalMinimaResult, rows = r.runs.length): string {
  return [
    '| seed | final loss | ‖gradient‖ | outputs on 00, 01, 10, 11 | solved |',
    '|---:|---:|---:|---|:---:|',
    ...r.runs
      .slice(0, rows)
      .map(
        (run) =>
          `| ${run.seed} | ${run.finalLoss.toFixed(4)} | ${run.gradNorm.toExponential(1)} | ${run.outputs.map((o) => o.toFixed(2)).join(', ')} | ${run.solved ? 'yes' : 'no'} |`,
      ),
  ].join('\n');
}

/** The runs grouped by outcome: how many, which seeds, and the range of their final losses. */
export function formatSummary(r: LocalMinimaResult): string {
  const group = (name: string, runs: Run[]) => {
    if (runs.length === 0) return `| ${name} | 0 | | |`;
    const losses = runs.map((run) => run.finalLoss);
    const range = `${Math.min(...losses).toFixed(4)} – ${Math.max(...losses).toFixed(4)}`;
    const seeds = runs.length <= 8 ? runs.map((run) => run.seed).join(', ') : `${runs.length} seeds`;
    return `| ${name} | ${runs.length} | ${seeds} | ${range} |`;
  };
  return [
    '| outcome | runs | seeds | final loss |',
    '|---|---:|---|---|',
    group(
      'solved XOR',
      r.runs.filter((run) => run.solved),
    ),
    group(
      'stuck at a local minimum',
      r.runs.filter((run) => !run.solved),
    ),
  ].join('\n');
}
