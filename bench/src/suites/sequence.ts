// Forward and backward of a Transformer encoder block (batch 32, sequence 64, width 128, 4 heads,
// causal) and of an LSTM (batch 32, sequence 64, width 128), beside Debian's PyTorch on the same
// machine (1 and 2 threads) when /usr/bin/python3 can import torch.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { manualSeed, randn } from '@backprop/core';
import { LSTM, TransformerEncoderLayer } from '@backprop/nn';
import { type BenchSuite, fmt, runCases } from '../harness.js';

const BATCH = 32;
const SEQ = 64;
const WIDTH = 128;
const HEADS = 4;
const FEEDFORWARD = 512;
const HIDDEN = 128;
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = fileURLToPath(new URL('./sequence_torch.py', import.meta.url));

interface TorchTimes {
  torch: string;
  threads: number;
  [key: string]: number | string;
}

// PyTorch's medians, or why there are none.
function torchTimes(): TorchTimes | string {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const args = [TORCH_SCRIPT, BATCH, SEQ, WIDTH, HEADS, FEEDFORWARD, HIDDEN].map(String);
  const run = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 600_000 });
  if (run.status !== 0)
    return `PyTorch not run: ${(run.stderr || run.error?.message || '').trim().split('\n').at(-1)}`;
  return JSON.parse(run.stdout) as TorchTimes;
}

/**
 * The sequence-model suite (`pnpm bench sequence`).
 *
 * @example
 * ```ts
 * const { cases, notes } = sequenceSuite.run();
 * ```
 */
export const sequenceSuite: BenchSuite = {
  name: 'sequence',
  description: `TransformerEncoderLayer(${WIDTH}, ${HEADS} heads, ff ${FEEDFORWARD}, causal) and LSTM(${WIDTH}, ${HIDDEN}), batch ${BATCH} x sequence ${SEQ}, forward+backward`,
  run() {
    manualSeed(0);
    const block = new TransformerEncoderLayer(WIDTH, HEADS, {
      dimFeedforward: FEEDFORWARD,
      dropout: 0,
      batchFirst: true,
    });
    const x = randn([BATCH, SEQ, WIDTH]).requiresGrad_();
    const lstm = new LSTM(WIDTH, HIDDEN);
    const s = randn([SEQ, BATCH, WIDTH]).requiresGrad_();
    const step = { perCall: 1, scale: 1, unit: 'steps/s' };
    const slow = { maxTime: 5, minSamples: 5 };
    const rows = runCases('sequence', [
      {
        name: 'transformer block fwd+bwd',
        fn: () => {
          block.zeroGrad();
          block.forward(x, { isCausal: true }).sum().backward();
        },
        work: step,
        options: slow,
      },
      {
        name: 'lstm fwd+bwd',
        fn: () => {
          lstm.zeroGrad();
          lstm.forward(s)[0].sum().backward();
        },
        work: step,
        options: slow,
      },
    ]);
    const torch = torchTimes();
    if (typeof torch === 'string') return { cases: rows, notes: [torch] };
    const notes = [`PyTorch ${torch.torch} at 1 and ${torch.threads} threads`];
    for (const [row, key] of [
      [rows[0], 'transformer'],
      [rows[1], 'lstm'],
    ] as const) {
      if (!row) continue;
      for (const threads of [1, torch.threads]) {
        const ms = torch[`${key}_${threads}t`];
        if (typeof ms !== 'number') continue;
        notes.push(
          `${key}: PyTorch ${threads} thread${threads === 1 ? '' : 's'} ${fmt(ms)} ms vs backprop ${fmt(row.meanMs)} ms (backprop at ${fmt(ms / row.meanMs)}x PyTorch's speed)`,
        );
      }
    }
    return { cases: rows, notes };
  },
};
