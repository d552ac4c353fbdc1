import { type Tensor, ValueError } from '@backprop/core';
import { ELU, Identity, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Step, Tanh } from './activations.js';
import { Linear, type LinearOptions } from './linear.js';
import { Module } from './module.js';

/**
 * Registers `module` as a child of `owner` under `name`: an own enumerable property, which the
 * Module walker finds and names (numeric names `'0'`, `'1'` give PyTorch's `0.weight` keys).
 */
export function setChild(owner: Module, name: string, module: Module): void {
  Object.defineProperty(owner, name, { value: module, enumerable: true, writable: true, configurable: true });
}

/**
 * Runs modules one after another. Children are named `'0'`, `'1'`, … as PyTorch's `nn.Sequential`,
 * so state dicts carry the same keys (`0.weight`, `2.bias`); `seq[i]` is the i-th module.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(2, 8), new ReLU(), new Linear(8, 1));
 * model.call(randn([4, 2])).shape; // [4, 1]
 * ```
 */
export class Sequential extends Module {
  readonly [index: number]: Module;
  #count = 0;

  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.append(m);
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
   * new Sequential(new Linear(2, 2)).append(new ReLU()).length; // 2
   * ```
   */
  append(module: Module): this {
    if (!(module instanceof Module)) {
      throw new ValueError(`Sequential: item ${this.#count} is not a Module (got ${String(module)})`);
    }
    setChild(this, String(this.#count), module);
    this.#count += 1;
    return this;
  }

  /** The modules in order, so `for (const layer of seq)` and `[...seq]` work. */
  *[Symbol.iterator](): IterableIterator<Module> {
    for (let i = 0; i < this.#count; i++) yield this[i]!;
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const m of this) out = m.forward(out);
    return out;
  }

  /**
   * Same as `forward(x)`.
   *
   * @example
   * ```ts
   * const y = model.call(x);
   * ```
   */
  call(x: Tensor): Tensor {
    return this.forward(x);
  }
}

/** Activations `MLP` knows by name. */
export type ActivationName =
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'leakyRelu'
  | 'elu'
  | 'step'
  | 'identity'
  | 'softmax'
  | 'logSoftmax';

/** An activation by name, or a factory called once per layer. */
export type Activation = ActivationName | (() => Module);

/** Options of `MLP`. */
export interface MLPOptions extends LinearOptions {
  /** After every hidden Linear (default 'relu'). */
  activation?: Activation;
  /** After the last Linear (default none). */
  outputActivation?: Activation | null;
}

const ACTIVATIONS: Record<ActivationName, () => Module> = {
  relu: () => new ReLU(),
  sigmoid: () => new Sigmoid(),
  tanh: () => new Tanh(),
  leakyRelu: () => new LeakyReLU(),
  elu: () => new ELU(),
  step: () => new Step(),
  identity: () => new Identity(),
  softmax: () => new Softmax(-1),
  logSoftmax: () => new LogSoftmax(-1),
};

function makeActivation(spec: Activation): Module {
  if (typeof spec === 'function') return spec();
  const factory = ACTIVATIONS[spec];
  if (!factory) {
    throw new ValueError(
      `MLP: unknown activation '${spec}'; use one of ${Object.keys(ACTIVATIONS).join(', ')}`,
    );
  }
  return factory();
}

function mlpLayers(sizes: readonly number[], options: MLPOptions): Module[] {
  if (sizes.length < 2) {
    throw new ValueError(`MLP: sizes needs at least an input and an output size, got [${sizes.join(',')}]`);
  }
  const { activation = 'relu', outputActivation = null, ...linear } = options;
  const layers: Module[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    layers.push(new Linear(sizes[i]!, sizes[i + 1]!, linear));
    const last = i + 2 === sizes.length;
    if (!last) layers.push(makeActivation(activation));
    else if (outputActivation) layers.push(makeActivation(outputActivation));
  }
  return layers;
}

/**
 * A fully connected network: Linear layers of the given sizes with an activation between them (and
 * optionally after the last). A `Sequential`, so parameters are named `0.weight`, `2.weight`, ….
 *
 * @example
 * ```ts
 * const net = new MLP([3, 4, 2]); // Linear(3, 4), ReLU, Linear(4, 2)
 * net.parameters().reduce((n, p) => n + p.size, 0); // 26
 * const xor = new MLP([2, 2, 1], { activation: 'sigmoid', outputActivation: 'sigmoid' });
 * ```
 */
export class MLP extends Sequential {
  constructor(sizes: readonly number[], options: MLPOptions = {}) {
    super(...mlpLayers(sizes, options));
  }
}
