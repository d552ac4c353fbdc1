// runAsyncCases turns sampled call times into the rows runCases makes. Rates are not asserted:
// only how the row's numbers relate to each other and to the calls made.
import { describe, expect, it } from 'vitest';
import { runAsyncCases } from './harness.js';

describe('runAsyncCases', () => {
  it('samples until the time and the sample count are both reached, and derives the rate', async () => {
    let calls = 0;
    const rows = await runAsyncCases(
      'test',
      [
        {
          name: 'tick',
          fn: () => new Promise((resolve) => setTimeout(() => resolve(++calls), 5)),
          work: { perCall: 3e9, scale: 1e9, unit: 'GFLOP/s' },
        },
      ],
      { maxTime: 0.3, minSamples: 4 },
    );
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({ suite: 'test', name: 'tick', rateUnit: 'GFLOP/s' });
    expect(row.samples).toBeGreaterThanOrEqual(4);
    expect(row.meanMs).toBeCloseTo(1000 / row.opsPerSec, 9);
    expect(row.rate).toBeCloseTo(row.opsPerSec * 3, 9);
    // Each sample runs for at least 100 ms, so the calls made cover every sample.
    expect(calls * row.meanMs).toBeGreaterThanOrEqual(row.samples * 100);
    expect(row.rmePct).toBeGreaterThanOrEqual(0);
  });
});
