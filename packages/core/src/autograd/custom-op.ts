import { describe, isTensor } from '../checks.js';
import { AutogradError, fmtShape } from '../errors.js';
import { Tensor } from '../tensor.js';
import { withGradMode } from './grad-mode.js';
import { attachAll, type BackwardRule, recordingAll } from './node.js';

/** What a custom op's forward and backward share, as PyTorch's `ctx`. */
export interface CustomOpContext {
  /** Saves tensors for backward (PyTorch's `ctx.save_for_backward`). */
  saveForBackward(...tensors: Tensor[]): void;
  /** The tensors saved in forward. */
  readonly savedTensors: readonly Tensor[];
  /** Per input: whether backward must return its gradient (others may be null). */
  readonly needsInputGrad: readonly boolean[];
  /** Free-form values (sizes, flags) forward leaves for backward. */
  readonly extra: Record<string, unknown>;
}

/** The definition of a custom op. */
export interface CustomOpDefinition {
  /** The op's name, used in error messages, `gradFn.name` and `toDot` pictures. */
  name: string;
  /** Computes the output; runs without recording a graph. */
  forward: (ctx: CustomOpContext, ...inputs: Tensor[]) => Tensor;
  /** Returns dL/d(input) per input (or null), given dL/d(output). */
  backward: (ctx: CustomOpContext, dy: Tensor) => readonly (Tensor | null)[];
}

/**
 * Defines an op with its own backward, as PyTorch's `autograd.Function`. Gradients the backward
 * returns are checked against each input's shape (after broadcasting) and the op is named in errors.
 *
 * @example
 * ```ts
 * const cube = customOp({
 *   name: 'cube',
 *   forward: (ctx, x) => { ctx.saveForBackward(x); return x.pow(3); },
 *   backward: (ctx, dy) => [dy.mul(ctx.savedTensors[0]!.square().mul(3))],
 * });
 * cube(tensor([2], { requiresGrad: true })).sum().backward();
 * ```
 */
export function customOp(definition: CustomOpDefinition): (...inputs: Tensor[]) => Tensor {
  const { name, forward } = definition;
  return (...inputs) => {
    const saved: Tensor[] = [];
    const ctx: CustomOpContext = {
      saveForBackward: (...tensors) => {
        saved.push(...tensors);
      },
      savedTensors: saved,
      needsInputGrad: inputs.map((t) => t.requiresGrad),
      extra: {},
    };
    const result = withGradMode(false, () => forward(ctx, ...inputs));
    if (!(result instanceof Tensor)) throw new AutogradError(`${name}: forward must return a Tensor`);
    // A fresh tensor object, so the op's node never overwrites the gradFn of a tensor forward returned as is.
    const out = new Tensor(result.storage, result.shape, result.strides, result.offset);
    if (recordingAll(name, out, inputs)) attachAll(out, name, inputs, saved, customRule, { definition, ctx });
    return out;
  };
}

// Every custom op's node runs this rule: the user's backward, with its results checked so that a
// wrong gradient is named here rather than failing somewhere downstream.
const customRule: BackwardRule<{ definition: CustomOpDefinition; ctx: CustomOpContext }> = (
  dy,
  { inputs, params: { definition, ctx } },
) => {
  const name = definition.name;
  const grads = definition.backward(ctx, dy);
  if (grads.length !== inputs.length) {
    throw new AutogradError(
      `${name} backward: returned ${grads.length} gradients for ${inputs.length} inputs (shape ${fmtShape(dy.shape)} upstream)`,
    );
  }
  grads.forEach((g, i) => {
    // null (or undefined, from untyped code) means no gradient for that input.
    if (g != null && !isTensor(g)) {
      throw new AutogradError(
        `${name} backward: gradient of input ${i} must be a Tensor or null, got ${describe(g)}`,
      );
    }
    // The engine would cast a built-in op's gradient; a user's rule returning another dtype is a bug.
    if (g != null && g.dtype !== inputs[i]!.dtype) {
      throw new AutogradError(
        `${name} backward: gradient of input ${i} has dtype ${g.dtype}, but the input is ${inputs[i]!.dtype}`,
      );
    }
  });
  return grads;
};
