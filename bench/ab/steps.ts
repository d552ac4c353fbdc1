// Two builds' training steps in one process, timed batch by batch in alternating order: on a VM
// whose speed drifts from minute to minute, runs of the old and the new build minutes apart differ
// by more than the change being measured, while batches a few milliseconds apart share the drift.
//
//   node --import tsx bench/ab/steps.ts <old checkout> <new checkout> [mlp|cnn|nn300|scalar|scalar-fwd] [rounds] [steps]
// (TSX_TSCONFIG_PATH=bench/tsconfig.dist.json, so that each checkout's packages resolve to its own
// built dist.) Prints each build's median time per step and the median ratio of speeds, new / old.
//
// The build loaded second into a process measured 4-7% faster than the first, whichever it was (the
// same two builds, swapped: 1.04 both ways for the cnn step, 1.06 and 1.08 for the scalar graph).
// So the comparison runs twice, each time in a process of its own, once in each load order, and
// the verdict is the geometric mean of the two ratios, in which that bias cancels.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkoutTrainStep } from '../src/checkout-step.js';

const [before = '.', after = '.', workload = 'mlp', rounds = '20', steps = '10'] = process.argv.slice(2);

const median = (v: number[]): number => [...v].sort((p, q) => p - q)[v.length >> 1]!;

// One process: `first` loaded first. Prints the old and new medians and the median ratio new/old.
async function measure(first: 'old' | 'new'): Promise<void> {
  const timed = (step: () => void): number => {
    const t0 = performance.now();
    for (let i = 0; i < Number(steps); i++) step();
    return (performance.now() - t0) / Number(steps);
  };
  const [a, b] = first === 'old' ? [before, after] : [after, before];
  const stepA = await checkoutTrainStep(a, workload);
  const stepB = await checkoutTrainStep(b, workload);
  const [old, neu] = first === 'old' ? [stepA, stepB] : [stepB, stepA];
  for (let i = 0; i < 30; i++) {
    old();
    neu();
  }
  const [tOld, tNew, ratios]: number[][] = [[], [], []];
  for (let r = 0; r < Number(rounds); r++) {
    // Alternate which build goes first, so neither always inherits the other's garbage.
    const [x, y] = r % 2 === 0 ? [timed(old), timed(neu)] : [timed(neu), timed(old)].reverse();
    tOld.push(x!);
    tNew.push(y!);
    ratios.push(x! / y!);
  }
  console.log(JSON.stringify({ old: median(tOld), new: median(tNew), ratio: median(ratios) }));
}

const child = process.env.AB_LOAD_FIRST;
if (child === 'old' || child === 'new') {
  await measure(child);
} else {
  const runs = (['old', 'new'] as const).map((first) => {
    const run = spawnSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
      { env: { ...process.env, AB_LOAD_FIRST: first }, encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`ab/steps: the run loading ${first} first failed:\n${run.stderr}`);
    const r = JSON.parse(run.stdout.trim().split('\n').pop()!) as { old: number; new: number; ratio: number };
    console.log(
      `${workload}, ${first} build loaded first: old ${r.old.toFixed(3)} ms/step, new ${r.new.toFixed(3)} ms/step, median speed ratio new/old ${r.ratio.toFixed(3)}`,
    );
    return r.ratio;
  });
  console.log(
    `${workload}: speed ratio new/old ${Math.sqrt(runs[0]! * runs[1]!).toFixed(3)} (geometric mean of both load orders)`,
  );
}
