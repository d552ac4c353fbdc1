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
  readdir(path: string): Promise<string[]>;
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

const SUFFIX_BYTES = 6;
// Exactly what randomSuffix() makes, so cleaning up can never match a file save did not write.
const SUFFIX = new RegExp(`^[0-9a-f]{${2 * SUFFIX_BYTES}}$`);

function randomSuffix(): string {
  const bytes = new Uint8Array(SUFFIX_BYTES);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

// Removes `${path}.tmp-<suffix>` files that an interrupted save (a crash, a kill) left beside
// `path`. Best effort: a file that cannot be listed or removed is left for the next save.
async function removeLeftovers(fs: NodeFs, path: string): Promise<void> {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = cut < 0 ? '.' : path.slice(0, cut + 1);
  const prefix = `${path.slice(cut + 1)}.tmp-`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && SUFFIX.test(name.slice(prefix.length))) {
      await fs.unlink(`${dir === '.' ? '' : dir}${name}`).catch(() => undefined);
    }
  }
}

/**
 * Writes a model's state dict (or a state dict) to `path` as safetensors, atomically: the bytes
 * go to `${path}.tmp-<random>`, are flushed to disk (best effort), and the file is then renamed
 * over `path`, so a crash never leaves a half-written checkpoint. Temporary files of `path` that an
 * interrupted save left behind (`${path}.tmp-` and 12 hex digits, nothing else) are removed first,
 * so two saves to the same path must not run at once. Node only; async because the file system
 * module is loaded on first use, which keeps the package loadable in browsers.
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
  await removeLeftovers(fs, path);
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
