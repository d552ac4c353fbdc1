// PyTorch as a peer: Debian's torch (eager, OpenBLAS) in a /usr/bin/python3 process that this
// engine process starts (pytorch_engine.py). The shared weights and batches go to it as raw arrays
// in a temporary folder; it times with the same plan and returns the same checks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build, countNodes } from '../../suites/scalar.js';
import type { Engine } from '../engine.js';
import {
  CNN,
  type CnnProblem,
  cnnProblem,
  MATMUL_N,
  MLP,
  type MlpProblem,
  matmulProblem,
  mlpProblem,
  scalarDraws,
} from '../spec.js';
import {
  lossCheck,
  matmulCheck,
  measure,
  type TimingPlan,
  valueCheck,
  type WorkloadResult,
} from '../timing.js';
import { TorchProcess, type TorchSetup } from './python.js';

/** Calls per second and timed calls, as timing.ts's timeCalls returns them. */
interface Timed {
  readonly perSec: number;
  readonly calls: number;
}

/** What pytorch_engine.py answers to a job. */
interface Answer {
  readonly check: number[];
  readonly timings: Record<string, Timed>;
  readonly bytesPerStep?: number;
}

type Arrays = Record<string, Float32Array | Int32Array>;

// Writes the arrays as raw files into a fresh temporary folder for the length of `job`.
async function withArrays<T>(arrays: Arrays, job: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'backprop-torch-'));
  try {
    for (const [name, a] of Object.entries(arrays)) {
      writeFileSync(path.join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
    return await job(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function arraysOf(p: MlpProblem | CnnProblem): Arrays {
  if ('layers' in p) {
    const layers = p.layers.flatMap((l, i) => [
      [`layer${i}.w`, l.w],
      [`layer${i}.b`, l.b],
    ]);
    return { ...Object.fromEntries(layers), x: p.x, y: p.y };
  }
  const { conv1, conv2, fc } = p;
  return {
    'conv1.w': conv1.w,
    'conv1.b': conv1.b,
    'conv2.w': conv2.w,
    'conv2.b': conv2.b,
    'fc.w': fc.w,
    'fc.b': fc.b,
    x: p.x,
    y: p.y,
  };
}

/** One training run in PyTorch: the first two losses, the timed steps, and optionally bytes per step. */
export interface TorchTrainResult {
  readonly losses: [number, number];
  readonly step: Timed;
  /** torch.profiler's CPU memory, a lower bound (see pytorch_engine.py); only when asked for. */
  readonly bytesPerStep?: number;
}

/**
 * Trains the MLP or CNN problem in PyTorch with plain SGD: two checked steps, then timed ones.
 *
 * @example
 * ```ts
 * const r = await torchTrain(await TorchProcess.start(1), mlpProblem(), FULL_PLAN);
 * r.step.perSec; // steps/s
 * ```
 */
export async function torchTrain(
  torch: TorchProcess,
  p: MlpProblem | CnnProblem,
  plan: TimingPlan,
  alloc = false,
): Promise<TorchTrainResult> {
  const shape =
    'layers' in p
      ? { workload: 'mlp', sizes: p.sizes, lr: MLP.lr }
      : { workload: 'cnn', c1: CNN.c1, c2: CNN.c2, side: CNN.side, classes: CNN.classes, lr: CNN.lr };
  const out = await withArrays(arraysOf(p), (dir) =>
    torch.request<Answer>({ ...shape, batch: p.batch, dir, plan, alloc }),
  );
  const [first, second] = out.check;
  return { losses: [first!, second!], step: out.timings.step!, bytesPerStep: out.bytesPerStep };
}

/**
 * The setup line of PyTorch on `threads` threads: version, threads as torch reports them, OpenBLAS's
 * core type and build, and the speed-deciding lines of torch.__config__.show().
 *
 * @example
 * ```ts
 * describeTorch((await TorchProcess.start(1)).setup, 1); // 'PyTorch 1.13.0a0, eager, ...'
 * ```
 */
export function describeTorch(s: TorchSetup, threads: number): string {
  const blas = s.openblas
    ? `OpenBLAS core ${s.openblas.core} (OPENBLAS_CORETYPE=${s.env.OPENBLAS_CORETYPE ?? 'unset'}; ${s.openblas.config})`
    : `not OpenBLAS (OPENBLAS_CORETYPE=${s.env.OPENBLAS_CORETYPE ?? 'unset'})`;
  return [
    `PyTorch ${s.torch}, eager, float32 (scalar graph: float64 0-d tensors)`,
    `${threads} thread(s): torch.get_num_threads() = ${s.threads}, OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = ${threads}`,
    blas,
    `torch.__config__.show(): ${s.config.join(', ')}`,
  ].join('; ');
}

/**
 * PyTorch on `threads` threads, the four side-by-side workloads.
 *
 * @example
 * ```ts
 * const engine = torchEngine(1);
 * await engine.init(); // 'PyTorch 1.13.0a0, eager, ...'
 * ```
 */
export function torchEngine(threads: number): Engine {
  let started: TorchProcess | undefined;
  const torch = (): TorchProcess => {
    if (!started) throw new Error('pytorch engine: init() was not called');
    return started;
  };
  const train = async (
    name: string,
    p: MlpProblem | CnnProblem,
    plan: TimingPlan,
  ): Promise<WorkloadResult> => {
    const r = await torchTrain(torch(), p, plan);
    return { measurements: [measure(`${name} step`, 'steps/s', r.step)], check: lossCheck(...r.losses) };
  };
  return {
    init: async () => {
      started = await TorchProcess.start(threads);
      return describeTorch(started.setup, threads);
    },
    workloads: {
      mlp: (plan) => train('mlp', mlpProblem(), plan),
      cnn: (plan) => train('cnn', cnnProblem(), plan),
      matmul: async (plan) => {
        const n = MATMUL_N;
        const p = matmulProblem(n);
        const out = await withArrays({ a: p.a, b: p.b, g: p.g }, (dir) =>
          torch().request<Answer>({ workload: 'matmul', n, dir, plan }),
        );
        const [y, da, db] = out.check;
        return {
          measurements: [
            measure(`matmul ${n} fwd`, 'GFLOP/s', out.timings.fwd!, 2 * n ** 3, 1e9),
            measure(`matmul ${n} f+b`, 'GFLOP/s', out.timings.fb!, 6 * n ** 3, 1e9),
          ],
          check: matmulCheck(y!, da!, db!),
        };
      },
      scalar: async (plan) => {
        const nodes = countNodes();
        const { p, xs, ys } = build((v) => v, scalarDraws());
        const leaves = { hidden: p.hidden, out: p.out, xs, ys };
        const out = await torch().request<Answer>({ workload: 'scalar', leaves, plan });
        return {
          measurements: [
            measure('scalar fwd', 'M nodes/s', out.timings.fwd!, nodes, 1e6),
            measure('scalar f+b', 'M nodes/s', out.timings.fb!, nodes, 1e6),
          ],
          check: valueCheck(out.check[0]!),
        };
      },
    },
  };
}
