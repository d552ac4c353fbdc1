import { DTypeError, ShapeError, Tensor, ValueError } from '@backprop/core';

/**
 * Fields that learning-rate schedules add to a parameter group (PyTorch's `initial_lr`, `max_lr`,
 * `min_lr`, `max_momentum`, `base_momentum`, in camelCase).
 *
 * @example
 * ```ts
 * new StepLR(opt, { stepSize: 10 });
 * opt.paramGroups[0].initialLr; // the lr the schedule started from
 * ```
 */
export interface ScheduleFields {
  /** The lr a schedule started from (set by every schedule). */
  initialLr?: number;
  /** OneCycleLR's peak learning rate. */
  maxLr?: number;
  /** OneCycleLR's final learning rate. */
  minLr?: number;
  /** OneCycleLR's momentum (or beta1) at the start and end of the cycle. */
  maxMomentum?: number;
  /** OneCycleLR's momentum (or beta1) at the peak learning rate. */
  baseMomentum?: number;
}

/**
 * A parameter group: its tensors and its own copy of every option `O` of the optimizer.
 *
 * @example
 * ```ts
 * for (const group of opt.paramGroups) group.lr *= 0.5;
 * ```
 */
export type ParamGroup<O> = O &
  ScheduleFields & {
    /** The group's parameters. */
    params: Tensor[];
  };

/**
 * A group as the user gives it: tensors, and any options that differ from the optimizer's defaults.
 *
 * @example
 * ```ts
 * new SGD([{ params: backbone }, { params: head, lr: 0.1 }], { lr: 0.01, momentum: 0.9 });
 * ```
 */
export type ParamGroupInput<O> = Partial<O> & {
  /** The group's parameters. */
  params: Iterable<Tensor> | Tensor;
};

/**
 * What an optimizer takes: tensors, or groups of tensors each with its own options.
 *
 * @example
 * ```ts
 * new Adam([w, b]); // or new Adam([{ params: [w] }, { params: [b], weightDecay: 0 }])
 * ```
 */
export type ParamsInput<O> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

function isGroupInput<O>(item: unknown): item is ParamGroupInput<O> {
  return typeof item === 'object' && item !== null && !(item instanceof Tensor) && 'params' in item;
}

// Splits what the user passed into group inputs: one group of all tensors, or the groups given.
export function toGroupInputs<O>(name: string, params: ParamsInput<O>): ParamGroupInput<O>[] {
  if (
    params instanceof Tensor ||
    params === null ||
    typeof params !== 'object' ||
    !(Symbol.iterator in params)
  ) {
    const got = params instanceof Tensor ? 'a single Tensor (pass [tensor])' : describe(params);
    throw new TypeError(`${name}: params must be an iterable of Tensors or of parameter groups, got ${got}`);
  }
  const items: unknown[] = [...(params as Iterable<unknown>)];
  if (items.length === 0) throw new ValueError(`${name}: got an empty parameter list`);
  if (items.every((item) => isGroupInput<O>(item))) return items as ParamGroupInput<O>[];
  if (items.some((item) => isGroupInput<O>(item))) {
    throw new ValueError(`${name}: params mixes Tensors and parameter groups; give one kind`);
  }
  return [{ params: items as Tensor[] } as unknown as ParamGroupInput<O>];
}

// The tensors of one group, checked: tensors, floating point, leaves, each at most once.
export function checkGroupParams(name: string, groupIndex: number, params: unknown): Tensor[] {
  const list: unknown[] =
    params instanceof Tensor
      ? [params]
      : params !== null && typeof params === 'object' && Symbol.iterator in params
        ? [...(params as Iterable<unknown>)]
        : [params];
  const seen = new Set<Tensor>();
  list.forEach((p, i) => {
    const where = `parameter ${i} of group ${groupIndex}`;
    if (!(p instanceof Tensor)) throw new TypeError(`${name}: ${where} is not a Tensor (got ${describe(p)})`);
    if (p.dtype === 'int32') {
      throw new DTypeError(
        `${name}: ${where} has dtype int32; only float32 and float64 tensors can be optimized`,
      );
    }
    if (!p.isLeaf)
      throw new ValueError(`${name}: ${where} is not a leaf tensor; only leaves can be optimized`);
    if (seen.has(p)) throw new ValueError(`${name}: ${where} appears twice in the group`);
    seen.add(p);
  });
  return list as Tensor[];
}

// Throws when a new group holds a tensor that an existing group already holds.
export function checkDisjoint(name: string, groups: readonly { params: Tensor[] }[], params: Tensor[]): void {
  groups.forEach((group, g) => {
    const i = params.findIndex((p) => group.params.includes(p));
    if (i >= 0) {
      throw new ValueError(
        `${name}: some parameters appear in more than one parameter group ` +
          `(parameter ${i} of the new group ${groups.length} is already in group ${g})`,
      );
    }
  });
}

/**
 * Whether `grad` is a Tensor of `p`'s shape and dtype: a few comparisons per parameter and no
 * allocation, so every step can afford it. `gradMismatch` says what is wrong when it is not.
 */
export function gradFits(p: Tensor, grad: unknown): boolean {
  if (!(grad instanceof Tensor) || grad.dtype !== p.dtype) return false;
  const a = grad.shape;
  const b = p.shape;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The error for a `grad` that does not fit `p`; `where` names the parameter (`parameter 2 of group 0`). */
export function gradMismatch(op: string, where: string, p: Tensor, grad: unknown): Error {
  if (!(grad instanceof Tensor)) {
    return new TypeError(`${op}: the .grad of ${where} is not a Tensor (got ${describe(grad)})`);
  }
  if (fmtShape(grad.shape) !== fmtShape(p.shape)) {
    return new ShapeError(
      `${op}: ${where} has shape ${fmtShape(p.shape)} but its .grad has shape ${fmtShape(grad.shape)}`,
    );
  }
  return new DTypeError(`${op}: ${where} has dtype ${p.dtype} but its .grad has dtype ${grad.dtype}`);
}

function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** A short description of a value of the wrong type, for error messages: `null`, `string 'a'`, `an array`. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object'
    ? (value.constructor?.name ?? 'object')
    : typeof value === 'string'
      ? `string '${value}'`
      : `${typeof value} ${String(value)}`;
}
