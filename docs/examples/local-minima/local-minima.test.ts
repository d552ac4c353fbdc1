import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { formatSummary, formatTable, type LocalMinimaResult, runLocalMinima } from './run.js';

describe('local-minima (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-local-minima-'));
  let r: LocalMinimaResult;
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('the same network from different seeds ends at different losses', async () => {
    r = await runLocalMinima(parseExampleArgs(['--quick', '--out', out], 'local-minima')!);
    expect(r.runs.map((run) => run.seed)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.spread).toBeGreaterThan(0.1);
    const solved = r.runs.filter((run) => run.solved);
    const stuck = r.runs.filter((run) => !run.solved);
    expect(solved.length).toBeGreaterThan(0);
    expect(stuck.length).toBeGreaterThan(0);
    for (const run of solved) expect(run.finalLoss).toBeLessThan(0.02);
    // The stuck runs sit at about 1/8: two of the four outputs at 0.5, with almost no gradient left.
    for (const run of stuck) {
      expect(run.finalLoss).toBeGreaterThan(0.1);
      expect(run.finalLoss).toBeLessThan(0.15);
      expect(run.gradNorm).toBeLessThan(0.01);
      expect(run.outputs.filter((o) => Math.abs(o - 0.5) < 0.05)).toHaveLength(2);
      // It stopped moving: the last tenth of training barely changed the loss.
      const tail = run.curve.slice(-Math.ceil(run.curve.length / 10));
      expect(Math.max(...tail) - Math.min(...tail)).toBeLessThan(2e-3);
    }
  });

  it('prints one row per seed', () => {
    const table = formatTable(r).split('\n');
    expect(table).toHaveLength(2 + r.runs.length);
    expect(table.filter((line) => line.endsWith('| no |'))).toHaveLength(
      r.runs.filter((x) => !x.solved).length,
    );
  });

  it('sums the runs up by outcome', () => {
    const lines = formatSummary(r).split('\n');
    const stuck = r.runs.filter((x) => !x.solved);
    expect(lines[2]).toMatch(new RegExp(`^\\| solved XOR \\| ${r.runs.length - stuck.length} \\|`));
    expect(lines[3]).toContain(`| ${stuck.map((x) => x.seed).join(', ')} |`);
  });

  it('writes a valid SVG', () => {
    const svg = readFileSync(join(out, 'local-minima.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('seed 9');
  });
});
