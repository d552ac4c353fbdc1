// The scaling worker's profiler: V8's CPU profile of the timed steps, with core's wasm functions
// named (V8 calls them `wasm-function[i]`: the kernels are assembled without a name section).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exportNames, sourceNames } from './wasm-names.js';

// Core's .wat sources: the names of the kernels' internal functions (read, for labels only).
const WAT_DIR = fileURLToPath(new URL('../../../packages/core/src/backend/wasm/', import.meta.url));
function watSources(): string[] {
  if (!existsSync(WAT_DIR)) return [];
  return readdirSync(WAT_DIR)
    .filter((f) => f.endsWith('.wat'))
    .map((f) => readFileSync(path.join(WAT_DIR, f), 'utf8'));
}

// Renames `wasm-function[i]` frames: the module's export section says which module it is, core's
// .wat source gives every function's name. The debugger lists the wasm modules and hands out their
// bytes; it is enabled only after profiling, since it makes V8 run wasm as debuggable code.
async function nameWasmFrames(session: Session, profile: Profiler.Profile): Promise<void> {
  const modules: string[] = [];
  session.on('Debugger.scriptParsed', (m) => {
    if (m.params.url.startsWith('wasm://')) modules.push(m.params.scriptId);
  });
  await session.post('Debugger.enable');
  const names = new Map<string, Map<number, string>>();
  for (const scriptId of modules) {
    // `bytecode` (wasm only) is missing from @types/node's description of the reply.
    const source = (await session.post('Debugger.getScriptSource', { scriptId })) as { bytecode?: string };
    if (source.bytecode) names.set(scriptId, exportNames(Buffer.from(source.bytecode, 'base64')));
  }
  await session.post('Debugger.disable');
  const sources = watSources();
  for (const node of profile.nodes) {
    const index = /^wasm-function\[(\d+)\]$/.exec(node.callFrame.functionName)?.[1];
    const exports = names.get(node.callFrame.scriptId);
    if (index === undefined || !exports) continue;
    const exported = [...exports.values()];
    const name = sourceNames(exported, sources)?.get(Number(index)) ?? exports.get(Number(index));
    // Unnamed still: say which module (by its first exports) the function is in.
    node.callFrame.functionName =
      name ?? `wasm-function[${index}] of the module of ${exported.slice(0, 3).join(', ')}`;
  }
}

/**
 * Runs `run` under V8's sampling profiler (the one behind node --cpu-prof, here on for `run` only,
 * 100 µs interval) and writes the profile, wasm frames named, to `file`.
 *
 * @example
 * ```ts
 * await profiled('/tmp/step.cpuprofile', () => timeCalls(step, plan));
 * ```
 */
export async function profiled<T>(file: string, run: () => Promise<T>): Promise<T> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const out = await run();
  const { profile } = await session.post('Profiler.stop');
  await nameWasmFrames(session, profile);
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  return out;
}
