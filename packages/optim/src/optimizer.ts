import { DeviceError, enableGrad, Tensor, ValueError } from '@backprop/core';
import { cloneAs } from './dense.js';
import {
  checkDisjoint,
  checkGroupParams,
  describe,
  gradFits,
  gradMismatch,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  toGroupInputs,
} from './params.js';

/**
 * An optimizer's state for one parameter: buffers (tensors) and counters (numbers).
 *
 * @example
 * ```ts
 * const state: ParamState | undefined = opt.state.get(w); // SGD: { momentumBuffer }
 * ```
 */
export type ParamState = Record<string, Tensor | number>;

/**
 * A snapshot of an optimizer, as PyTorch's `state_dict()`: parameters are numbered in group order,
 * `state` is keyed by that number and each group lists the numbers of its parameters. Tensors are
 * copies, so later steps do not change a saved dict.
 *
 * @example
 * ```ts
 * const saved: OptimizerStateDict = opt.stateDict(); // { state: { 0: { step, expAvg, … } }, paramGroups: [{ lr, …, params: [0, 1] }] }
 * ```
 */
export interface OptimizerStateDict {
  /** Each parameter's state, keyed by its number. */
  state: Record<number, ParamState>;
  /** Each group's options, with `params` listing its parameters' numbers. */
  paramGroups: (Record<string, unknown> & {
    /** Numbers of the group's parameters. */
    params: number[];
  })[];
}

/**
 * Base class of the optimizers: parameter groups, each with its own options; per-parameter state
 * keyed by the parameter tensor; `zeroGrad`, `step` and state dicts as PyTorch's `Optimizer`.
 * Subclasses validate options and update one parameter at a time.
 *
 * @example
 * ```ts
 * const opt = new SGD([w, b], { lr: 0.1, momentum: 0.9 });
 * opt.zeroGrad();
 * loss(w, b).backward();
 * opt.step();
 * ```
 */
export abstract class Optimizer<O extends { lr: number } = { lr: number }> {
  /** The options every group starts from. */
  readonly defaults: O;
  /** The groups; a schedule writes `group.lr`, and any option may be changed between steps. */
  readonly paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state (momentum buffers, moment estimates, step counts). */
  state = new Map<Tensor, ParamState>();
  /** The name errors start with, such as `SGD`. */
  protected readonly optimizerName: string;

  protected constructor(name: string, params: ParamsInput<O>, defaults: O) {
    this.optimizerName = name;
    this.validateOptions(defaults);
    this.defaults = defaults;
    for (const group of toGroupInputs(name, params)) this.addParamGroup(group);
  }

  /** Throws a `ValueError` naming the optimizer and the value when an option is out of range. */
  protected abstract validateOptions(options: O): void;

