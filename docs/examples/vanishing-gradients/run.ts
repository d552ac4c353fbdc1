/**
 * Lesson 004's vanishing gradients: ∂z/∂z_i is a product of one Jacobian per layer above i, so if
 * each factor is below 1 the gradient shrinks geometrically on its way back. A sigmoid's slope is
 * at most 1/4, so in a 10-layer sigmoid network the first layer hears almost nothing; ReLU's slope
 * is 1 where it is active, and with He initialization the norms stay of one size from top to bottom.
 *
 * The per-layer norms are read with `registerHook` on each Linear layer's output z_l, so they are
 * exactly the lesson's ∂L/∂z_l; the weights' own gradients ‖∂L/∂W_l‖ are read from `.grad`.
 */
import { manualSeed, randn, type Tensor } from '@backprop/core';
import { lossCurves, writePlot } from '@backprop/data';
import { init, Linear, MLP, mseLoss } from '@backprop/nn';
import type { ExampleOptions } from '../shared/cli.js';
import { panels } from '../shared/panels.js';

/** The two networks compared. */
export type Kind = 'sigmoid' | 'relu';

/** Per-layer gradient norms of one network, layer 1 (next to the input) first, averaged over trials. */
export interface LayerNorms {
  kind: Kind;
  /** ‖∂L/∂z_l‖ of each Linear layer's output, read by a hook. */
  outputGrad: number[];
  /** ‖∂L/∂W_l‖ of each Linear layer's weight. */
  weightGrad: number[];
  /** outputGrad[0] / outputGrad[last]: how much of the gradient reaches the first layer. */
  ratio: number;
  /** weightGrad[0] / weightGrad[last]. */
  weightRatio: number;
}

export const DEPTH = 10;
const NAMES: Record<Kind, string> = { sigmoid: 'sigmoid, Xavier init', relu: 'ReLU, He init' };
const WIDTH = 64;

// Xavier for sigmoid and He for ReLU: each network gets the init made for its activation, so the
// difference left is the activation's slope, not a badly scaled start.
function build(kind: Kind): MLP {
  const sizes = [WIDTH, ...Array.from({ length: DEPTH - 1 }, () => WIDTH), 1];
  const net = new MLP(sizes, { activation: kind });
  for (const m of net) {
    if (!(m instanceof Linear)) continue;
    if (kind === 'relu') init.kaimingNormal_(m.weight, { nonlinearity: 'relu' });
    else init.xavierNormal_(m.weight);
    init.zeros_(m.bias!);
  }
  return net;
}

/** One forward and backward pass; returns each Linear output's gradient norm and each weight's. */
function measure(kind: Kind, x: Tensor, y: Tensor): { outputGrad: number[]; weightGrad: number[] } {
  const net = build(kind);
  const outputGrad: number[] = [];
  let h = x;
  for (const m of net) {
    h = m.forward(h);
    if (m instanceof Linear) {
      const layer = outputGrad.length;
      outputGrad.push(Number.NaN);
      h.registerHook((g) => {
        outputGrad[layer] = g.norm().item();
      });
    }
  }
  mseLoss(h, y).backward();
  const weightGrad = [...net].filter((m) => m instanceof Linear).map((m) => m.weight.grad!.norm().item());
  return { outputGrad, weightGrad };
}

function mean(rows: number[][]): number[] {
  return rows[0]!.map((_, j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
}

/** Measures both networks over several random inits (seeded) on a batch of Gaussian inputs. */
export function measureBoth(trials: number, seed: number): LayerNorms[] {
  return (['sigmoid', 'relu'] as const).map((kind) => {
    manualSeed(seed);
    const runs = Array.from({ length: trials }, () => measure(kind, randn([128, WIDTH]), randn([128, 1])));
    const outputGrad = mean(runs.map((r) => r.outputGrad));
    const weightGrad = mean(runs.map((r) => r.weightGrad));
    return {
      kind,
      outputGrad,
      weightGrad,
      ratio: outputGrad[0]! / outputGrad.at(-1)!,
      weightRatio: weightGrad[0]! / weightGrad.at(-1)!,
    };
  });
}

function chart(
  results: LayerNorms[],
  pick: (r: LayerNorms) => number[],
  title: string,
  yLabel: string,
): string {
  const layers = Array.from({ length: DEPTH }, (_, i) => i + 1);
  const logs = results.map((r) => pick(r).map(Math.log10));
  // Head room above the curves, so the legend in the top-right corner covers none of them.
  const yRange: [number, number] = [
    Math.floor(Math.min(...logs.flat())),
    Math.ceil(Math.max(...logs.flat())) + 2,
  ];
  return lossCurves(
    results.map((r, i) => ({ name: NAMES[r.kind], values: logs[i]!, x: layers })),
    { title, xLabel: 'layer (1 = next to the input)', yLabel, width: 520, height: 380, yRange },
  );
}

/** Measures, draws the two charts side by side, returns both networks' norms. */
export async function runVanishingGradients(options: ExampleOptions): Promise<LayerNorms[]> {
  const results = measureBoth(options.quick ? 3 : 20, options.seed);
  const svg = panels(
    [
      chart(results, (r) => r.outputGrad, 'gradient reaching each layer', 'log10 ‖∂L/∂z_l‖'),
      chart(results, (r) => r.weightGrad, "gradient of each layer's weights", 'log10 ‖∂L/∂W_l‖'),
    ],
    { title: 'Vanishing gradients: sigmoid against ReLU, 10 layers' },
  );
  await writePlot(`${options.out}/vanishing-gradients`, svg, { png: true });
  return results;
}

/** The per-layer norms as a table, one column per network. */
export function formatTable(results: readonly LayerNorms[]): string {
  const [a, b] = results as [LayerNorms, LayerNorms];
  const e = (v: number) => v.toExponential(2);
  const rows = a.outputGrad.map(
    (_, l) =>
      `| ${l + 1} | ${e(a.outputGrad[l]!)} | ${e(b.outputGrad[l]!)} | ${e(a.weightGrad[l]!)} | ${e(b.weightGrad[l]!)} |`,
  );
  return [
    `| layer | ‖∂L/∂z‖ ${a.kind} | ‖∂L/∂z‖ ${b.kind} | ‖∂L/∂W‖ ${a.kind} | ‖∂L/∂W‖ ${b.kind} |`,
    '|---:|---:|---:|---:|---:|',
    ...rows,
    `| first / last | ${e(a.ratio)} | ${e(b.ratio)} | ${e(a.weightRatio)} | ${e(b.weightRatio)} |`,
  ].join('\n');
}
