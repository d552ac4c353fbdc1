import { AutogradError, DeviceError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Node } from './node.js';

let anomalyMode = false;
// Inside an op's backward rule the ops it runs are part of that backward: a NaN there is reported
// as the rule's (naming the op that was differentiated), not as a forward error of an inner op.
let inBackwardRule = false;

export function isAnomalyEnabled(): boolean {
  return anomalyMode;
}

/** Whether forward outputs are checked right now (anomaly mode, outside a backward rule). */
export function checksForward(): boolean {
  return anomalyMode && !inBackwardRule;
}

/** Runs `node`'s backward rule on `dy` with forward checks off (see `inBackwardRule`). */
export function inBackward(node: Node, dy: Tensor): readonly (Tensor | null)[] {
  const previous = inBackwardRule;
  inBackwardRule = true;
  try {
    return node.rule!(dy, node);
  } finally {
    inBackwardRule = previous;
  }
}

/**
 * Runs `fn` and throws at the first op whose forward or backward produces NaN or Inf, naming the
 * op and, for backward, where in your code that op was created. Every op's output inside `fn` is
 * checked, whether the graph is recorded or not (`noGrad`, tensors that require no grad).
 *
 * @example
 * ```ts
 * detectAnomaly(() => tensor([0], { requiresGrad: true }).log().mul(0).sum().backward());
 * // AutogradError: log backward produced NaN/Inf ... created at ...
 * ```
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomalyMode;
  anomalyMode = true;
  try {
    return fn();
  } finally {
    anomalyMode = previous;
  }
}

function firstNonFinite(t: Tensor): number {
  if (t.device !== 'cpu') {
    throw new DeviceError(
      `detectAnomaly runs on the cpu device only: it reads every result on the host, which a webgpu tensor allows ` +
        'only asynchronously; reproduce the problem on the cpu device',
    );
  }
  const data = t.data();
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i;
  return -1;
}

export function checkForward(op: string, out: Tensor): void {
  const i = firstNonFinite(out);
  if (i >= 0) {
    throw new AutogradError(`${op}: forward produced ${out.data()[i]} at flat index ${i} (detectAnomaly)`);
  }
}

export function checkBackward(op: string, grad: Tensor, inputIndex: number, createdAt: string | null): void {
  const i = firstNonFinite(grad);
  if (i >= 0) {
    const where = createdAt ? `\nThe op was created at:\n${createdAt}` : '';
    throw new AutogradError(
      `${op} backward produced ${grad.data()[i]} in the gradient of input ${inputIndex} at flat index ${i} (detectAnomaly)${where}`,
    );
  }
}

export function creationSite(): string {
  const stack = new Error().stack ?? '';
  // Drop the frames inside backprop (its sources or its build, not its tests) so the first line
  // is the user's call.
  return stack
    .split('\n')
    .slice(1)
    .filter((line) => !/[\\/]packages[\\/]core[\\/](src|dist)[\\/]|@backprop[\\/]core/.test(line))
    .slice(0, 6)
    .join('\n');
}
