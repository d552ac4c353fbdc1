// Reads a V8 CPU profile (.cpuprofile, as node --cpu-prof or the inspector's Profiler writes it)
// and sums self time per function and per group of functions (wasm kernels, core's JS, GC, ...).
import path from 'node:path';

/** The parts of a .cpuprofile this summary reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time of one function or group, in milliseconds and as a share of the profile. */
export interface SelfTime {
  readonly name: string;
  readonly group: string;
  readonly ms: number;
  readonly pct: number;
}

/** What a profile spent its time on. */
export interface ProfileSummary {
  readonly totalMs: number;
  readonly groups: SelfTime[];
  readonly top: SelfTime[];
}

/**
 * The group a frame's self time counts under.
 *
 * @example
 * ```ts
 * groupOf({ functionName: '(garbage collector)', url: '' }); // 'garbage collection'
 * ```
 */
export function groupOf(frame: { functionName: string; url: string }): string {
  const { functionName: f, url } = frame;
  if (f === '(garbage collector)') return 'garbage collection';
  if (f === '(idle)') return 'idle';
  if (f === '(program)') return 'V8 and native code (program)';
  if (url.startsWith('wasm://') || /^(\$|wasm-function|js-to-wasm|wasm-to-js)/.test(f)) return 'WebAssembly';
  if (url.includes('/packages/core/')) return '@backprop/core JS';
  if (url.includes('/packages/nn/')) return '@backprop/nn JS';
  if (url.includes('/packages/optim/')) return '@backprop/optim JS';
  if (url.startsWith('node:')) return 'Node internals';
  if (url === '') return 'V8 builtins';
  return 'bench and other JS';
}

function nameOf(frame: { functionName: string; url: string; lineNumber: number }): string {
  if (frame.url.startsWith('wasm://')) return `${frame.functionName} (wasm)`;
  const where = frame.url === '' ? '' : ` (${path.basename(frame.url)}:${frame.lineNumber + 1})`;
  return `${frame.functionName || '(anonymous)'}${where}`;
}

function ranked(map: Map<string, { group: string; us: number }>, totalUs: number): SelfTime[] {
  return [...map]
    .map(([name, v]) => ({ name, group: v.group, ms: v.us / 1e3, pct: (v.us / totalUs) * 100 }))
    .sort((a, b) => b.ms - a.ms);
}

/**
 * Self time per function (the `top` largest) and per group. A sample's time is the gap to the next
 * sample, as DevTools counts it.
 *
 * @example
 * ```ts
 * const s = summarizeProfile(JSON.parse(readFileSync('x.cpuprofile', 'utf8')));
 * s.groups[0]; // { name: 'WebAssembly', ms: 812, pct: 54.1, ... }
 * ```
 */
export function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byName = new Map<string, { group: string; us: number }>();
  const byGroup = new Map<string, { group: string; us: number }>();
  let totalUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const frame = frames.get(profile.samples[i]!);
    if (!frame || frame.functionName === '(root)') continue;
    const us = profile.timeDeltas[i + 1] ?? 0;
    const group = groupOf(frame);
    const name = nameOf(frame);
    byName.set(name, { group, us: (byName.get(name)?.us ?? 0) + us });
    byGroup.set(group, { group, us: (byGroup.get(group)?.us ?? 0) + us });
    totalUs += us;
  }
  return {
    totalMs: totalUs / 1e3,
    groups: ranked(byGroup, totalUs || 1),
    top: ranked(byName, totalUs || 1).slice(0, top),
  };
}
