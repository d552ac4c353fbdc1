// The roofline probe's WebAssembly: one function whose loop keeps independent f32x4 accumulators in
// registers and updates each with a multiply and an add per step. Nothing is loaded or stored, so
// it runs at the rate the CPU retires wasm SIMD arithmetic: the ceiling of any f32x4 kernel.
//
// Its shape is the one V8 runs fastest, measured: twelve accumulators updated once per step (the
// body unrolled four times ran 8% slower, 45 against 49 GFLOP/s on the bench machine: V8's code
// for the longer body retires fewer of them per cycle), and the step loop inside an outer loop,
// which V8 compiles without the stack check it puts in every iteration of a function's outer
// loop. Fewer accumulators leave the mul+add chain's latency exposed (eight: 36 GFLOP/s); more do
// not fit the sixteen xmm registers beside the two constants (fourteen: 35).

/** How the multiply-add is written: f32x4.mul then f32x4.add, or relaxed SIMD's fused f32x4.relaxed_madd. */
export type ProbeVariant = 'muladd' | 'relaxed';

/** Independent accumulators: a mul+add chain is ~6 cycles deep, and two issue per cycle on x64. */
export const ACCUMULATORS = 12;

/** Updates of every accumulator per step of the inner loop. */
export const UNROLL = 1;

/** Steps of the inner loop per iteration of the outer one (`run`'s argument counts these iterations). */
export const STEPS = 64;

/**
 * FLOPs of one iteration of `run`: `STEPS` steps, each updating every accumulator `unroll` times,
 * four lanes, a multiply and an add each (the fused madd counts as both, as an FMA does in every
 * GFLOP/s figure).
 *
 * @example
 * ```ts
 * flopsPerIteration(12, 1); // 6144
 * ```
 */
export function flopsPerIteration(accumulators = ACCUMULATORS, unroll = UNROLL): number {
  return accumulators * unroll * STEPS * 4 * 2;
}

/**
 * The probe module's text: `run(iterations) -> f32`, whose result (the lanes' sum) keeps the
 * work observable. `acc = acc * 0.99 + 0.01` converges to 1, so no value overflows or goes denormal.
 *
 * @example
 * ```ts
 * probeWat('muladd').includes('f32x4.mul'); // true
 * ```
 */
export function probeWat(variant: ProbeVariant, accumulators = ACCUMULATORS, unroll = UNROLL): string {
  if (!(Number.isInteger(accumulators) && accumulators >= 1 && accumulators <= 14)) {
    throw new RangeError(
      `probeWat: accumulators must be an integer in 1..14 (x64 has 16 xmm registers), got ${accumulators}`,
    );
  }
  if (!(Number.isInteger(unroll) && unroll >= 1)) {
    throw new RangeError(`probeWat: unroll must be a positive integer, got ${unroll}`);
  }
  const accs = Array.from({ length: accumulators }, (_, i) => `$a${i}`);
  const splat = (v: number) => `(v128.const f32x4 ${v} ${v} ${v} ${v})`;
  const update = (a: string) =>
    variant === 'relaxed'
      ? `(local.set ${a} (f32x4.relaxed_madd (local.get ${a}) (local.get $m) (local.get $c)))`
      : `(local.set ${a} (f32x4.add (f32x4.mul (local.get ${a}) (local.get $m)) (local.get $c)))`;
  const body = Array.from({ length: unroll }, () => accs.map(update)).flat();
  const total = accs
    .slice(1)
    .reduce((sum, a) => `(f32x4.add ${sum} (local.get ${a}))`, `(local.get ${accs[0]})`);
  const lanes = [0, 1, 2, 3].map((l) => `(f32x4.extract_lane ${l} (local.get $t))`);
  return `(module
  (func (export "run") (param $n i32) (result f32)
    (local $step i32) (local $m v128) (local $c v128) (local $t v128) ${accs.map((a) => `(local ${a} v128)`).join(' ')}
    (local.set $m ${splat(0.99)})
    (local.set $c ${splat(0.01)})
    ${accs.map((a, i) => `(local.set ${a} ${splat(i / accumulators)})`).join('\n    ')}
    (block $done
      (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
      (loop $next
        (local.set $step (i32.const ${STEPS}))
        (loop $steps
          ${body.join('\n          ')}
          (local.set $step (i32.sub (local.get $step) (i32.const 1)))
          (br_if $steps (local.get $step)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br_if $next (i32.gt_s (local.get $n) (i32.const 0)))))
    (local.set $t ${total})
    (f32.add (f32.add ${lanes[0]} ${lanes[1]}) (f32.add ${lanes[2]} ${lanes[3]}))))
`;
}

/**
 * Assembles the probe with wabt (the repo's dev dependency that also builds core's kernels).
 *
 * @example
 * ```ts
 * WebAssembly.validate(await probeBytes('muladd')); // true
 * ```
 */
export async function probeBytes(variant: ProbeVariant): Promise<Uint8Array<ArrayBuffer>> {
  const wabt = await (await import('wabt')).default();
  const module = wabt.parseWat(`roofline-${variant}.wat`, probeWat(variant), {
    simd: true,
    relaxed_simd: variant === 'relaxed',
  });
  try {
    // A copy: wabt's view may sit on a shared heap, which WebAssembly.Module does not take.
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}
