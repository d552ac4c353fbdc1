/**
 * Lesson 002's one-iteration walk-through: a 2-3-1 network with linear activations and no biases,
 * n1 = 3, n2 = −2, target y = 9, E = ½(n6 − y)², one gradient-descent step with α = 0.1. Every node
 * and weight is a scalar tensor, so autograd's gradients can be read off one by one and compared
 * with the chain rule the lesson works by hand.
 */
import { graphToSvg, type Tensor, tensor } from '@backprop/core';
import { writePlot } from '@backprop/data';
import { SGD } from '@backprop/optim';
import type { ExampleOptions } from '../shared/cli.js';

/** The nine weights, named as the lesson names them: Wij joins node i to node j. */
export const WEIGHT_NAMES = ['W13', 'W23', 'W14', 'W24', 'W15', 'W25', 'W36', 'W46', 'W56'] as const;
export type WeightName = (typeof WEIGHT_NAMES)[number];

/** The lesson's starting weights, inputs, target and learning rate. */
export const LESSON = {
  weights: { W13: 1, W23: 3, W14: 4, W24: 2, W15: 3, W25: -2, W36: -1, W46: -3, W56: 2 },
  n1: 3,
  n2: -2,
  y: 9,
  alpha: 0.1,
} as const satisfies { weights: Record<WeightName, number>; [k: string]: unknown };

/** What one iteration produced. */
export interface TjResult {
  /** The forward pass: n1..n6. */
  nodes: Record<'n1' | 'n2' | 'n3' | 'n4' | 'n5' | 'n6', number>;
  /** E before the update. */
  error: number;
  /** dE/dW from autograd. */
  gradients: Record<WeightName, number>;
  /** dE/dW from the lesson's hand-written chain rule, to compare. */
  handGradients: Record<WeightName, number>;
  /** W − α·dE/dW, as SGD applied it. */
  updated: Record<WeightName, number>;
  /** E after the update, on the same input. */
  errorAfter: number;
  /** E after a step of α = 0.001 instead, for comparison: a smaller step that does lower E. */
  errorAfterSmallStep: number;
  /** The pictures written. */
  files: string[];
}

type Weights = Record<WeightName, Tensor>;

// n3..n5 are the hidden nodes, n6 the output; float64 so the printed numbers are exact decimals.
function forward(w: Weights, n1: Tensor, n2: Tensor) {
  const n3 = w.W13.mul(n1).add(w.W23.mul(n2));
  const n4 = w.W14.mul(n1).add(w.W24.mul(n2));
  const n5 = w.W15.mul(n1).add(w.W25.mul(n2));
  const n6 = w.W36.mul(n3).add(w.W46.mul(n4)).add(w.W56.mul(n5));
  return { n3, n4, n5, n6 };
}

/**
 * The chain rule as the lesson writes it: dE/dWj6 = (n6 − y)·nj for the output weights and
 * dE/dWij = (n6 − y)·Wj6·ni for the hidden ones (linear activations have slope 1).
 */
export function chainRule(
  weights: Record<WeightName, number>,
  nodes: TjResult['nodes'],
  y: number,
): Record<WeightName, number> {
  const d6 = nodes.n6 - y;
  const out = {} as Record<WeightName, number>;
  for (const name of WEIGHT_NAMES) {
    const [i, j] = [Number(name[1]), Number(name[2])];
    const input = nodes[`n${i}` as keyof TjResult['nodes']];
    out[name] = j === 6 ? d6 * input : d6 * weights[`W${j}6` as WeightName] * input;
  }
  return out;
}

const scalar = (v: number, requiresGrad = false) => tensor(v, { dtype: 'float64', requiresGrad });
const record = <T>(f: (name: WeightName) => T) =>
  Object.fromEntries(WEIGHT_NAMES.map((n) => [n, f(n)])) as Record<WeightName, T>;

