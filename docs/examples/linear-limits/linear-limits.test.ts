import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExampleArgs } from '../shared/cli.js';
import { fileName, formatTable, runLinearLimits, type ShapeResult } from './run.js';

describe('linear-limits (--quick)', () => {
  const out = mkdtempSync(join(tmpdir(), 'backprop-linear-limits-'));
  let rows: ShapeResult[] = [];
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('a linear classifier stays near chance on every shape while an MLP learns it', async () => {
    rows = await runLinearLimits(parseExampleArgs(['--quick', '--out', out], 'linear-limits')!);
    expect(rows.map((r) => r.shape)).toEqual(['quadrants', 'ring', 'three modes']);
    for (const r of rows) {
      expect(r.majority).toBeCloseTo(0.5, 1);
      // The best line scores 75% on three modes (it cuts off one outer mode); on the others ~50%.
      expect(r.linearAccuracy).toBeLessThanOrEqual(0.8);
      expect(r.mlpAccuracy).toBeGreaterThanOrEqual(0.95);
      expect(r.mlpAccuracy - r.linearAccuracy).toBeGreaterThan(0.15);
    }
    const quadrantRow = rows[0]!;
    expect(quadrantRow.linearAccuracy).toBeLessThan(0.65); // XOR in the plane: a line is at chance
  });

  it('prints one table row per shape', () => {
    const table = formatTable(rows).split('\n');
    expect(table).toHaveLength(5);
    expect(table[2]).toMatch(/^\| quadrants \| 50\.0% \| \d+\.\d% \| \d+\.\d% \|$/);
  });

  it('writes the side-by-side decision regions as valid SVG with both panels', () => {
    for (const r of rows) {
      const svg = readFileSync(join(out, `${fileName(r.shape)}.svg`), 'utf8');
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(svg).toContain('linear: ');
      expect(svg).toContain('MLP 2-32-32-2: ');
      expect(svg.match(/<svg\b/g)).toHaveLength(3); // the page and its two panels
    }
  });
});
