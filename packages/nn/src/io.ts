import { BackpropError } from '@backprop/core';
import { Module, type StateDict } from './module.js';
import { loadSafetensors, saveSafetensors } from './safetensors.js';

// The slice of node:fs/promises that save/load use, typed here so the package needs no Node types.
interface FileHandle {
  writeFile(data: Uint8Array): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
}
interface NodeFs {
  open(path: string, flags: string): Promise<FileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
}

// A specifier in a variable keeps bundlers from resolving node:fs for browser builds; it is only
// imported when save/load actually run.
const FS_MODULE = 'node:fs/promises';

async function nodeFs(op: string): Promise<NodeFs> {
  try {
    return (await import(/* @vite-ignore */ FS_MODULE)) as NodeFs;
  } catch {
    throw new BackpropError(
      `${op}: needs Node.js (node:fs/promises); in a browser use saveSafetensors/loadSafetensors on bytes`,
    );
  }
}

function randomSuffix(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Writes a model's state dict (or a state dict) to `path` as safetensors, atomically: the bytes
 * go to `${path}.tmp-<random>`, are flushed to disk (best effort), and the file is then renamed
 * over `path`, so a crash never leaves a half-written checkpoint. Node only; async because the
 * file system module is loaded on first use, which keeps the package loadable in browsers.
 *
 * @example
 * ```ts
 * await save('model.safetensors', model);
 * ```
 */
export async function save(
  path: string,
  model: Module | StateDict,
  metadata?: Record<string, string>,
): Promise<void> {
  const bytes = saveSafetensors(model instanceof Module ? model.stateDict() : model, metadata);
  const fs = await nodeFs('save');
  const tmp = `${path}.tmp-${randomSuffix()}`;
  try {
    const handle = await fs.open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync().catch(() => undefined); // fsync is best effort (some file systems refuse it)
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  } catch (e) {
    await fs.unlink(tmp).catch(() => undefined);
    throw e;
  }
}

/**
 * Reads a safetensors file into a state dict; given a model, also loads it (strictly) into the model.
 * Node only; async (see `save`).
 *
 * @example
 * ```ts
 * const sd = await load('model.safetensors');
 * model.loadStateDict(sd);
 * ```
 */
export async function load(path: string, model?: Module): Promise<StateDict> {
  const fs = await nodeFs('load');
  const stateDict = loadSafetensors(await fs.readFile(path));
  model?.loadStateDict(stateDict);
  return stateDict;
}
