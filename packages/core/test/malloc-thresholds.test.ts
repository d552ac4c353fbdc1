// Under glibc, the first large tensor raises malloc's mmap and trim thresholds (malloc-thresholds.ts),
// so arrays freed by the collector are reused instead of going back to the kernel and faulting in
// again. Measured in fresh processes, with and without that first tensor.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./malloc-child.ts', import.meta.url));

function faults(mode: 'tensor' | 'plain'): { faultsPerArray: number; pagesPerArray: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', child, mode], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const report = (process as { report?: { getReport(): unknown } }).report?.getReport() as
  | { header?: { glibcVersionRuntime?: string } }
  | undefined;
const glibc = process.platform === 'linux' && report?.header?.glibcVersionRuntime !== undefined;

describe('malloc thresholds', () => {
  it.runIf(glibc)('keeps freed tensor memory for reuse after the first large tensor (glibc)', () => {
    const plain = faults('plain');
    const tuned = faults('tensor');
    // Without it, a 4 MiB array faulted in about a third of its 1024 pages on a 2-core VM (4.4 ms an
    // array against 0.8); with it, a few percent.
    expect(tuned.faultsPerArray).toBeLessThan(tuned.pagesPerArray / 8);
    expect(tuned.faultsPerArray).toBeLessThan(plain.faultsPerArray / 3);
  });
});
