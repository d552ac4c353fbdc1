import { describe, expect, it } from 'vitest';
import { firstDifference, masked, selected } from './docs-outputs-lib.js';

describe('docs-outputs: what a block shows and how it is compared', () => {
  const output = '\nfirst\nsecond\n| a | b |\n|---|---|\nthird\n| 1 | 2 |\nlast\n\n';

  it('selects line ranges, gaps and tables, after dropping blank lines at the ends', () => {
    expect(selected(output, undefined)).toEqual([
      'first',
      'second',
      '| a | b |',
      '|---|---|',
      'third',
      '| 1 | 2 |',
      'last',
    ]);
    expect(selected(output, '1-2,gap,7')).toEqual(['first', 'second', '…', 'last']);
    expect(selected(output, 'table')).toEqual(['| a | b |', '|---|---|', '| 1 | 2 |']);
    expect(() => selected(output, 'x-2')).toThrow("bad lines= part 'x-2'");
  });

  it('masks timings and nothing else', () => {
    const a = 'epoch 1/5 | acc 92.38% | 0.63 s, 89,615 ex/s\ntotal 4.1 min; 12 ms; 250 steps/s; 3 seeds';
    const b = 'epoch 1/5 | acc 92.38% | 17.2 s, 2,363 ex/s\ntotal 19.8 min; 9 ms; 31 steps/s; 3 seeds';
    expect(masked(a)).toBe(masked(b));
    expect(masked(a)).toContain('acc 92.38%');
    // A changed result is not a timing.
    expect(masked(a.replace('92.38%', '92.39%'))).not.toBe(masked(b));
    expect(masked(a.replace('3 seeds', '4 seeds'))).not.toBe(masked(b));
  });

  it('points at the first differing line and column', () => {
    expect(firstDifference('same\nwas 3.8e-6 here', 'same\nwas 2.4e-7 here')).toBe(
      'line 2, column 5:\n  committed: was 3.8e-6 here\n  now:       was 2.4e-7 here',
    );
    expect(firstDifference('a', 'a\nb')).toContain('committed: (end)');
  });
});
