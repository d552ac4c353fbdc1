import type { Storage } from '../device.js';
import { AutogradError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import type { Node } from './node.js';

// Version counters live beside the storage, not on the Tensor, because views share storage: a write
// through `w.t()` or `w.detach()` must be seen by every op that saved `w`.
interface StorageVersion {
  /** In-place writes this storage has had (PyTorch's `_version`). */
  count: number;
  /** The global write number of the last one. */
  last: number;
}

const versions = new WeakMap<Storage, StorageVersion>();

// Every in-place write anywhere gets the next number. A node remembers the number current when it
// was made: if no write has happened since, none of its saved tensors can have changed, so the
// common case (forward, backward, then the optimizer's writes) checks nothing per tensor.
let writes = 0;

/** The number of the latest in-place write (0 before any). */
export function latestWrite(): number {
  return writes;
}

/** Records an in-place write to `t`'s storage. */
export function bumpVersion(t: Tensor): void {
  writes++;
  const v = versions.get(t.storage);
  if (v) {
    v.count++;
    v.last = writes;
  } else {
    versions.set(t.storage, { count: 1, last: writes });
  }
}

/** How many in-place writes `t`'s storage has had. */
export function versionOf(t: Tensor): number {
  return versions.get(t.storage)?.count ?? 0;
}

/**
 * Throws PyTorch's "modified by an inplace operation" error when a tensor `node` saved for its
 * backward was written in place after the node was made. The common case (no in-place write
 * anywhere since the node was made) costs one comparison.
 */
export function checkSavedVersions(node: Node): void {
  const saved = node.saved;
  if (node.madeAtWrite === writes || saved === null) return;
  if (Array.isArray(saved)) {
    for (const t of saved as readonly Tensor[]) checkSaved(node, t);
  } else {
    checkSaved(node, saved as Tensor);
  }
}

function checkSaved(node: Node, t: Tensor): void {
  const v = versions.get(t.storage);
  if (v !== undefined && v.last > node.madeAtWrite) {
    throw new AutogradError(
      `${node.name} backward: one of the tensors needed for gradient computation (shape ${fmtShape(t.shape)}, ` +
        `${t.dtype}) has been modified by an inplace operation since ${node.name} saved it (its storage is now at ` +
        `version ${v.count}); clone() it before writing to it, or write after backward`,
    );
  }
}
