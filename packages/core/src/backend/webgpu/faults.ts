import { type BackpropError, IndexError } from '../../errors.js';

// Faults the GPU cannot raise when an op is called: an index out of range is known only once a
// kernel reads it. The kernel records the first one in the device's fault words (code, value,
// size), and the next read back to the host throws it, as CUDA reports a device-side assert at
// the next synchronization.

const OPS = ['gather', 'scatterAdd', 'indexSelect', 'crossEntropy', 'scatter'] as const;

/** The fault code kernels of `op` record for an index out of range. */
export function reportIndex(op: (typeof OPS)[number]): string {
  return `${OPS.indexOf(op) + 1}u`;
}

/** WGSL: the fault words at `binding` and `fault(code, value, size)`, which keeps the first fault. */
export function checks(binding: number): string {
  return /* wgsl */ `
@group(0) @binding(${binding}) var<storage, read_write> faults: array<atomic<u32>>;
fn fault(code: u32, k: i32, size: u32) {
  if (atomicCompareExchangeWeak(&faults[0], 0u, code).exchanged) {
    atomicStore(&faults[1], bitcast<u32>(k));
    atomicStore(&faults[2], size);
  }
}
`;
}

/** The error for the fault words `[code, value, size]`, or null when none was recorded. */
export function faultError(words: Uint32Array): BackpropError | null {
  const code = words[0]!;
  if (code === 0) return null;
  const op = OPS[code - 1] ?? 'a webgpu kernel';
  const value = words[1]! | 0;
  return new IndexError(
    `${op}: index ${value} is out of bounds for a dim of size ${words[2]} (found on the webgpu device after the op ran; ` +
      'results computed since then are not valid)',
  );
}
