import { ValueError } from '@backprop/core';
import { Optimizer } from '../optimizer.js';

/**
 * A scheduler's saved state: its plain fields (numbers and arrays), as PyTorch's `state_dict()`.
 *
 * @example
 * ```ts
 * const saved: SchedulerStateDict = sched.stateDict(); // { lastEpoch, baseLrs, lastLr, … }
 * ```
 */
export type SchedulerStateDict = Record<string, unknown>;

// Fields that are wiring, not state: never saved, never overwritten by loadStateDict.
const NOT_STATE = new Set(['optimizer', 'schedulerName', 'lrLambdas', 'schedulers']);

// A deep copy of plain data, so a saved dict shares no arrays with the live scheduler.
export function copyPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyPlain) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyPlain(v)])) as T;
  }
  return value;
}

/** The saveable fields of `owner`: everything but wiring and functions. */
export function plainState(owner: object): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [key, value] of Object.entries(owner)) {
    if (!NOT_STATE.has(key) && typeof value !== 'function') out[key] = copyPlain(value);
  }
  return out;
}

// Fields holding one value per parameter group: a saved dict must have as many.
const PER_GROUP = new Set(['baseLrs', 'lastLr', 'minLrs']);

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/**
 * Throws unless `state` could have come from `owner.stateDict()`: a plain object whose keys are
 * fields `owner` saves, each of the same kind as now (number, string, array...), per-group arrays
 * of the same length. `nullable` keys may also be null (JSON writes ±Infinity as null). Missing
 * keys keep their values, as PyTorch's `load_state_dict`.
 */
export function checkPlainState(
  name: string,
  owner: object,
  state: unknown,
  nullable: readonly string[] = [],
): asserts state is SchedulerStateDict {
  const where = `${name}.loadStateDict`;
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new TypeError(`${where}: expected a state dict object (from stateDict()), got ${kindOf(state)}`);
  }
  const current = plainState(owner);
  for (const [key, value] of Object.entries(state)) {
    if (NOT_STATE.has(key)) continue;
    if (!(key in current))
      throw new ValueError(`${where}: the state dict has '${key}', which ${name} does not save`);
    const want = kindOf(current[key]);
    const got = kindOf(value);
    if (got !== want && !(got === 'null' && nullable.includes(key))) {
      throw new TypeError(`${where}: '${key}' must be a ${want}, got ${got} ${JSON.stringify(value)}`);
    }
    if (PER_GROUP.has(key)) checkPerGroup(where, key, value as unknown[], (current[key] as unknown[]).length);
  }
}

function checkPerGroup(where: string, key: string, values: unknown[], groups: number): void {
  if (values.length !== groups) {
    throw new ValueError(
      `${where}: '${key}' has ${values.length} values but the optimizer has ${groups} parameter groups`,
    );
  }
  const i = values.findIndex((v) => typeof v !== 'number');
  if (i >= 0) throw new TypeError(`${where}: '${key}'[${i}] must be a number, got ${kindOf(values[i])}`);
}

/** Writes the saveable fields of `state` onto `owner`. */
export function loadPlainState(owner: object, state: SchedulerStateDict): void {
  for (const [key, value] of Object.entries(state)) {
    if (!NOT_STATE.has(key) && typeof value !== 'function') Reflect.set(owner, key, copyPlain(value));
  }
}

export function checkOptimizer(name: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) {
    throw new ValueError(
      `${name}: expected an Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`,
    );
  }
}

/**
 * Base class of the epoch-based learning-rate schedules, as PyTorch's `LRScheduler`: each
 * `step()` advances `lastEpoch` and writes every group's `lr`. Construction performs the first
 * step (epoch 0), so the optimizer starts at the schedule's first value. Call `step()` after
 * `optimizer.step()`.
 *
 * @example
 * ```ts
 * const sched = new StepLR(opt, { stepSize: 30 });
 * for (let epoch = 0; epoch < 90; epoch++) { train(); sched.step(); }
 * ```
 */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` the schedule writes. */
  readonly optimizer: Optimizer;
  /** Each group's `initialLr`: the learning rate the schedule scales. */
  baseLrs: number[] = [];
  /** Steps taken: 0 after construction. */
  lastEpoch = -1;
  /** Calls of `step()` (PyTorch's `_step_count`; CosineAnnealingLR's first step depends on it). */
  protected stepCount = 0;
  /** The learning rates the last step wrote, as `getLastLr()` returns them. */
  protected lastLr: number[] = [];
  /** The name errors start with, such as `StepLR`. */
  protected readonly schedulerName: string;

  protected constructor(name: string, optimizer: Optimizer) {
    checkOptimizer(name, optimizer);
    this.schedulerName = name;
    this.optimizer = optimizer;
  }

  /** Records base learning rates and takes the first step; derived constructors call it last. */
  protected start(lastEpoch: number): void {
    const groups = this.optimizer.paramGroups;
    if (lastEpoch !== -1) {
      const i = groups.findIndex((g) => g.initialLr === undefined);
      if (i >= 0) {
        throw new ValueError(
          `${this.schedulerName}: param group ${i} has no initialLr, which resuming with lastEpoch ${lastEpoch} requires`,
        );
      }
    }
    for (const group of groups) group.initialLr ??= group.lr;
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
    this.initialStep();
  }

  /** The learning rates of the step to `lastEpoch`, from the current ones (PyTorch's chainable form). */
  protected abstract getLr(): number[];

  /** The learning rates at `lastEpoch` from `baseLrs` alone; schedules without one use `getLr`. */
  protected closedFormLr(): number[] {
    return this.getLr();
  }

  /** @internal Restarts the step count and takes the first step (used by SequentialLR). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /**
   * Advances the schedule one step and writes each group's `lr`.
   *
   * @example
   * ```ts
   * opt.step();
   * sched.step();
   * ```
   */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    this.setLrs(this.getLr());
  }

  /** @internal Jumps to `epoch` with the closed form (PyTorch's deprecated `step(epoch)`; used by SequentialLR). */
  stepAt(epoch: number): void {
    this.stepCount++;
    this.lastEpoch = epoch;
    this.setLrs(this.closedFormLr());
  }

  /** Writes `lrs[i]` to group i's `lr` and remembers them for `getLastLr()`. */
  protected setLrs(lrs: readonly number[]): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = lrs[i]!;
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The current groups' learning rates, for schedules that leave them unchanged at a step. */
  protected currentLrs(): number[] {
    return this.optimizer.paramGroups.map((g) => g.lr);
  }

  /**
   * The learning rate of each group as the last step set it.
   *
   * @example
   * ```ts
   * sched.getLastLr(); // [0.1]
   * ```
   */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * The schedule's state (plain numbers and arrays, JSON-safe), not the optimizer's.
   *
   * @example
   * ```ts
   * const saved = JSON.stringify(sched.stateDict());
   * ```
   */
  stateDict(): SchedulerStateDict {
    return plainState(this);
  }

  /**
   * Restores a state saved by `stateDict()`; restore the optimizer's state as well. A value that
   * is not such a dict (null, a field of the wrong kind, one this schedule does not save, per-group
   * lists of another length) throws and changes nothing.
   *
   * @example
   * ```ts
   * sched.loadStateDict(JSON.parse(saved));
   * ```
   */
  loadStateDict(stateDict: SchedulerStateDict): void {
    this.checkStateDict(stateDict);
    loadPlainState(this, stateDict);
  }

  /** @internal Throws unless `stateDict` fits this schedule (SequentialLR checks every child first). */
  checkStateDict(stateDict: unknown): void {
    checkPlainState(this.schedulerName, this, stateDict);
  }
}
