import { type Device, noGrad, ShapeError, Tensor, ValueError } from '@backprop/core';
import { Parameter } from './parameter.js';
import { fmtShape } from './shape-check.js';

/**
 * A state dict: parameter and buffer values by their dotted PyTorch names (`0.weight`,
 * `bn.running_mean`). A plain object in model order; `loadStateDict` and `saveSafetensors` also take a Map.
 */
export type StateDict = Record<string, Tensor>;

/** Options of `loadStateDict`. */
export interface LoadStateDictOptions {
  /** Throw when the dict lacks one of the model's keys or has keys the model lacks (default true). */
  strict?: boolean;
}

/** What a non-strict `loadStateDict` skipped. */
export interface LoadStateDictResult {
  /** Names the module has but the state dict lacked. */
  missingKeys: string[];
  /** Names in the state dict the module does not have. */
  unexpectedKeys: string[];
}

interface OwnMembers {
  params: [string, Parameter][];
  children: [string, AnyModule][];
}

// A module's parameters and submodules are found by walking its own enumerable properties in
// insertion order: Parameters are parameters, Modules are children, and arrays of either are
// numbered `name.0`, `name.1` (PyTorch's ModuleList / ParameterList naming). Plain tensors are
// neither: state that is not learned goes through `registerBuffer`.
function ownMembers(module: AnyModule): OwnMembers {
  const params: [string, Parameter][] = [];
  const children: [string, AnyModule][] = [];
  const visit = (name: string, value: unknown): void => {
    if (value instanceof Parameter) params.push([name, value]);
    else if (value instanceof Module) children.push([name, value]);
  };
  for (const [key, value] of Object.entries(module)) {
    if (!Array.isArray(value)) visit(key, value);
    else for (let i = 0; i < value.length; i++) visit(`${key}.${i}`, value[i]);
  }
  return { params, children };
}

const join = (prefix: string, name: string): string => (prefix === '' ? name : `${prefix}.${name}`);

/**
 * Any module, whatever its `forward` takes and returns: what traversals (`children()`,
 * `namedModules()`, `apply`) and containers of mixed layers hold. Call `forward` on a module of a
 * known class; a plain `Module` is one whose `forward` maps tensors to a tensor.
 */
export type AnyModule = Module<never[], unknown>;

/**
 * Base class of every layer and model. Subclasses create their parameters and submodules as
 * properties in the constructor and override `forward`; names come from the property names, as in
 * PyTorch (`fc1.weight`), and from the index for arrays and `Sequential` (`0.weight`).
 *
 * @example
 * ```ts
 * class Net extends Module {
 *   fc1 = new Linear(2, 8);
 *   fc2 = new Linear(8, 1);
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(this.fc1.forward(x).relu());
 *   }
 * }
 * const net = new Net();
 * net.namedParameters().map(([name]) => name); // ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
 * ```
 */
export abstract class Module<Inputs extends unknown[] = Tensor[], Output = Tensor> {
  /** True in training mode (the default), false after `eval()`; read by Dropout and BatchNorm. */
  training = true;
  readonly #buffers = new Map<string, Tensor | null>();

  /**
   * Computes the module's output. Most layers map tensors to one tensor (the defaults of the type
   * parameters); attention and recurrent layers take options or states and return tuples, as
   * PyTorch's (`MultiheadAttention` is a `Module<[q, k, v, options?], [output, weights]>`).
   */
  abstract forward(...inputs: Inputs): Output;

  /**
   * Registers state that is saved in the state dict but not trained (BatchNorm's running
   * statistics), under `name` as PyTorch spells it. A null buffer is skipped by `stateDict()`.
   */
  protected registerBuffer(name: string, value: Tensor | null): void {
    this.#buffers.set(name, value);
  }

  /** The buffer registered under `name` (null when registered as null or absent). */
  protected buffer(name: string): Tensor | null {
    return this.#buffers.get(name) ?? null;
  }

  /**
   * The direct submodules with their names.
   *
   * @example
   * ```ts
   * new Sequential(new Linear(2, 2), new ReLU()).namedChildren().map(([n]) => n); // ['0', '1']
   * ```
   */
  namedChildren(): [string, AnyModule][] {
    return ownMembers(this).children;
  }

