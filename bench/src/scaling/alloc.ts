// Bytes a training step allocates in Node, counted two ways because V8 keeps two books:
// - the JS heap (objects, closures, small typed-array headers): v8.GCProfiler reports the used heap
//   before and after every collection, so growth plus what each collection freed is exactly what
//   was allocated, whatever the number of collections;
// - ArrayBuffer backing stores (tensor data in typed arrays) live outside the heap and no GC record
//   carries them: they are read from process.memoryUsage().arrayBuffers across single steps during
//   which no collection ran (PerformanceObserver 'gc' entries), the median over those steps. Large
//   steps trigger a collection every time (external memory pressure); then, if the process runs with
//   --expose-gc, each counted step starts right after a full collection instead. If even those
//   collect (V8 scavenges once about 32 MB of new ArrayBuffers exist), Node's counter cannot tell
//   what a step allocated from what the collection freed, and the figure is null.
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/** Allocation per step. */
export interface Allocation {
  readonly heapBytes: number;
  /** Null when every step collected garbage while it ran (see the top of alloc.ts). */
  readonly arrayBufferBytes: number | null;
  /** How `arrayBufferBytes` was counted. */
  readonly arrayBufferMethod: 'quiet steps' | 'after gc()' | 'none';
  readonly steps: number;
  /** Steps counted for `arrayBufferBytes`: no collection ran during them (or just before). */
  readonly quietSteps: number;
}

// Runs `run`, and returns with its result the collections (as time windows) seen meanwhile.
async function watchCollections<T>(run: () => T): Promise<{ out: T; gcs: { start: number; end: number }[] }> {
  const gcs: { start: number; end: number }[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcs.push({ start: e.startTime, end: e.startTime + e.duration });
  });
  observer.observe({ entryTypes: ['gc'] });
  const out = run();
  // GC entries are delivered after the fact: let the observer's callback run.
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return { out, gcs };
}

const overlaps = (gcs: readonly { start: number; end: number }[], from: number, to: number) =>
  gcs.some((g) => g.end >= from && g.start <= to);

// ArrayBuffer growth over single steps that each start after a full collection (and a pause for
// the concurrent ArrayBuffer sweep to finish); steps that collected anyway are left out.
async function afterFullCollections(step: () => unknown, gc: () => void, steps: number): Promise<number[]> {
  const grew: number[] = [];
  for (let i = 0; i < steps; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { out, gcs } = await watchCollections(() => {
      const before = process.memoryUsage().arrayBuffers;
      const start = performance.now();
      step();
      return { start, end: performance.now(), grew: process.memoryUsage().arrayBuffers - before };
    });
    if (!overlaps(gcs, out.start, out.end)) grew.push(out.grew);
  }
  return grew;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Runs `step` at least `minSteps` times and for at least `minSec`, counting what it allocates,
 * less what the counting loop itself allocates (measured the same way around an empty step). Not
 * timed: process.memoryUsage() costs tens of microseconds per call.
 *
 * @example
 * ```ts
 * const a = await allocationPerStep(() => step());
 * a.heapBytes + (a.arrayBufferBytes ?? 0); // bytes per step
 * ```
 */
export async function allocationPerStep(
  step: () => unknown,
  minSteps = 5,
  minSec = 0.3,
): Promise<Allocation> {
  const overhead = await count(() => undefined, 200, 0);
  const a = await count(step, minSteps, minSec);
  return { ...a, heapBytes: Math.max(0, a.heapBytes - overhead.heapBytes) };
}

async function count(step: () => unknown, minSteps: number, minSec: number): Promise<Allocation> {
  const profiler = new v8.GCProfiler();
  const heapStart = v8.getHeapStatistics().used_heap_size;
  profiler.start();
  const { out: windows, gcs } = await watchCollections(() => {
    const list: { start: number; end: number; grew: number }[] = [];
    const began = performance.now();
    while (list.length < minSteps || performance.now() - began < minSec * 1e3) {
      const before = process.memoryUsage().arrayBuffers;
      const start = performance.now();
      step();
      const end = performance.now();
      list.push({ start, end, grew: process.memoryUsage().arrayBuffers - before });
    }
    return list;
  });
  const heapEnd = v8.getHeapStatistics().used_heap_size;
  const stats = profiler.stop().statistics;
  const freed = stats.reduce(
    (sum, s) => sum + s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize,
    0,
  );
  // A collection during a step, or during the previous one (its ArrayBuffer sweep finishes later).
  const quiet = windows
    .filter((w, i) => !overlaps(gcs, i > 0 ? windows[i - 1]!.start : w.start, w.end))
    .map((w) => w.grew);
  const heapBytes = (heapEnd - heapStart + freed) / windows.length;
  const base = { heapBytes, steps: windows.length };
  if (quiet.length >= 3) {
    return {
      ...base,
      arrayBufferBytes: median(quiet),
      arrayBufferMethod: 'quiet steps',
      quietSteps: quiet.length,
    };
  }
  const gc = (globalThis as { gc?: () => void }).gc;
  const isolated = gc ? await afterFullCollections(step, gc, 3) : [];
  return isolated.length > 0
    ? {
        ...base,
        arrayBufferBytes: median(isolated),
        arrayBufferMethod: 'after gc()',
        quietSteps: isolated.length,
      }
    : { ...base, arrayBufferBytes: null, arrayBufferMethod: 'none', quietSteps: 0 };
}
