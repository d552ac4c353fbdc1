/**
 * Lesson 003's example network: three fully connected layers of two sigmoid neurons each, with the
 * lesson's weights and biases, built from `Linear` and `Sigmoid` modules. It computes
 * f([1, −1]) = [0.62, 0.83] and f([0, 0]) = [0.51, 0.85], layer by layer as the lesson's matrix
 * slide writes it: σ(W·x + b).
 */
import { graphToSvg, noGrad, type Tensor, tensor } from '@backprop/core';
import { writePlot } from '@backprop/data';
import { Linear, type Module, Sequential, Sigmoid } from '@backprop/nn';
import type { ExampleOptions } from '../shared/cli.js';

/** The lesson's parameters, layer by layer: W as written on the slides ([out, in], as `Linear`). */
export const LAYERS = [
  {
    weight: [
      [1, -2],
      [-1, 1],
    ],
    bias: [1, 0],
  },
  {
    weight: [
      [2, -1],
      [-2, -1],
    ],
    bias: [0, 0],
  },
  {
    weight: [
      [3, -1],
      [-1, 4],
    ],
    bias: [-2, 2],
  },
];

/** The two inputs the lesson evaluates. */
export const INPUTS = [
  [1, -1],
  [0, 0],
];

/** One input's trip through the network. */
export interface Trace {
  input: number[];
  /** Pre-activations W·a + b of each layer. */
  z: number[][];
  /** Activations σ(z) of each layer; the last is the output. */
  a: number[][];
}

/** What the run produced. */
export interface SigmoidNetworkResult {
  traces: Trace[];
  /** The parameter count: 3 × (4 weights + 2 biases). */
  parameters: number;
  files: string[];
}

/** The network as modules, its parameters loaded from the lesson through a state dict. */
export function buildNetwork(): Sequential {
  const net = new Sequential(
    new Linear(2, 2),
    new Sigmoid(),
    new Linear(2, 2),
    new Sigmoid(),
    new Linear(2, 2),
    new Sigmoid(),
  );
  // Linear layers sit at 0, 2 and 4; the state dict names follow PyTorch's (0.weight, 0.bias, ...).
  const state = Object.fromEntries(
    LAYERS.flatMap((l, i) => [
      [`${2 * i}.weight`, tensor(l.weight)],
      [`${2 * i}.bias`, tensor(l.bias)],
    ]),
  );
  net.loadStateDict(state);
  return net;
}

// Runs the modules one at a time to keep each layer's z and a, which Sequential's forward hides.
function layerOutputs(net: Sequential, x: Tensor): Tensor[] {
  const outs: Tensor[] = [];
  let h = x;
  for (const m of net as Iterable<Module>) {
    h = m.forward(h);
    outs.push(h);
  }
  return outs;
}

function trace(net: Sequential, input: number[]): Trace {
  const outs = noGrad(() => layerOutputs(net, tensor([input])));
  const row = (t: Tensor) => Array.from(t.data());
  return {
    input,
    z: outs.filter((_, i) => i % 2 === 0).map(row),
    a: outs.filter((_, i) => i % 2 === 1).map(row),
  };
}

/**
 * Draws the graph of f([1, −1]) after a backward pass of the outputs' sum, so that each parameter
 * shows its value and its gradient, and each layer's z and a are named.
 */
function drawGraph(net: Sequential): string {
  const x = tensor([INPUTS[0]!]);
  const outs = layerOutputs(net, x);
  const names = new Map<Tensor, string>([[x, 'x']]);
  outs.forEach((t, i) => {
    names.set(t, `${i % 2 === 0 ? 'z' : 'a'}${Math.floor(i / 2) + 1}`);
    t.retainGrad();
  });
  const layerName = (key: string) =>
    `${key.endsWith('weight') ? 'W' : 'b'}${Number(key.split('.')[0]) / 2 + 1}`;
  for (const [key, p] of net.namedParameters()) names.set(p, layerName(key));
  const total = outs.at(-1)!.sum();
  names.set(total, 'a3₁ + a3₂');
  net.zeroGrad();
  total.backward();
  return graphToSvg(total, { names, title: 'Lesson 003: f([1, −1]) through three sigmoid layers' });
}

/** Evaluates the lesson's two inputs and writes the computation graph to graph.svg (and .png). */
export async function runSigmoidNetwork(options: ExampleOptions): Promise<SigmoidNetworkResult> {
  const net = buildNetwork();
  const traces = INPUTS.map((input) => trace(net, input));
  const svg = drawGraph(net);
  const files = await writePlot(`${options.out}/graph`, svg, { png: true });
  const parameters = net.parameters().reduce((n, p) => n + p.size, 0);
  return { traces, parameters, files };
}

const vec = (v: readonly number[], digits = 2) => `[${v.map((x) => x.toFixed(digits)).join(', ')}]`;

/** The printed account: each input's z and σ(z) per layer, then the outputs next to the lesson's. */
export function formatReport(r: SigmoidNetworkResult): string {
  const lines = [`three layers of σ(W·a + b), ${r.parameters} parameters (3 × (4 weights + 2 biases))`];
  for (const t of r.traces) {
    lines.push('', `x = ${vec(t.input, 0)}`);
    lines.push(...t.z.map((z, i) => `  layer ${i + 1}: z = ${vec(z)}  σ(z) = ${vec(t.a[i]!)}`));
    lines.push(`  f(x) = ${vec(t.a.at(-1)!)}`);
  }
  lines.push('', 'lesson 003: f([1, −1]) = [0.62, 0.83], f([0, 0]) = [0.51, 0.85]');
  return lines.join('\n');
}
