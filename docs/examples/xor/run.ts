/**
 * Lesson 001's XOR, learned by a 2-4-1 sigmoid network on the squared error ½(y − ŷ)², four ways:
 * online learning (update after every example) against batch learning (accumulate over all four
 * examples, divide by their number, then update), each with the bias handled both ways the lesson
 * gives (a feature hard-wired to 1, or an extra bias parameter per layer).
 */
import { Generator, manualSeed, noGrad, type Tensor } from '@backprop/core';
import { DataLoader, decisionBoundary, lossCurves, writePlot, xor } from '@backprop/data';
import type { Sequential } from '@backprop/nn';
import { SGD } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';
import { withBiasInputs, withBiasParameters } from './networks.js';

export type Mode = 'online' | 'batch';
export type Bias = 'input fixed to 1' | 'bias parameter';

/** One of the four runs. */
export interface XorRun {
  mode: Mode;
  bias: Bias;
  /** ½(y − ŷ)² averaged over the four examples, after each epoch. */
  loss: number[];
  /** Weight updates after each epoch (online: 4 per epoch, batch: 1). */
  updates: number[];
  /** The first epoch after which every output is within 0.4 of its target, or null. */
  solvedAt: number | null;
  /** The four outputs after training. */
  outputs: number[];
  net: Sequential;
}

const LR = 4;
// The lesson's loss, ½(y − ŷ)², summed over the batch.
const halfSquare = (net: Sequential, x: Tensor, y: Tensor) => net.forward(x).sub(y).square().mul(0.5).sum();

// One epoch as the lesson's pseudo-code has it, the examples in a fresh random order.
function epoch(net: Sequential, optimizer: SGD, loader: DataLoader, mode: Mode): number {
  if (mode === 'online') {
    for (const [x, y] of loader) {
      optimizer.zeroGrad();
      halfSquare(net, x, y).backward();
      optimizer.step();
    }
    return loader.length;
  }
  // Batch: .grad is the lesson's weight accumulator (backward adds into it), divided by the count.
  optimizer.zeroGrad();
  for (const [x, y] of loader) halfSquare(net, x, y).div(loader.length).backward();
  optimizer.step();
  return 1;
}

function train(net: Sequential, mode: Mode, bias: Bias, epochs: number, seed: number): XorRun {
  const data = xor();
  const targets = Array.from(data.y.data());
  const loader = new DataLoader(data, { batchSize: 1, shuffle: true, generator: new Generator(seed) });
  const optimizer = new SGD(net.parameters(), { lr: LR });
  const run: XorRun = { mode, bias, loss: [], updates: [], solvedAt: null, outputs: [], net };
  let updates = 0;
  for (let e = 1; e <= epochs; e++) {
    updates += epoch(net, optimizer, loader, mode);
    const out = noGrad(() => net.forward(data.x));
    run.outputs = Array.from(out.data());
    run.loss.push(out.sub(data.y).square().mul(0.5).mean().item());
    run.updates.push(updates);
    if (run.solvedAt === null && run.outputs.every((v, i) => Math.abs(v - targets[i]!) < 0.4))
      run.solvedAt = e;
  }
  return run;
}

/** What the example measured. */
export interface XorResult {
  runs: XorRun[];
  files: string[];
}

/** Trains the four networks from one seed and draws their curves and decision regions. */
export async function runXor(options: ExampleOptions): Promise<XorResult> {
  const epochs = options.quick ? 1500 : 3000;
  const runs: XorRun[] = [];
  for (const mode of ['online', 'batch'] as const) {
    manualSeed(options.seed);
    const net = withBiasParameters();
    const twin = withBiasInputs(net); // same starting function, bias as a weight on a constant 1
    runs.push(train(twin, mode, 'input fixed to 1', epochs, options.seed));
    runs.push(train(net, mode, 'bias parameter', epochs, options.seed));
  }
  const files = [
    ...(await writePlot(`${options.out}/loss`, lossChart(runs), { png: true })),
    ...(await writePlot(`${options.out}/regions`, regionsChart(runs), { png: true })),
  ];
  return { runs, files };
}

// Every 5th epoch is plenty for curves this smooth, and keeps the pictures small.
const EVERY = 5;
const thin = <T>(values: readonly T[]) => values.filter((_, i) => i % EVERY === EVERY - 1);

function lossChart(runs: XorRun[]): string {
  const name = (r: XorRun) => `${r.mode}, ${r.bias}`;
  const epochs = (r: XorRun) => r.loss.map((_, i) => i + 1);
  const perEpoch = lossCurves(
    runs.map((r) => ({ name: name(r), values: thin(r.loss), x: thin(epochs(r)) })),
    { title: 'XOR: loss per epoch', yLabel: '½(y − ŷ)², mean of 4' },
  );
  // Up to the batch runs' last update, so both kinds share the x range.
  const limit = runs[0]!.loss.length;
  const upTo = (r: XorRun) => r.updates.filter((u) => u <= limit).length;
  const perUpdate = lossCurves(
    runs.map((r) => ({
      name: name(r),
      values: thin(r.loss.slice(0, upTo(r))),
      x: thin(r.updates.slice(0, upTo(r))),
    })),
    { title: 'XOR: loss per weight update', xLabel: 'weight updates', yLabel: '½(y − ŷ)², mean of 4' },
  );
  return panels([perEpoch, perUpdate]);
}

function regionsChart(runs: XorRun[]): string {
  const data = xor();
  const shown = runs.filter((r) => r.bias === 'bias parameter');
  return panels(
    shown.map((r) =>
      decisionBoundary((x) => r.net.forward(x), data, {
        title: `${r.mode} learning`,
        classNames: ['x1 xor x2 = 0', 'x1 xor x2 = 1'],
        resolution: 60,
      }),
    ),
  );
}

/** The printed account: the four runs side by side, then the outputs of the online network. */
export function formatReport(r: XorResult): string {
  const rows = r.runs.map((run) => {
    const solved = run.solvedAt === null ? 'not solved' : String(run.solvedAt);
    const updates = run.solvedAt === null ? '—' : String(run.updates[run.solvedAt - 1]);
    return `| ${run.mode} | ${run.bias} | ${solved} | ${updates} | ${run.loss.at(-1)!.toExponential(2)} |`;
  });
  const online = r.runs.find((run) => run.mode === 'online' && run.bias === 'bias parameter')!;
  const inputs = ['0 0', '0 1', '1 0', '1 1'];
  return [
    '| learning | bias | epochs to solve | weight updates to solve | final loss |',
    '|---|---|---:|---:|---:|',
    ...rows,
    '',
    `solved: every output within 0.4 of its target; ${r.runs[0]!.loss.length} epochs, lr ${LR}, 2-4-1 sigmoid network`,
    '',
    'online network, after training:',
    ' x1 x2 | x1 xor x2 | output',
    ...inputs.map(
      (x, i) => `  ${x.replace(' ', '  ')}  |     ${[0, 1, 1, 0][i]}     | ${online.outputs[i]!.toFixed(3)}`,
    ),
  ].join('\n');
}