/** Runs the lesson's one iteration and draws its computation graph (with the gradients) to graph.svg. */
export async function runTjNetwork(options: ExampleOptions): Promise<TjResult> {
  const w = record((n) => scalar(LESSON.weights[n], true));
  const [n1, n2, y] = [scalar(LESSON.n1), scalar(LESSON.n2), scalar(LESSON.y)];
  const hidden = forward(w, n1, n2);
  const miss = hidden.n6.sub(y);
  const error = miss.square().mul(0.5);
  // Intermediate nodes drop their gradient after backward unless asked to keep it for the picture.
  for (const t of [hidden.n3, hidden.n4, hidden.n5, hidden.n6, miss, error]) t.retainGrad();
  error.backward();

  const nodes = { n1: LESSON.n1, n2: LESSON.n2, ...mapValues(hidden) };
  const names = new Map<Tensor, string>([
    [n1, 'n1'],
    [n2, 'n2'],
    [y, 'y'],
    [miss, 'n6 − y'],
    [error, 'E'],
    ...Object.entries(hidden).map(([k, t]) => [t, k] as [Tensor, string]),
    ...WEIGHT_NAMES.map((n) => [w[n], n] as [Tensor, string]),
  ]);
  // Drawn before the step, so the picture shows the weights the gradients belong to.
  const svg = graphToSvg(error, { names, title: 'Lesson 002: one iteration, E = ½(n6 − y)²' });
  const files = await writePlot(`${options.out}/graph`, svg, { png: true });

  const gradients = record((n) => w[n].grad!.item());
  new SGD(
    WEIGHT_NAMES.map((n) => w[n]),
    { lr: LESSON.alpha },
  ).step();
  const updated = record((n) => w[n].item());
  return {
    nodes,
    error: error.item(),
    gradients,
    handGradients: chainRule(LESSON.weights, nodes, LESSON.y),
    updated,
    errorAfter: errorAt(updated),
    errorAfterSmallStep: errorAt(record((n) => LESSON.weights[n] - 0.001 * gradients[n])),
    files,
  };
}

/** E of the lesson's input and target under other weights. */
export function errorAt(weights: Record<WeightName, number>): number {
  const w = record((n) => scalar(weights[n]));
  const { n6 } = forward(w, scalar(LESSON.n1), scalar(LESSON.n2));
  return n6.sub(LESSON.y).square().mul(0.5).item();
}

function mapValues(hidden: Record<'n3' | 'n4' | 'n5' | 'n6', Tensor>) {
  return {
    n3: hidden.n3.item(),
    n4: hidden.n4.item(),
    n5: hidden.n5.item(),
    n6: hidden.n6.item(),
  };
}

// Rounds away float64 noise such as 0.20000000000000007 for printing.
const show = (v: number) => String(Number(v.toPrecision(12)));

/** The printed account: nodes, then one row per weight with its gradient and update. */
export function formatReport(r: TjResult): string {
  const lines = [
    'forward pass (linear activations, no biases):',
    ...Object.entries(r.nodes).map(([k, v]) => `  ${k} = ${show(v)}`),
    `  E = ½(n6 − y)² = ½(${show(r.nodes.n6)} − ${LESSON.y})² = ${show(r.error)}`,
    '',
    `backward pass and update W ← W − α·dE/dW (α = ${LESSON.alpha}):`,
    '| weight | before | dE/dW (autograd) | dE/dW (chain rule by hand) | after |',
    '|---|---:|---:|---:|---:|',
    ...WEIGHT_NAMES.map(
      (n) =>
        `| ${n} | ${LESSON.weights[n]} | ${show(r.gradients[n])} | ${show(r.handGradients[n])} | ${show(r.updated[n])} |`,
    ),
    '',
    `E after the update: ${show(r.errorAfter)} (was ${show(r.error)}): with all nine weights moving at`,
    `once, α = ${LESSON.alpha} overshoots; a step of α = 0.001 gives E = ${show(r.errorAfterSmallStep)}.`,
  ];
  return lines.join('\n');
}
