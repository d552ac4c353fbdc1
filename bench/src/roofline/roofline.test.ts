// The roofline probe computes what it claims: its loop performs `flopsPerIteration` multiply-adds
// per iteration (checked by replaying them in float32), and the threaded probe reports per-thread
// figures that add up. Rates are not asserted: they depend on the machine.
import { describe, expect, it } from 'vitest';
import { ACCUMULATORS, flopsPerIteration, probeBytes, probeWat, STEPS, UNROLL } from './kernel.js';
import { probe, variantSupported } from './probe.js';

// What run(n) returns, replayed in float32: every accumulator updated n × STEPS × UNROLL times.
function expected(n: number, fused: boolean): number {
  const f = Math.fround;
  let total = 0;
  const accs = Array.from({ length: ACCUMULATORS }, (_, i) => {
    let a = f(i / ACCUMULATORS);
    for (let k = 0; k < n * STEPS * UNROLL; k++)
      a = fused ? f(a * f(0.99) + f(0.01)) : f(f(a * f(0.99)) + f(0.01));
    return a;
  });
  for (const a of accs) total = f(total + a);
  // Four equal lanes, summed as (l0 + l1) + (l2 + l3).
  return f(f(total + total) + f(total + total));
}

async function runProbe(variant: 'muladd' | 'relaxed', n: number): Promise<number> {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(await probeBytes(variant)));
  return (instance.exports as { run: (n: number) => number }).run(n);
}

describe('roofline kernel', () => {
  it('counts a multiply and an add per lane of every accumulator update', () => {
    expect(flopsPerIteration()).toBe(ACCUMULATORS * UNROLL * STEPS * 8);
    expect(flopsPerIteration(8, 1)).toBe(64 * STEPS);
    expect(flopsPerIteration(8, 2)).toBe(128 * STEPS);
  });

  it('keeps at least eight independent accumulators', () => {
    expect(ACCUMULATORS).toBeGreaterThanOrEqual(8);
    const wat = probeWat('muladd');
    expect(wat.match(/\(local \$a\d+ v128\)/g)).toHaveLength(ACCUMULATORS);
    expect(wat).toContain('f32x4.mul');
    expect(probeWat('relaxed')).toContain('f32x4.relaxed_madd');
  });

  it('runs exactly the iterations asked for', async () => {
    for (const n of [0, 1, 7]) expect(await runProbe('muladd', n)).toBe(expected(n, false));
  });

  it('rejects shapes that cannot stay in registers', () => {
    expect(() => probeWat('muladd', 15)).toThrow(/accumulators must be an integer in 1\.\.14/);
    expect(() => probeWat('muladd', 8, 0)).toThrow(/unroll must be a positive integer/);
  });

  it('feature-detects relaxed SIMD instead of failing to compile it', async () => {
    const supported = await variantSupported('relaxed');
    // Node 20 needs --experimental-wasm-relaxed-simd; later Nodes ship it.
    expect(supported).toBe(WebAssembly.validate(await probeBytes('relaxed')));
    if (supported) expect(await runProbe('relaxed', 3)).toBeCloseTo(expected(3, true), 4);
    else
      await expect(probe('relaxed', 1, { warmupSec: 0, timedSec: 0 })).rejects.toThrow(/relaxed SIMD needs/);
  });

  it('times every thread of a concurrent probe and sums them', async () => {
    const r = await probe('muladd', 2, { warmupSec: 0.05, timedSec: 0.05 });
    expect(r.perThread).toHaveLength(2);
    expect(r.total).toBeCloseTo(r.perThread[0]! + r.perThread[1]!, 9);
    expect(r.perThread.every((g) => g > 0)).toBe(true);
    expect(r.best).toBeGreaterThanOrEqual(r.total);
    expect(r.calls).toBeGreaterThanOrEqual(2);
  });
});
