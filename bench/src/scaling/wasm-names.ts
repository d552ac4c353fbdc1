// Names for the wasm functions in a CPU profile. Core's kernels carry no name section, so V8 calls
// them `wasm-function[i]`; their export section says which index is `gemm`, `binary`, ...

function leb(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++];
    if (b === undefined) throw new RangeError('exportNames: truncated LEB128 number');
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, next: i };
  }
}

/**
 * Function index → export name, read from a wasm binary's export section (function exports only;
 * the index counts imported functions first, as V8's `wasm-function[i]` does).
 *
 * @example
 * ```ts
 * exportNames(bytes).get(0); // 'gemm'
 * ```
 */
export function exportNames(bytes: Uint8Array): Map<number, string> {
  const names = new Map<number, string>();
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new RangeError('exportNames: not a WebAssembly binary');
  }
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at]!;
    const size = leb(bytes, at + 1);
    if (id === 7) {
      let p = size.next;
      const count = leb(bytes, p);
      p = count.next;
      for (let e = 0; e < count.value; e++) {
        const len = leb(bytes, p);
        const name = new TextDecoder().decode(bytes.subarray(len.next, len.next + len.value));
        const kind = bytes[len.next + len.value];
        const index = leb(bytes, len.next + len.value + 1);
        if (kind === 0) names.set(index.value, name);
        p = index.next;
      }
      return names;
    }
    at = size.next + size.value;
  }
  return names;
}

/**
 * Function index → name in a module's text: `$name` where the function has one, else its export
 * name (imported functions come first in the index space, as in the binary).
 *
 * @example
 * ```ts
 * watNames('(module (func $tile) (func (export "gemm")))'); // Map { 0 => 'tile', 1 => 'gemm' }
 * ```
 */
export function watNames(text: string): Map<number, string> {
  const names = new Map<number, string>();
  let index = 0;
  for (const m of text.matchAll(
    /\(import\s+"[^"]*"\s+"([^"]*)"\s+\(func(?:\s+\$([\w.]+))?|\(func(?:\s+\$([\w.]+))?(?:\s+\(export\s+"([^"]+)"\))?/g,
  )) {
    const name = m[2] ?? m[1] ?? m[3] ?? m[4];
    if (name !== undefined) names.set(index, name);
    index++;
  }
  return names;
}

/**
 * The names of a module's functions from the .wat source whose exports include all of `exports`
 * (core's kernels are assembled without a name section, so the source is where names live).
 *
 * @example
 * ```ts
 * sourceNames(['gemm'], [readFileSync('matmul.wat', 'utf8')])?.get(0); // 'tile'
 * ```
 */
export function sourceNames(
  exports: readonly string[],
  sources: readonly string[],
): Map<number, string> | undefined {
  return sources
    .map(watNames)
    .find((names) => exports.length > 0 && exports.every((e) => [...names.values()].includes(e)));
}
