import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualSeed, tensor } from '@backprop/core';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { AppendOne, withBiasInputs, withBiasParameters } from './networks.js';
import { formatReport, runXor, type XorResult } from './run.js';

describe('xor (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-xor-'));
  let r: XorResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the two ways of handling the bias start as the same function', () => {
    expect(new AppendOne().forward(tensor([[0, 1]])).toArray()).toEqual([[0, 1, 1]]);
    manualSeed(3);
    const net = withBiasParameters();
    const twin = withBiasInputs(net);
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const [a, b] = [net.forward(x).data(), twin.forward(x).data()];
    for (const [i, v] of a.entries()) expect(b[i]).toBeCloseTo(v, 6);
    // 2·4 + 4 hidden weights and biases, 4 + 1 output ones, either way.
    const count = (m: typeof net) => m.parameters().reduce((n, p) => n + p.size, 0);
    expect(count(net)).toBe(17);
    expect(count(twin)).toBe(17);
  });

  it('solves XOR online and in batch, with the bias either way', async () => {
    r = await runXor(parseExampleArgs(['--quick', '--out', out], 'xor')!);
    for (const run of r.runs) {
      expect(run.solvedAt).not.toBeNull();
      const targets = [0, 1, 1, 0];
      for (const [i, v] of run.outputs.entries()) expect(Math.abs(v - targets[i]!)).toBeLessThan(0.1);
    }
  });

  it('trains the bias-as-input network exactly like the bias-parameter one', () => {
    const [onlineInput, onlineParam, batchInput, batchParam] = r.runs;
    for (const [a, b] of [
      [onlineInput!, onlineParam!],
      [batchInput!, batchParam!],
    ] as const) {
      expect(a.solvedAt).toBe(b.solvedAt);
      const gap = Math.max(...a.loss.map((v, i) => Math.abs(v - b.loss[i]!)));
      expect(gap).toBeLessThan(1e-4);
    }
  });

  it('online learning needs fewer epochs, batch learning no more weight updates', () => {
    const online = r.runs[1]!;
    const batch = r.runs[3]!;
    expect(online.solvedAt!).toBeLessThan(batch.solvedAt!);
    expect(online.updates[0]).toBe(4);
    expect(batch.updates[0]).toBe(1);
    // Per update the two are alike: online's four small steps per epoch buy its speed per epoch.
    const onlineUpdates = online.updates[online.solvedAt! - 1]!;
    const batchUpdates = batch.updates[batch.solvedAt! - 1]!;
    expect(onlineUpdates).toBeLessThan(3 * batchUpdates);
  });

  it('prints the four runs and writes valid SVG pictures', () => {
    const report = formatReport(r);
    expect(report.split('\n').filter((l) => /^\| (online|batch) \|/.test(l))).toHaveLength(4);
    for (const name of ['loss.svg', 'regions.svg']) {
      const svg = readFileSync(join(out, name), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
    }
    expect(readFileSync(join(out, 'loss.svg'), 'utf8')).toContain('batch, input fixed to 1');
  });
});
