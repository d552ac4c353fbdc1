// Entry point of `pnpm bench [suite...]`: runs the named suites (all by default), prints a table
// and writes bench/results.json next to this package.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type BenchSuite, type CaseResult, fmt } from './harness.js';
import { describeMachine } from './machine.js';
import { rooflineSuite } from './roofline/suite.js';
import { cnnSuite } from './suites/cnn.js';
import { matmulSuite } from './suites/matmul.js';
import { mlpSuite } from './suites/mlp.js';
import { scalarSuite } from './suites/scalar.js';
import { sequenceSuite } from './suites/sequence.js';
import { webgpuSuite } from './suites/webgpu.js';

const SUITES: readonly BenchSuite[] = [
  scalarSuite,
  matmulSuite,
  mlpSuite,
  cnnSuite,
  sequenceSuite,
  rooflineSuite,
  webgpuSuite,
];
const RESULTS = fileURLToPath(new URL('../results.json', import.meta.url));

/** A bad command line: printed without a stack trace. */
class UsageError extends Error {}

function selectSuites(names: readonly string[]): BenchSuite[] {
  if (names.length === 0) return [...SUITES];
  const known = SUITES.map((s) => s.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new UsageError(`bench: unknown suite(s) ${unknown.join(', ')}; available: ${known.join(', ')}`);
  return SUITES.filter((s) => names.includes(s.name));
}

function table(rows: readonly CaseResult[]): string {
  const head = ['suite', 'case', 'ops/s', '±rme', 'samples', 'mean', 'rate'];
  const body = rows.map((r) => [
    r.suite,
    r.name,
    fmt(r.opsPerSec),
    `${r.rmePct.toFixed(1)}%`,
    String(r.samples),
    `${fmt(r.meanMs)} ms`,
    r.rate === null ? '' : `${fmt(r.rate)} ${r.rateUnit}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const suites = selectSuites(argv.filter((a) => a !== '--'));
  const machine = describeMachine();
  const flags = machine.nodeFlags || 'none';
  console.log(
    `${machine.cpu} (${machine.cores} cores), node ${machine.node} (flags: ${flags}), load ${machine.loadAverage}, commit ${machine.commit}`,
  );
  const cases: CaseResult[] = [];
  const notes: { suite: string; note: string }[] = [];
  const started = performance.now();
  for (const suite of suites) {
    console.log(`\n${suite.name}: ${suite.description}`);
    const result = await suite.run();
    cases.push(...result.cases);
    notes.push(...result.notes.map((note) => ({ suite: suite.name, note })));
    for (const n of result.notes) console.log(`  note: ${n}`);
  }
  console.log(`\n${table(cases)}\n\ntotal ${fmt((performance.now() - started) / 1000)} s`);
  const descriptions = Object.fromEntries(suites.map((s) => [s.name, s.description]));
  // No arrays of bare strings: JSON.stringify's layout then matches biome's, so the file stays lint-clean.
  writeFileSync(RESULTS, `${JSON.stringify({ machine, descriptions, cases, notes }, null, 2)}\n`);
  console.log(`wrote ${RESULTS}`);
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  // A bad suite name needs no stack trace; a failing case does.
  console.error(e instanceof UsageError ? e.message : e);
  process.exitCode = 1;
}
