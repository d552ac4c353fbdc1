// Two builds compared in fresh processes, one build per process, alternating which goes first from
// round to round. For changes that act on the whole process (the allocator's thresholds, V8 flags,
// the threads' pool), which bench/ab/steps.ts cannot compare: it loads both builds into one process.
// The price is the drift between processes seconds apart, so the verdict is the geometric mean of
// each round's ratio (the two processes of a round run back to back), with its spread.
//
//   node --import tsx bench/ab/processes.ts <old checkout> <new checkout> <workload> [rounds] [seconds]
// workload: mlp, cnn, nn300, scalar, scalar-fwd, matmul-fwd, matmul-fb (bench/src/checkout-step.ts);
// TSX_TSCONFIG_PATH=bench/tsconfig.dist.json, so that each checkout's packages resolve to its own
// built dist. Each process warms up for a quarter of `seconds` (at least 5 steps), then times steps
// for `seconds`, and reports its median ms per step and its page faults per step.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { checkoutTrainStep } from '../src/checkout-step.js';
import { median } from '../src/compare/stats.js';

/** What one process measured. */
interface Timing {
  readonly ms: number;
  readonly faults: number;
}

// In a child: times `workload` of `root` and prints one JSON line.
async function child(root: string, workload: string, seconds: number): Promise<void> {
  const step = await checkoutTrainStep(root, workload);
  const warm = performance.now();
  for (let i = 0; i < 5 || performance.now() - warm < (seconds * 1000) / 4; i++) step();
  const times: number[] = [];
  const faults0 = process.resourceUsage().minorPageFault;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || times.length < 3) {
    const t = performance.now();
    step();
    times.push(performance.now() - t);
  }
  const faults = (process.resourceUsage().minorPageFault - faults0) / times.length;
  console.log(JSON.stringify({ ms: median(times), faults } satisfies Timing));
}

function runChild(root: string, workload: string, seconds: number): Timing {
  const script = fileURLToPath(import.meta.url);
  const args = [
    '--no-allocation-site-pretenuring',
    '--import',
    'tsx',
    script,
    '--child',
    root,
    workload,
    `${seconds}`,
  ];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: (seconds * 4 + 60) * 1000 });
  const line = r.stdout?.trim().split('\n').at(-1);
  if (r.status !== 0 || !line) throw new Error(`ab/processes: ${root} ${workload} failed: ${r.stderr}`);
  return JSON.parse(line) as Timing;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--child') return child(argv[1]!, argv[2]!, Number(argv[3]));
  const [before = '.', after = '.', workload = 'cnn', rounds = '8', seconds = '2.5'] = argv;
  const old: Timing[] = [];
  const neu: Timing[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < Number(rounds); r++) {
    const order = r % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const);
    const got: Partial<Record<'old' | 'new', Timing>> = {};
    for (const which of order)
      got[which] = runChild(which === 'old' ? before : after, workload, Number(seconds));
    old.push(got.old!);
    neu.push(got.new!);
    ratios.push(got.old!.ms / got.new!.ms);
    console.log(`round ${r + 1}: old ${got.old!.ms.toFixed(3)} ms, new ${got.new!.ms.toFixed(3)} ms`);
  }
  const geo = Math.exp(ratios.reduce((sum, x) => sum + Math.log(x), 0) / ratios.length);
  const summary = (t: Timing[]) =>
    `${median(t.map((x) => x.ms)).toFixed(3)} ms a step, ${median(t.map((x) => x.faults)).toFixed(0)} page faults`;
  console.log(`old (${before}): ${summary(old)}`);
  console.log(`new (${after}): ${summary(neu)}`);
  const spread = `${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}`;
  console.log(`new is ${geo.toFixed(3)}x as fast (geometric mean of ${ratios.length} rounds; ${spread})`);
}

await main();
