// Run by malloc-thresholds.test.ts in a fresh `node` process: allocates 4 MiB float32 arrays one
// after another (three alive at a time, the rest left to the collector, as a training loop leaves
// its tensors) and prints the page faults this took per array. With `tensor` as argv[2], one large
// tensor is made first, as any program using backprop makes; with `plain`, backprop is imported
// and never asked for memory.
import { zeros } from '../src/index.js';

if (process.argv[2] === 'tensor') zeros([1 << 16]);
const length = 1 << 20;
const arrays = 300;
const alive: Float32Array[] = [];
const before = process.resourceUsage().minorPageFault;
for (let i = 0; i < arrays; i++) {
  const a = new Float32Array(length);
  a.fill(1);
  alive.push(a);
  if (alive.length > 3) alive.shift();
}
const faults = process.resourceUsage().minorPageFault - before;
console.log(JSON.stringify({ faultsPerArray: faults / arrays, pagesPerArray: (length * 4) / 4096 }));
