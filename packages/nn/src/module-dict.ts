import { type Tensor, ValueError } from '@backprop/core';
import { setChild } from './container.js';
import { Module } from './module.js';
import { expectModule } from './module-list.js';

/**
 * Submodules by name (PyTorch's `nn.ModuleDict`), with a Map's methods: each is registered as a
 * child under its key, so its parameters are saved as `key.weight`. Keys must be non-empty, contain
 * no `.`, and not be a name the object already has (`training`, `get`, …), as PyTorch's rule. As in
 * any JavaScript object, keys that look like array indices (`'0'`, `'12'`) come first, in
 * ascending order; other keys keep their insertion order. It has no `forward`.
 *
 * @example
 * ```ts
 * const heads = new ModuleDict({ cls: new Linear(8, 10), box: new Linear(8, 4) });
 * heads.get('box')!.forward(randn([2, 8])).shape; // [2, 4]
 * Object.keys(heads.stateDict()); // ['cls.weight', 'cls.bias', 'box.weight', 'box.bias']
 * ```
 */
export class ModuleDict extends Module {
  readonly #keys = new Set<string>();

  /**
   * @param modules The initial modules: a record or `[key, module]` pairs.
   */
  constructor(modules: Record<string, Module> | Iterable<readonly [string, Module]> = {}) {
    super();
    const pairs = Symbol.iterator in modules ? modules : Object.entries(modules);
    for (const [key, module] of pairs as Iterable<readonly [string, Module]>) this.set(key, module);
  }

  /** The number of modules. */
  get size(): number {
    return this.#keys.size;
  }

  /**
   * Adds or replaces the module under `key`; returns `this`.
   *
   * @example
   * ```ts
   * new ModuleDict().set('act', new ReLU()).has('act'); // true
   * ```
   */
  set(key: string, module: Module): this {
    if (typeof key !== 'string' || key === '' || key.includes('.')) {
      throw new ValueError(
        `ModuleDict: a key must be a non-empty string without '.', got ${JSON.stringify(key)}`,
      );
    }
    if (!this.#keys.has(key) && key in this) {
      throw new ValueError(
        `ModuleDict: key '${key}' is already an attribute of ModuleDict; choose another name`,
      );
    }
    expectModule('ModuleDict', `the value for '${key}'`, module);
    setChild(this, key, module);
    this.#keys.add(key);
    return this;
  }

  /**
   * The module under `key`, or undefined.
   *
   * @example
   * ```ts
   * heads.get('cls');
   * ```
   */
  get(key: string): Module | undefined {
    return this.#keys.has(key) ? (this as unknown as Record<string, Module>)[key] : undefined;
  }

  /**
   * Whether a module is stored under `key`.
   *
   * @example
   * ```ts
   * heads.has('cls'); // true
   * ```
   */
  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /**
   * Removes the module under `key`; returns whether there was one.
   *
   * @example
   * ```ts
   * heads.delete('box'); // true
   * ```
   */
  delete(key: string): boolean {
    if (!this.#keys.has(key)) return false;
    delete (this as unknown as Record<string, Module>)[key];
    this.#keys.delete(key);
    return true;
  }

  /**
   * The keys, in the order the state dict lists them.
   *
   * @example
   * ```ts
   * heads.keys(); // ['cls', 'box']
   * ```
   */
  keys(): string[] {
    return Object.keys(this).filter((k) => this.#keys.has(k));
  }

  /**
   * The modules, in key order.
   *
   * @example
   * ```ts
   * heads.values().length; // 2
   * ```
   */
  values(): Module[] {
    return this.keys().map((k) => this.get(k)!);
  }

  /**
   * `[key, module]` pairs, in key order.
   *
   * @example
   * ```ts
   * for (const [name, head] of heads.entries()) console.log(name, String(head));
   * ```
   */
  entries(): [string, Module][] {
    return this.keys().map((k) => [k, this.get(k)!]);
  }

  /** The `[key, module]` pairs, as a Map iterates, so `for (const [k, m] of dict)` works. */
  *[Symbol.iterator](): IterableIterator<[string, Module]> {
    yield* this.entries();
  }

  /** A ModuleDict is a container, not a layer: calling it throws, as PyTorch's does. */
  forward(..._inputs: Tensor[]): Tensor {
    throw new ValueError('ModuleDict has no forward: call the modules it holds by key');
  }
}
