// `tsx src/roofline/cli.ts [--quick] [--json] [--variant muladd|relaxed]`: the wasm SIMD roofline
// probe on its own; prints a table, or the results as JSON (what the `roofline` suite and the
// relaxed child read).
import type { ProbeVariant } from './kernel.js';
import { FULL_PROBE, measureRoofline, QUICK_PROBE, type Roofline } from './measure.js';
import type { ProbeResult } from './probe.js';

const VARIANTS: readonly ProbeVariant[] = ['muladd', 'relaxed'];

function parse(argv: readonly string[]): { json: boolean; quick: boolean; variants: ProbeVariant[] } {
  const i = argv.indexOf('--variant');
  const asked = i >= 0 ? argv[i + 1] : undefined;
  if (asked !== undefined && !VARIANTS.includes(asked as ProbeVariant)) {
    throw new Error(`roofline: --variant must be one of ${VARIANTS.join(', ')}, got ${asked}`);
  }
  return {
    json: argv.includes('--json'),
    quick: argv.includes('--quick'),
    variants: asked === undefined ? [...VARIANTS] : [asked as ProbeVariant],
  };
}

function lines(name: string, r: ProbeResult[] | string): string[] {
  if (typeof r === 'string') return [`${name}: ${r}`];
  return r.map(
    (p) =>
      `${name}, ${p.threads} thread(s): ${p.total.toFixed(1)} GFLOP/s together (${(p.total / p.threads).toFixed(1)} per thread; fastest calls ${p.best.toFixed(1)}), ${p.calls} calls`,
  );
}

const opts = parse(process.argv.slice(2));
const result: Roofline = await measureRoofline(opts.quick ? QUICK_PROBE : FULL_PROBE, opts.variants);
if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else
  console.log(
    [...lines('f32x4.mul + f32x4.add', result.muladd), ...lines('f32x4.relaxed_madd', result.relaxed)].join(
      '\n',
    ),
  );
