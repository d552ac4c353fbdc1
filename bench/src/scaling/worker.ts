// One engine at one point of a scaling sweep, in a fresh process:
//   node --import tsx bench/src/scaling/worker.ts <engine> <point> [--quick] [--no-alloc] [--profile <file>]
// Prints one `RESULT {json}` line: steps/s, the first two losses, and (unless --no-alloc) bytes
// allocated per step.
// With --profile (backprop only), V8's CPU profile of the timed steps is written to <file> instead
// of counting allocations.
import { RESULT_PREFIX } from '../compare/engine.js';
import { backpropStep, engine, oneThreadEngine } from '../compare/engines/backprop.js';
import { TorchProcess } from '../compare/engines/python.js';
import { describeTorch, torchTrain } from '../compare/engines/pytorch.js';
import { type TimingPlan, timeCalls } from '../compare/timing.js';
import { allocationPerStep } from './alloc.js';
import {
  PROFILE_PLAN,
  SCALING_ENGINES,
  type ScalingEngine,
  type ScalingResult,
  scalingPlan,
} from './engines.js';
import { parsePoint, problemAt, type ScalingPoint } from './points.js';
import { profiled } from './profiler.js';

async function backprop(
  name: ScalingEngine,
  point: ScalingPoint,
  plan: TimingPlan,
  opts: { alloc: boolean; profile: string | undefined },
): Promise<ScalingResult> {
  const setup = await (name === 'backprop-1t' ? oneThreadEngine : engine).init();
  const step = backpropStep(problemAt(point));
  const losses: [number, number] = [step(), step()];
  const { profile } = opts;
  const timed = profile ? await profiled(profile, () => timeCalls(step, plan)) : await timeCalls(step, plan);
  const alloc = opts.alloc ? await allocationPerStep(step) : undefined;
  return { engine: name, point, setup, stepsPerSec: timed.perSec, calls: timed.calls, losses, alloc };
}

async function pytorch(
  name: ScalingEngine,
  point: ScalingPoint,
  plan: TimingPlan,
  alloc: boolean,
): Promise<ScalingResult> {
  const threads = name === 'pytorch-2t' ? 2 : 1;
  const torch = await TorchProcess.start(threads);
  try {
    const r = await torchTrain(torch, problemAt(point), plan, alloc);
    return {
      engine: name,
      point,
      setup: describeTorch(torch.setup, threads),
      stepsPerSec: r.step.perSec,
      calls: r.step.calls,
      losses: r.losses,
      torchBytes: r.bytesPerStep,
    };
  } finally {
    torch.close();
  }
}

async function main(argv: readonly string[]): Promise<void> {
  const [name, pointText] = argv.filter((a, i) => !a.startsWith('--') && argv[i - 1] !== '--profile');
  if (!SCALING_ENGINES.includes(name as ScalingEngine) || pointText === undefined) {
    throw new Error(
      `usage: scaling/worker.ts <${SCALING_ENGINES.join('|')}> <point> [--quick] [--no-alloc] [--profile file]`,
    );
  }
  const point = parsePoint(pointText);
  const i = argv.indexOf('--profile');
  const profile = i >= 0 ? argv[i + 1] : undefined;
  const plan = profile ? PROFILE_PLAN : scalingPlan(argv.includes('--quick'));
  // A profiled run only profiles: counting allocations would run more steps after it.
  const alloc = !argv.includes('--no-alloc') && profile === undefined;
  const engineName = name as ScalingEngine;
  let result: ScalingResult;
  try {
    result = engineName.startsWith('pytorch')
      ? await pytorch(engineName, point, plan, alloc)
      : await backprop(engineName, point, plan, { alloc, profile });
  } catch (e) {
    console.error(e);
    const error = (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 300);
    result = { engine: engineName, point, setup: '', error };
  }
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
  process.exit(0);
}

main(process.argv.slice(2)).catch((e) => {
  console.error(e);
  process.exit(1);
});
