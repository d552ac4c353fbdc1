/**
 * XOR with a 2-3-1 sigmoid network and squared error, trained by full-batch gradient descent
 * using nothing but @backprop/core: the smallest problem a single perceptron cannot solve
 * (lesson 001). Prints the loss falling and the four outputs.
 *
 *   npx tsx docs/examples/xor.ts [--epochs 2000] [--lr 2] [--seed 0]
 */
import { manualSeed, noGrad, randn, type Tensor, tensor } from '@backprop/core';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const epochs = option('epochs', 2000);
const lr = option('lr', 2);
manualSeed(option('seed', 0));

const x = tensor([
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
]);
const y = tensor([[0], [1], [1], [0]]);
const params = [randn([2, 3]), randn([3]), randn([3, 1]), randn([1])].map((p) => p.requiresGrad_());
const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];

const forward = (input: Tensor) => input.matmul(w1).add(b1).sigmoid().matmul(w2).add(b2).sigmoid();

for (let epoch = 0; epoch <= epochs; epoch++) {
  const loss = forward(x).sub(y).square().mean();
  loss.backward();
  noGrad(() => {
    for (const p of params) {
      p.copy_(p.sub(p.grad!.mul(lr)));
      p.zeroGrad();
    }
  });
  if (epoch % (epochs / 10) === 0)
    console.log(`epoch ${String(epoch).padStart(5)}  loss ${loss.item().toFixed(6)}`);
}

const out = noGrad(() => forward(x)).data();
console.log('\n x1 x2 | target | output');
for (let i = 0; i < 4; i++) {
  const [a, b] = [x.storage[2 * i], x.storage[2 * i + 1]];
  console.log(`  ${a}  ${b} |   ${y.storage[i]}    | ${out[i]!.toFixed(3)}`);
}
const solved = [0, 1, 2, 3].every((i) => out[i]! > 0.5 === (y.storage[i] === 1));
console.log(
  solved ? '\nXOR solved: every output is on the right side of 0.5.' : '\nNot solved yet: try more epochs.',
);
if (!solved) process.exitCode = 1;
