// Validates exported models with the reference checker of Python's onnx package (Debian's
// python3-onnx), shape inference included. Not part of the tests, which need no Python:
//
//   apt-get install -y python3-onnx
//   npx tsx packages/onnx/scripts/check-with-python.ts
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, randint, randn, type Tensor } from '@backprop/core';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  Embedding,
  Flatten,
  GELU,
  LayerNorm,
  Linear,
  MaxPool2d,
  Module,
  MultiheadAttention,
  ReLU,
  Sequential,
} from '@backprop/nn';
import { exportOnnx } from '../src/index.js';

class Attention extends Module<[Tensor], Tensor> {
  readonly emb = new Embedding(20, 8);
  readonly mha = new MultiheadAttention(8, 2, { batchFirst: true });
  readonly norm = new LayerNorm(8);
  forward(ids: Tensor): Tensor {
    const h = this.emb.forward(ids);
    return this.norm.forward(h.add(this.mha.forward(h, h, h)[0]));
  }
}

manualSeed(0);
const batch = { input: { 0: 'batch' }, output: { 0: 'batch' } };
const models: [string, Module<[Tensor], Tensor>, Tensor][] = [
  [
    'mlp',
    new Sequential(new Linear(4, 8), new ReLU(), new LayerNorm(8), new GELU(), new Linear(8, 2)),
    randn([3, 4]),
  ],
  [
    'cnn',
    new Sequential(
      new Conv2d(1, 4, 3),
      new BatchNorm2d(4),
      new ReLU(),
      new MaxPool2d(2),
      new AdaptiveAvgPool2d(1),
      new Flatten(),
      new Linear(4, 3),
    ).eval(),
    randn([2, 1, 10, 10]),
  ],
  ['attention', new Attention(), randint(0, 20, [2, 5])],
];
const dir = mkdtempSync(join(tmpdir(), 'backprop-onnx-'));
for (const [name, model, x] of models) {
  const file = join(dir, `${name}.onnx`);
  writeFileSync(file, exportOnnx(model, [x], { dynamicAxes: batch }));
  const check = `import onnx; m = onnx.load(${JSON.stringify(file)}); onnx.checker.check_model(m, full_check=True); print('${name}: ok,', len(m.graph.node), 'nodes:', sorted({n.op_type for n in m.graph.node}))`;
  execFileSync('/usr/bin/python3', ['-c', check], { stdio: 'inherit' });
}
