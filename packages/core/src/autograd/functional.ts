import { expectIndexList, expectInteger, expectOptions, expectTensor, wrongType } from '../checks.js';
import { ones, zeros } from '../creation.js';
import { AutogradError, fmtShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { runBackward } from './backward.js';
import { isGradEnabled, withGradMode } from './grad-mode.js';

/** Options of `grad` and `valueAndGrad`. */
export interface GradOptions {
  /** Which arguments to differentiate with respect to (default 0). */
  argnums?: number | readonly number[];
}

/** One gradient for a single argnum, an array for a list. */
export type Gradients = Tensor | Tensor[];

function checkGradArguments(op: string, f: unknown, options: GradOptions): void {
  if (typeof f !== 'function') wrongType(op, 'f', 'a function', f);
  expectOptions(op, options);
  const { argnums } = options;
  if (typeof argnums === 'number') expectInteger(op, 'argnums', argnums, 0);
  else if (argnums !== undefined) expectIndexList(op, 'argnums', argnums);
}

function argList(argnums: number | readonly number[] | undefined): number[] {
  if (argnums === undefined) return [0];
  return typeof argnums === 'number' ? [argnums] : [...argnums];
}

// Differentiates `f` at `args`. Each chosen argument enters through a fresh node, so an outer
// grad() that is differentiating the same tensor still sees the path: that is what lets
// grad(grad(f)) compute second derivatives.
function evaluate(
  f: (...args: Tensor[]) => Tensor,
  args: Tensor[],
  argnums: number | readonly number[] | undefined,
): { value: Tensor; grads: Tensor[] } {
  const which = argList(argnums);
  args.forEach((a, i) => {
    expectTensor('grad', `argument ${i}`, a);
  });
  const inputs = args.slice();
  const outer = isGradEnabled();
  // f is recorded even under noGrad: grad() must see its graph, it just hands back no graph then.
  const value = withGradMode(true, () => {
    for (const i of which) {
      const a = args[i];
      if (!a) throw new AutogradError(`grad: argnum ${i} is out of range for ${args.length} arguments`);
      inputs[i] = a.requiresGrad ? a.add(0) : a.detach().requiresGrad_(true);
    }
    return f(...inputs);
  });
  if (value.size !== 1) {
    throw new AutogradError(`grad: f must return a scalar tensor, got shape ${fmtShape(value.shape)}`);
  }
  const targets = which.map((i) => inputs[i]!);
  const nested = outer && reachesOuterLeaf(value, new Set(targets));
  const grads = value.requiresGrad
    ? runBackward([value], [ones(value.shape, { dtype: value.dtype })], {
        inputs: targets,
        createGraph: nested,
      })
    : targets.map(() => null);
  return {
    value: nested ? value : value.detach(),
    grads: grads.map((g, k) => g ?? zeros(targets[k]!.shape, { dtype: targets[k]!.dtype })),
  };
}

// Whether `value` depends on a tensor requiring grad other than the fresh leaves grad() made: an
// argument the caller differentiates, or one captured by f (grad(y => grad(x => x.mul(y))(x0))(y0)).
// Only then must the backward pass be recorded, so that an outer grad or backward sees through it.
function reachesOuterLeaf(value: Tensor, fresh: ReadonlySet<Tensor>): boolean {
  const stack = [value];
  const seen = new Set<Tensor>();
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (seen.has(t) || !t.requiresGrad) continue;
    seen.add(t);
    if (t.gradFn === null) {
      if (!fresh.has(t)) return true;
    } else {
      // A loop, not push(...inputs): an op may have more inputs than the stack has room for arguments.
      for (const input of t.gradFn.inputs) stack.push(input);
    }
  }
  return false;
}

/**
 * Turns a scalar function of tensors into the function giving its gradients (JAX style): one
 * tensor for one argnum (the default, 0), an array in the same order for an array of argnums.
 * Composes: `grad(x => grad(f)(x).sum())` is the second derivative.
 *
 * @example
 * ```ts
 * const f = (x: Tensor) => x.pow(3).sum();
 * grad(f)(tensor([2])).toArray(); // [12]
 * grad((x: Tensor) => grad(f)(x).sum())(tensor([2])).toArray(); // [12]
 * const [dx, dy] = grad((x: Tensor, y: Tensor) => x.mul(y).sum(), { argnums: [0, 1] })(tensor([2]), tensor([3]));
 * ```
 */
export function grad(
  f: (...args: Tensor[]) => Tensor,
  options?: { argnums?: number },
): (...args: Tensor[]) => Tensor;
export function grad(
  f: (...args: Tensor[]) => Tensor,
  options: { argnums: readonly number[] },
): (...args: Tensor[]) => Tensor[];
export function grad(
  f: (...args: Tensor[]) => Tensor,
  options: GradOptions = {},
): (...args: Tensor[]) => Gradients {
  checkGradArguments('grad', f, options);
  return (...args) => {
    const { grads } = evaluate(f, args, options.argnums);
    return typeof options.argnums === 'object' ? grads : grads[0]!;
  };
}

/**
 * Like `grad`, but also returns the value of `f`: `[value, gradients]`, typed as `grad`'s.
 *
 * @example
 * ```ts
 * const [loss, g] = valueAndGrad((w: Tensor) => w.square().sum())(tensor([3]));
 * ```
 */
export function valueAndGrad(
  f: (...args: Tensor[]) => Tensor,
  options?: { argnums?: number },
): (...args: Tensor[]) => [Tensor, Tensor];
export function valueAndGrad(
  f: (...args: Tensor[]) => Tensor,
  options: { argnums: readonly number[] },
): (...args: Tensor[]) => [Tensor, Tensor[]];
export function valueAndGrad(
  f: (...args: Tensor[]) => Tensor,
  options: GradOptions = {},
): (...args: Tensor[]) => [Tensor, Gradients] {
  checkGradArguments('valueAndGrad', f, options);
  return (...args) => {
    const { value, grads } = evaluate(f, args, options.argnums);
    return [value, typeof options.argnums === 'object' ? grads : grads[0]!];
  };
}
