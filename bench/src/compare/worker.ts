// One round of one engine on one workload, in a fresh process:
//   node --import tsx bench/src/compare/worker.ts <engine> <workload> [--quick]
// Prints progress to stderr and exactly one `RESULT {json}` line to stdout, also when the workload
// fails (then with `error`), so the parent can tell "this engine cannot do this" from a crash.
import { ENGINES, type EngineName, loadEngine, RESULT_PREFIX, type WorkerOutput } from './engine.js';
import { WORKLOADS, type Workload } from './spec.js';
import { FULL_PLAN, QUICK_PLAN } from './timing.js';

function parseArgs(argv: readonly string[]): { engine: EngineName; workload: Workload; quick: boolean } {
  const [engine, workload] = argv.filter((a) => !a.startsWith('--'));
  if (!ENGINES.includes(engine as EngineName) || !WORKLOADS.includes(workload as Workload)) {
    throw new Error(`usage: worker.ts <${ENGINES.join('|')}> <${WORKLOADS.join('|')}> [--quick]`);
  }
  return { engine: engine as EngineName, workload: workload as Workload, quick: argv.includes('--quick') };
}

function firstLine(e: unknown): string {
  const text = e instanceof Error ? (e.name === 'Error' ? e.message : `${e.name}: ${e.message}`) : String(e);
  return text.split('\n')[0]!.slice(0, 300);
}

async function main(): Promise<void> {
  const { engine: name, workload, quick } = parseArgs(process.argv.slice(2));
  const engine = await loadEngine(name);
  const setup = await engine.init();
  const runner = engine.workloads[workload];
  let output: WorkerOutput;
  if (!runner) {
    output = { engine: name, workload, setup, error: `${name} has no ${workload} workload` };
  } else {
    try {
      output = { engine: name, workload, setup, result: await runner(quick ? QUICK_PLAN : FULL_PLAN) };
    } catch (e) {
      console.error(e);
      output = { engine: name, workload, setup, error: firstLine(e) };
    }
  }
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(output)}\n`);
  // Some engines keep worker threads or handles alive; the measurement is done.
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
