/**
 * Draws the computation graph of lesson 003's three-layer sigmoid network, f([1, −1]) = [0.62, 0.83],
 * after one backward pass of the sum of its outputs: every vertex shows its value and gradient.
 * Writes out/sigmoid-network-graph.svg; needs no Graphviz.
 *
 *   npx tsx docs/examples/graph-picture.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { graphToSvg, type Tensor, tensor } from '@backprop/core';
import { XMLValidator } from 'fast-xml-parser';

const param = (values: number[][]) => tensor(values, { requiresGrad: true });
// Column vectors, as the lecture writes σ(W·x + b), so that W·x is a plain matrix product.
const column = (values: number[]) => values.map((v) => [v]);
const layers = [
  {
    w: param([
      [1, -2],
      [-1, 1],
    ]),
    b: param(column([1, 0])),
  },
  {
    w: param([
      [2, -1],
      [-2, -1],
    ]),
    b: param(column([0, 0])),
  },
  {
    w: param([
      [3, -1],
      [-1, 4],
    ]),
    b: param(column([-2, 2])),
  },
];
const x = tensor(column([1, -1]));
const names = new Map<Tensor, string>([[x, 'x']]);

let a = x;
layers.forEach(({ w, b }, i) => {
  const z = w.matmul(a).add(b);
  a = z.sigmoid();
  // Name each layer's tensors; intermediates keep their gradient only when asked to.
  for (const [t, name] of [
    [w, `W${i + 1}`],
    [b, `b${i + 1}`],
    [z, `z${i + 1}`],
    [a, `a${i + 1}`],
  ] as const) {
    names.set(t, name);
    if (!t.isLeaf) t.retainGrad();
  }
});
const y = a;
const total = y.sum();
names.set(total, 'L');
total.backward();

const outputs = Array.from(y.data(), (v) => Number(v.toFixed(2)));
console.log(`f([1, -1]) = [${outputs.join(', ')}]`);
const svg = graphToSvg(total, { names, title: 'Sigmoid network of lesson 003' });
mkdirSync('out', { recursive: true });
writeFileSync('out/sigmoid-network-graph.svg', svg);
console.log(`wrote out/sigmoid-network-graph.svg (${svg.length} characters)`);
// The lesson's outputs, and a picture any SVG reader accepts.
if (outputs[0] !== 0.62 || outputs[1] !== 0.83 || XMLValidator.validate(svg) !== true) process.exitCode = 1;