  /** Updates one parameter from its gradient; `state` is `{}` on the parameter's first step. */
  protected abstract updateParam(p: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  /**
   * Adds a group of parameters with its own options (the rest from `defaults`), as PyTorch's
   * `add_param_group`: for example to train layers that were frozen until now.
   *
   * @example
   * ```ts
   * opt.addParamGroup({ params: [head.weight], lr: 0.01 });
   * ```
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const params = checkGroupParams(this.optimizerName, this.paramGroups.length, group.params);
    checkDisjoint(this.optimizerName, this.paramGroups, params);
    const { params: _, ...options } = group;
    const merged = { ...copyOptions(this.defaults), ...copyOptions(options), params } as ParamGroup<O>;
    this.validateOptions(merged);
    this.paramGroups.push(merged);
    this.initGroupState(merged);
  }

  /** Hook for optimizers whose state starts at construction (Adagrad's accumulator). */
  protected initGroupState(_group: ParamGroup<O>): void {}

  /**
   * Clears every parameter's gradient: to null (PyTorch 2's default), or to zeros with `false`.
   *
   * @example
   * ```ts
   * opt.zeroGrad();
   * ```
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (setToNone) p.grad = null;
        else p.grad?.fill_(0);
      }
    }
  }

  /**
   * Updates every parameter that has a gradient (the others, and their state, are left alone).
   * `closure`, when given, is run first with gradients enabled, and its result returned. Every
   * `.grad` is checked against its parameter before any is used: a shape or dtype that differs
   * throws (`ShapeError`/`DTypeError`) and leaves every parameter and every state buffer as it was.
   *
   * @example
   * ```ts
   * const loss = opt.step(() => { opt.zeroGrad(); const l = lossFn(); l.backward(); return l; });
   * ```
   */
  step<L = undefined>(closure?: () => L): L | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    this.checkGrads();
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        let state = this.state.get(p);
        if (!state) {
          state = {};
          this.state.set(p, state);
        }
        if (stateElsewhere(state, p)) moveState(state, p);
        this.updateParam(p, p.grad, state, group);
      }
    }
    return loss;
  }

  // All parameters are checked before any is written: the update loops read `p.size` elements of
  // the gradient, so a smaller one would write NaN (and a failed step must change nothing).
  private checkGrads(): void {
    const groups = this.paramGroups;
    for (let g = 0; g < groups.length; g++) {
      const params = groups[g]!.params;
      for (let j = 0; j < params.length; j++) {
        const p = params[j]!;
        if (p.grad !== null && !gradFits(p, p.grad)) {
          throw gradMismatch(`${this.optimizerName}.step`, `parameter ${j} of group ${g}`, p, p.grad);
        }
        const state = this.state.get(p);
        if (p.device === 'cpu' && state && stateElsewhere(state, p)) {
          throw new DeviceError(
            `${this.optimizerName}.step: parameter ${j} of group ${g} is on the cpu but its state is on webgpu, which ` +
              'cannot be read back synchronously; build a new optimizer (or load a state dict) after moving the model',
          );
        }
      }
    }
  }

  /**
   * A snapshot of the options and state, with parameters numbered as PyTorch does.
   *
   * @example
   * ```ts
   * const saved = opt.stateDict();
   * ```
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map(({ params, ...options }) => {
      for (const p of params) index.set(p, index.size);
      return { ...copyOptions(options), params: params.map((p) => index.get(p)!) };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = copyState(s, (t) => cloneAs(t));
    }
    return { state, paramGroups };
  }

  /**
   * Restores options and state saved by `stateDict()` onto this optimizer's parameters, matched by
   * position. Tensors are copied and cast to each parameter's dtype. A value that is not a state
   * dict throws a `TypeError`, one that does not fit this optimizer a `ValueError`; either way
   * nothing changes.
   *
   * @example
   * ```ts
   * const fresh = new Adam(model.parameters());
   * fresh.loadStateDict(saved);
   * ```
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    this.checkStateDictTypes(stateDict);
    const byIndex = this.matchParams(stateDict.paramGroups);
    const state = new Map<Tensor, ParamState>();
    for (const [key, saved] of Object.entries(stateDict.state ?? {})) {
      const p = byIndex.get(Number(key));
      if (!p) throw this.loadError(`it holds state for parameter ${key}, which no parameter group holds`);
      if (!isPlainObject(saved)) {
        throw this.typeError(`the state of parameter ${key} must be an object, got ${describe(saved)}`);
      }
      state.set(p, this.loadParamState(key, p, saved));
    }
    const groups = stateDict.paramGroups.map(({ params: _, ...options }, i) => {
      const merged = { ...this.paramGroups[i]!, ...copyOptions(options) };
      this.validateOptions(merged);
      return merged;
    });
    groups.forEach((merged, i) => {
      Object.assign(this.paramGroups[i]!, merged);
    });
    this.state = state;
  }

  // The structure of `{ state, paramGroups: [{ params: number[], ...options }] }`, checked before
  // anything is read from it, so JS callers get an error naming loadStateDict, not a crash inside.
  private checkStateDictTypes(stateDict: unknown): asserts stateDict is OptimizerStateDict {
    if (!isPlainObject(stateDict)) {
      throw this.typeError(`expected a state dict { state, paramGroups }, got ${describe(stateDict)}`);
    }
    const { state, paramGroups } = stateDict;
    if (state !== undefined && !isPlainObject(state)) {
      throw this.typeError(`its state must be an object keyed by parameter number, got ${describe(state)}`);
    }
    if (!Array.isArray(paramGroups)) {
      throw this.typeError(`its paramGroups must be an array, got ${describe(paramGroups)}`);
    }
    paramGroups.forEach((group: unknown, g) => {
      if (!isPlainObject(group))
        throw this.typeError(`its group ${g} must be an object, got ${describe(group)}`);
      const ids = group.params;
      if (!Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) {
        throw this.typeError(
          `its group ${g} must have params, an array of parameter numbers, got ${describe(ids)}`,
        );
      }
    });
  }

  // Pairs each saved parameter number with the parameter at the same place in this optimizer.
  private matchParams(saved: OptimizerStateDict['paramGroups']): Map<number, Tensor> {
    if (saved.length !== this.paramGroups.length) {
      throw this.loadError(
        `it has ${saved.length} parameter groups but the optimizer has ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    saved.forEach((group, g) => {
      const params = this.paramGroups[g]!.params;
      if (group.params.length !== params.length) {
        throw this.loadError(
          `its group ${g} has ${group.params.length} parameters but the optimizer's has ${params.length}`,
        );
      }
      group.params.forEach((id, j) => {
        if (byIndex.has(id))
          throw this.loadError(`parameter number ${id} appears more than once in its paramGroups`);
        byIndex.set(id, params[j]!);
      });
    });
    return byIndex;
  }

  private loadParamState(key: string, p: Tensor, saved: ParamState): ParamState {
    return copyState(saved, (t, name) => {
      if (!(t instanceof Tensor)) {
        throw this.loadError(`state '${name}' of parameter ${key} is neither a Tensor nor a number`);
      }
      if (t.shape.length !== p.shape.length || t.shape.some((d, i) => d !== p.shape[i])) {
        throw this.loadError(
          `state '${name}' of parameter ${key} has shape [${t.shape.join(',')}] but the parameter has [${p.shape.join(',')}]`,
        );
      }
      return cloneAs(t, p.dtype);
    });
  }

  private loadError(why: string): ValueError {
    return new ValueError(`${this.optimizerName}.loadStateDict: the state dict does not fit: ${why}`);
  }

  private typeError(why: string): TypeError {
    return new TypeError(`${this.optimizerName}.loadStateDict: ${why}`);
  }
}

// A copy of plain options that shares no arrays (betas) and drops keys set to undefined.
function copyOptions<T extends object>(options: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? [...value] : value;
  }
  return out as Partial<T>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Tensor);
}

function copyState(state: ParamState, copyTensor: (t: Tensor, name: string) => Tensor): ParamState {
  const out: ParamState = {};
  for (const [name, value] of Object.entries(state)) {
    out[name] = typeof value === 'number' ? value : copyTensor(value, name);
  }
  return out;
}

// Whether a state buffer is on another device than its parameter. Runs per parameter per step,
// so it walks the keys without making an array.
function stateElsewhere(state: ParamState, p: Tensor): boolean {
  for (const key in state) {
    const value = state[key];
    if (value instanceof Tensor && value.device !== p.device) return true;
  }
  return false;
}

// State follows its parameter to the GPU (model.to('webgpu') after some steps): buffers are
// uploaded once, on the next step. The other direction was refused by checkGrads.
function moveState(state: ParamState, p: Tensor): void {
  for (const [key, value] of Object.entries(state)) {
    if (value instanceof Tensor && value.device !== p.device) state[key] = value.to(p.device);
  }
}