  /**
   * The direct submodules.
   *
   * @example
   * ```ts
   * model.children().length;
   * ```
   */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /**
   * This module and every submodule, depth first, each once, with dotted names ('' for this one).
   *
   * @example
   * ```ts
   * model.namedModules().map(([name, m]) => `${name}: ${m.constructor.name}`);
   * ```
   */
  namedModules(prefix = ''): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    const seen = new Set<AnyModule>();
    const visit = (name: string, module: AnyModule): void => {
      if (seen.has(module)) return;
      seen.add(module);
      out.push([name, module]);
      for (const [child, m] of module.namedChildren()) visit(join(name, child), m);
    };
    visit(prefix, this);
    return out;
  }

  /**
   * Every parameter with its dotted name, each once even when shared, in PyTorch's order: a
   * module's own parameters, then its children's.
   *
   * @example
   * ```ts
   * new Linear(3, 2).namedParameters().map(([n, p]) => `${n} ${p.shape}`); // ['weight 2,3', 'bias 2']
   * ```
   */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const seen = new Set<Parameter>();
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, p] of ownMembers(module).params) {
        if (seen.has(p)) continue;
        seen.add(p);
        out.push([join(prefix, name), p]);
      }
    }
    return out;
  }

  /**
   * Every parameter, each once, for an optimizer.
   *
   * @example
   * ```ts
   * const count = model.parameters().reduce((n, p) => n + p.size, 0);
   * ```
   */
  parameters(): Parameter[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Every registered (non-null) buffer with its dotted name.
   *
   * @example
   * ```ts
   * new BatchNorm1d(4).namedBuffers().map(([n]) => n); // ['running_mean', 'running_var', 'num_batches_tracked']
   * ```
   */
  namedBuffers(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [prefix, module] of this.namedModules()) {
      for (const [name, b] of module.#buffers) if (b) out.push([join(prefix, name), b]);
    }
    return out;
  }

  /**
   * Sets training mode on this module and every submodule; returns `this`.
   *
   * @example
   * ```ts
   * model.train();
   * ```
   */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /**
   * Sets evaluation mode (Dropout off, BatchNorm uses its running statistics); returns `this`.
   *
   * @example
   * ```ts
   * const y = model.eval().forward(x);
   * ```
   */
  eval(): this {
    return this.train(false);
  }

  /**
   * Moves every parameter, gradient and buffer to `device` in place (`'cpu'` or `'webgpu'`) and
   * returns `this`. The `Parameter` objects stay the same, so an optimizer built before still
   * updates them; its state follows on its next step. From webgpu back to the cpu the values can
   * only be read asynchronously, so that direction throws (read `stateDict()` values with
   * `dataAsync()` instead).
   *
   * @example
   * ```ts
   * await initWebGPU();
   * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1)).to('webgpu');
   * ```
   */
  to(device: Device): this {
    noGrad(() => {
      for (const p of this.parameters()) {
        if (p.device === device) continue;
        p.set_(p.detach().to(device));
        if (p.grad !== null) p.grad = p.grad.to(device);
      }
      for (const [, b] of this.namedBuffers()) if (b.device !== device) b.set_(b.to(device));
    });
    return this;
  }

  /**
   * Sets `requiresGrad` on every parameter of this module and its submodules and returns `this`
   * (PyTorch's `requires_grad_`): `false` freezes them, so backward leaves their `.grad` alone,
   * `true` (the default) unfreezes them. Gradients already accumulated are kept.
   *
   * @example
   * ```ts
   * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
   * model.children()[0]!.requiresGrad_(false); // train only the last layer
   * ```
   */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /**
   * Clears every parameter's gradient (sets `.grad` to null, as PyTorch's default).
   *
   * @example
   * ```ts
   * model.zeroGrad();
   * ```
   */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * Calls `fn` on every submodule (children first) and then on this one; returns `this`.
   *
   * @example
   * ```ts
   * model.apply((m) => { if (m instanceof Linear) init.zeros_(m.weight); });
   * ```
   */
  apply(fn: (module: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /**
   * Parameters and buffers by dotted name, as detached tensors that share the model's storage
   * (PyTorch's `state_dict()`): pass it to `saveSafetensors`, or to another model's `loadStateDict`.
   *
   * @example
   * ```ts
   * Object.keys(new Sequential(new Linear(2, 3)).stateDict()); // ['0.weight', '0.bias']
   * ```
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    const visit = (prefix: string, module: AnyModule, path: Set<AnyModule>): void => {
      if (path.has(module)) return; // a module that refers back to an ancestor: stop the cycle
      path.add(module);
      const { params, children } = ownMembers(module);
      for (const [name, p] of params) out[join(prefix, name)] = p.detach();
      for (const [name, b] of module.#buffers) if (b) out[join(prefix, name)] = b.detach();
      for (const [name, m] of children) visit(join(prefix, name), m, path);
      path.delete(module);
    };
    visit('', this, new Set());
    return out;
  }

  /**
   * Copies values from `stateDict` into the model's existing parameters and buffers (converting to
   * their dtype). Everything is checked before anything is written, so on error the model is
   * unchanged: keys the model lacks or that are missing (when `strict`, the default), and shapes
   * that differ (always). Something other than an object or Map of tensors (null, an array, a
   * value that is not a Tensor) throws a `TypeError`.
   *
   * @example
   * ```ts
   * const copy = new Linear(3, 2);
   * copy.loadStateDict(new Linear(3, 2).stateDict());
   * ```
   */
  loadStateDict(
    stateDict: StateDict | ReadonlyMap<string, Tensor>,
    options: LoadStateDictOptions = {},
  ): LoadStateDictResult {
    const name = this.constructor.name;
    if (stateDict === null || typeof stateDict !== 'object' || Array.isArray(stateDict)) {
      const got = stateDict === null ? 'null' : Array.isArray(stateDict) ? 'an array' : typeof stateDict;
      throw new TypeError(
        `loadStateDict: expected a state dict (an object or Map of Tensors) for ${name}, got ${got}`,
      );
    }
    if (options === null || typeof options !== 'object') {
      throw new TypeError(
        `loadStateDict: options must be an object such as { strict: false }, got ${String(options)}`,
      );
    }
    const strict = options.strict ?? true;
    const own = new Map(Object.entries(this.stateDict()));
    const given = stateDict instanceof Map ? stateDict : new Map(Object.entries(stateDict));
    const unexpectedKeys = [...given.keys()].filter((k) => !own.has(k));
    const missingKeys = [...own.keys()].filter((k) => !given.has(k));
    if (strict && (unexpectedKeys.length > 0 || missingKeys.length > 0)) {
      const parts = [];
      if (missingKeys.length > 0) parts.push(`missing keys ${JSON.stringify(missingKeys)}`);
      if (unexpectedKeys.length > 0) parts.push(`unexpected keys ${JSON.stringify(unexpectedKeys)}`);
      throw new ValueError(`loadStateDict: error loading state dict into ${name}: ${parts.join('; ')}`);
    }
    const pairs: [Tensor, Tensor][] = [];
    const mismatches: string[] = [];
    for (const [key, value] of given) {
      const target = own.get(key);
      if (!target) continue;
      if (!(value instanceof Tensor)) {
        throw new TypeError(`loadStateDict: value for '${key}' in ${name} is not a Tensor`);
      }
      if (fmtShape(value.shape) !== fmtShape(target.shape)) {
        mismatches.push(
          `'${key}': shape ${fmtShape(value.shape)} in the state dict, ${fmtShape(target.shape)} in the model`,
        );
      }
      pairs.push([target, value]);
    }
    if (mismatches.length > 0) {
      throw new ShapeError(`loadStateDict: size mismatch in ${name}: ${mismatches.join('; ')}`);
    }
    noGrad(() => {
      for (const [target, value] of pairs) target.copy_(value);
    });
    return { missingKeys, unexpectedKeys };
  }

  /** A short description for messages, such as `Linear(3, 4)`; layers override it. */
  describe(): string {
    return `${this.constructor.name}()`;
  }

  /**
   * A nested description of the module tree, like PyTorch's repr.
   *
   * @example
   * ```ts
   * String(new Sequential(new Linear(2, 2), new ReLU())); // 'Sequential(\n  (0): Linear(2, 2)\n  (1): ReLU()\n)'
   * ```
   */
  toString(): string {
    const children = this.namedChildren();
    if (children.length === 0) return this.describe();
    const lines = children.map(([n, m]) => `  (${n}): ${String(m).replaceAll('\n', '\n  ')}`);
    return `${this.constructor.name}(\n${lines.join('\n')}\n)`;
  }
}
