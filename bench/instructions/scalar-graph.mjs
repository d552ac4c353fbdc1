// The scalar suite's graph (2-layer MLP 8-13-1, tanh, 4 samples, one 0-d float64 tensor per number),
// run WARM times and then REPS batches of 100 iterations, against the build in the folder given as
// the first argument (a checkout whose packages are built). Used by count.sh, which counts machine
// instructions: unlike wall time on a shared VM, the count repeats to about 0.1%.
//
//   node bench/instructions/scalar-graph.mjs <checkout> [fwd|bwd]
const root = process.argv[2];
const mode = process.argv[3] ?? 'bwd';
const { scalar, manualSeed, randn } = await import(`${root}/packages/core/dist/index.js`);
manualSeed(0);
const NIN = 8;
const HIDDEN = 13;
const SAMPLES = 4;
const num = () => randn([1]).data()[0];
const value = (requiresGrad) => scalar(num(), { dtype: 'float64', requiresGrad });
const neuronOf = (inputs) => ({ w: Array.from({ length: inputs }, () => value(true)), b: value(true) });
const hidden = Array.from({ length: HIDDEN }, () => neuronOf(NIN));
const out = neuronOf(HIDDEN);
const xs = Array.from({ length: SAMPLES }, () => Array.from({ length: NIN }, () => value(false)));
const ys = Array.from({ length: SAMPLES }, () => value(false));
const minusOne = scalar(-1, { dtype: 'float64' });
const neuron = (n, x) => {
  let a = n.b;
  for (let i = 0; i < n.w.length; i++) a = a.add(n.w[i].mul(x[i]));
  return a;
};
function loss() {
  let total = null;
  for (let s = 0; s < SAMPLES; s++) {
    const h = hidden.map((n) => neuron(n, xs[s]).tanh());
    const d = neuron(out, h).add(ys[s].mul(minusOne));
    const sq = d.mul(d);
    total = total === null ? sq : total.add(sq);
  }
  return total;
}
const run = () => {
  const l = loss();
  if (mode === 'bwd') l.backward();
};
for (let i = 0; i < Number(process.env.WARM ?? 500); i++) run();
let best = Number.POSITIVE_INFINITY;
for (let rep = 0; rep < Number(process.env.REPS ?? 40); rep++) {
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) run();
  best = Math.min(best, (performance.now() - t0) / 100);
}
console.log(`${mode}: ${(best * 1000).toFixed(1)} us per pass (fastest of the batches)`);
