import type { Storage } from '../device.js';
import { AutogradError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { latestSequence, type Node } from './node.js';

// Version counters live beside the storage, not on the Tensor, because views share storage: a write
// through `w.t()` or `w.detach()` must be seen by every op that saved `w`.
interface StorageVersion {
  /** In-place writes this storage has had (PyTorch's `_version`). */
  count: number;
  /** The sequence number of the latest node made before the last one (see `latestWrite`). */
  last: number;
}

const versions = new WeakMap<Storage, StorageVersion>();

// Every in-place write is stamped with the sequence number of the latest node made before it (node
// sequences only grow), so a write came after node N was made exactly when its stamp is at least
// N's sequence. Kept for the latest write anywhere too: when that one came before a node, none of
// the node's saved tensors can have changed since, so the common case (forward, backward, then the
// optimizer's writes) checks nothing per tensor, and a node needs no field of its own for it.
let latestWrite = 0;

/** Records an in-place write to `t`'s storage. */
export function bumpVersion(t: Tensor): void {
  latestWrite = latestSequence();
  const v = versions.get(t.storage);
  if (v) {
    v.count++;
    v.last = latestWrite;
  } else {
    versions.set(t.storage, { count: 1, last: latestWrite });
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
  if (latestWrite < node.sequence || saved === null) return;
  if (Array.isArray(saved)) {
    for (const t of saved as readonly Tensor[]) checkSaved(node, t);
  } else {
    checkSaved(node, saved as Tensor);
  }
}

function checkSaved(node: Node, t: Tensor): void {
  const v = versions.get(t.storage);
  if (v !== undefined && v.last >= node.sequence) {
    throw new AutogradError(
      `${node.name} backward: one of the tensors needed for gradient computation (shape ${fmtShape(t.shape)}, ` +
        `${t.dtype}) has been modified by an inplace operation since ${node.name} saved it (its storage is now at ` +
        `version ${v.count}); clone() it before writing to it, or write after backward`,
    );
  }
}
