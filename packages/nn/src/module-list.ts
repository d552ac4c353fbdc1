import { IndexError, type Tensor, ValueError } from '@backprop/core';
import { setChild } from './container.js';
import { Module } from './module.js';

/** Throws unless `module` is a Module, naming the container and the position. */
export function expectModule(container: string, at: string, module: unknown): asserts module is Module {
  if (!(module instanceof Module)) {
    throw new ValueError(`${container}: ${at} is not a Module (got ${String(module)})`);
  }
}

/**
 * A list of submodules (PyTorch's `nn.ModuleList`): they are registered as children named `'0'`,
 * `'1'`, …, so their parameters are found by `parameters()` and saved under `0.weight`, `1.bias`.
 * It has no `forward`; a model's own `forward` calls the modules.
 *
 * @example
 * ```ts
 * const blocks = new ModuleList([new Linear(4, 4), new Linear(4, 4)]);
 * blocks.append(new Linear(4, 2));
 * let y = randn([3, 4]);
 * for (const block of blocks) y = block.forward(y);
 * Object.keys(blocks.stateDict()); // ['0.weight', '0.bias', '1.weight', '1.bias', '2.weight', '2.bias']
 * ```
 */
export class ModuleList extends Module {
  readonly [index: number]: Module;
  #count = 0;

  /**
   * @param modules The initial modules, in order.
   */
  constructor(modules: Iterable<Module> = []) {
    super();
    this.extend(modules);
  }

  /** The number of modules. */
  get length(): number {
    return this.#count;
  }

  /**
   * Adds a module at the end; returns `this`.
   *
   * @example
   * ```ts
   * new ModuleList().append(new ReLU()).length; // 1
   * ```
   */
  append(module: Module): this {
    expectModule('ModuleList', `item ${this.#count}`, module);
    setChild(this, String(this.#count), module);
    this.#count += 1;
    return this;
  }

  /**
   * Adds each module at the end, in order; returns `this`.
   *
   * @example
   * ```ts
   * new ModuleList([new ReLU()]).extend([new Tanh(), new Sigmoid()]).length; // 3
   * ```
   */
  extend(modules: Iterable<Module>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  /**
   * Inserts a module before position `index` (negative counts from the end; out-of-range positions
   * insert at an end, as a list's insert); later modules move up one name.
   *
   * @example
   * ```ts
   * const list = new ModuleList([new ReLU(), new Tanh()]);
   * list.insert(1, new Sigmoid()); // ReLU, Sigmoid, Tanh
   * ```
   */
  insert(index: number, module: Module): void {
    if (!Number.isInteger(index))
      throw new ValueError(`ModuleList.insert: index must be an integer, got ${index}`);
    expectModule('ModuleList', `insert(${index})`, module);
    const n = this.#count;
    const at = Math.min(Math.max(index < 0 ? index + n : index, 0), n);
    for (let i = n; i > at; i--) setChild(this, String(i), this[i - 1]!);
    setChild(this, String(at), module);
    this.#count += 1;
  }

  /**
   * The module at `index`; negative indices count from the end. Out of range throws an IndexError.
   *
   * @example
   * ```ts
   * new ModuleList([new ReLU(), new Tanh()]).at(-1); // the Tanh
   * ```
   */
  at(index: number): Module {
    const n = this.#count;
    if (!Number.isInteger(index) || index < -n || index >= n) {
      throw new IndexError(`ModuleList: index ${index} is out of range for a list of ${n} modules`);
    }
    return this[index < 0 ? index + n : index]!;
  }

  /** The modules in order, so `for (const m of list)` and `[...list]` work. */
  *[Symbol.iterator](): IterableIterator<Module> {
    for (let i = 0; i < this.#count; i++) yield this[i]!;
  }

  /** A ModuleList is a container, not a layer: calling it throws, as PyTorch's does. */
  forward(..._inputs: Tensor[]): Tensor {
    throw new ValueError('ModuleList has no forward: call the modules it holds (for example in a loop)');
  }
}
