// Node-only capabilities, reached through globalThis so that the package imports unchanged in a
// browser: nothing here touches `process` or a `node:` module until a function is called.

import { BackpropError } from '@backprop/core';

interface StreamLike {
  isTTY?: boolean;
  write(chunk: string): boolean;
}

interface ProcessLike {
  env?: Record<string, string | undefined>;
  stdout?: StreamLike;
  versions?: { node?: string };
}

function nodeProcess(): ProcessLike | undefined {
  return (globalThis as { process?: ProcessLike }).process;
}

/** @internal True when running under Node (or a Node-compatible runtime). */
export function isNode(): boolean {
  return typeof nodeProcess()?.versions?.node === 'string';
}

/** @internal True when stdout is an interactive terminal and we are not in CI. */
export function isInteractive(): boolean {
  const proc = nodeProcess();
  if (!proc?.stdout?.isTTY) return false;
  const ci = proc.env?.CI;
  return ci === undefined || ci === '' || ci === '0' || ci === 'false';
}

/** @internal The process's stdout, when there is one. */
export function stdout(): StreamLike | undefined {
  return nodeProcess()?.stdout;
}

/**
 * @internal Imports a module whose name bundlers must not follow (Node built-ins, native addons,
 * terminal libraries): the specifier is a variable, so browser bundles never try to include it.
 */
export async function nodeImport<T>(specifier: string, op: string): Promise<T> {
  if (!isNode()) throw new BackpropError(`${op}: needs Node.js (it imports ${specifier})`);
  const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as T & { default?: T };
  // CommonJS modules arrive as { default: module.exports } under ESM.
  return (mod.default ?? mod) as T;
}
