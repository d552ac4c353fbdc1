import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { coreLoopMs, coreSpeedText } from './core-speed.js';

describe('core speed', () => {
  it('states each core and how far apart the slowest and the fastest were', () => {
    expect(coreSpeedText([130, 186])).toBe('130, 186 ms (the slowest core 1.43x the fastest)');
    expect(coreSpeedText([100, 100, 100])).toBe('100, 100, 100 ms (the slowest core 1.00x the fastest)');
    expect(coreSpeedText(null)).toBe('not measured (no taskset)');
  });

  it('times the loop on every core where taskset can pin it, and says so where it cannot', () => {
    // A container may list cores it cannot run on (a cpuset): then the loop cannot be pinned to all.
    const pinnable = os
      .cpus()
      .every((_, core) => spawnSync('taskset', ['-c', String(core), 'true']).status === 0);
    const ms = coreLoopMs(1);
    if (!pinnable) {
      expect(ms).toBeNull();
      return;
    }
    expect(ms).toHaveLength(os.cpus().length);
    // 3e8 integer adds: tens of milliseconds on any core a CI runner has, never a second.
    for (const t of ms!) expect(t).toBeGreaterThan(20);
    for (const t of ms!) expect(t).toBeLessThan(5000);
  }, 60_000);
});
