import { defaultGenerator, type Generator, noGrad, Tensor, ValueError } from '@backprop/core';
import { fmtShape } from './shape-check.js';

/** Activations `calculateGain` knows, with PyTorch's spellings accepted too. */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leakyRelu'
  | 'leaky_relu'
  | 'selu';

/** Which fan Kaiming init scales by: `fanIn` keeps forward activations' variance, `fanOut` the gradients'. */
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

/** Options every init function takes. */
export interface InitOptions {
  /** Draw from this generator instead of the global one that `manualSeed` seeds. */
  generator?: Generator;
}

/** Options of `xavierUniform_` and `xavierNormal_`. */
export interface XavierOptions extends InitOptions {
  /** Scale factor (default 1); see `calculateGain`. */
  gain?: number;
}

/** Options of `kaimingUniform_` and `kaimingNormal_` (PyTorch's arguments and defaults). */
export interface KaimingOptions extends InitOptions {
  /** Negative slope of the leaky ReLU that follows (default 0). */
  a?: number;
  /** Keep the variance of the forward pass (`'fanIn'`, default) or of the backward pass (`'fanOut'`). */
  mode?: FanMode;
  /** The activation that follows, for its gain (default `'leakyRelu'`, with slope `a`). */
  nonlinearity?: Nonlinearity;
}

function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu':
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(`init.calculateGain: unsupported nonlinearity '${String(nonlinearity)}'`);
  }
}

// Fans as PyTorch computes them: dim 1 is inputs, dim 0 outputs, trailing dims the receptive field.
function fans(op: string, t: Tensor): [number, number] {
  if (t.ndim < 2) {
    throw new ValueError(
      `init.${op}: fan in and fan out need a tensor of at least 2 dims, got shape ${fmtShape(t.shape)}`,
    );
  }
  const receptive = t.shape.slice(2).reduce((n, d) => n * d, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

// Argument checks: each runs before anything is drawn, so a rejected call leaves `t` as it was.
// PyTorch refuses the same values (`uniform_ expects ... from <= to`, `normal expects std >= 0.0`).
function checkTarget(op: string, t: unknown): void {
  if (!(t instanceof Tensor)) {
    throw new TypeError(`init.${op}: expected a Tensor to fill, got ${t === null ? 'null' : typeof t}`);
  }
}

function checkFinite(op: string, name: string, value: unknown): void {
  if (typeof value !== 'number') {
    throw new TypeError(`init.${op}: ${name} must be a number, got ${typeof value} ${String(value)}`);
  }
  if (!Number.isFinite(value)) throw new ValueError(`init.${op}: ${name} must be finite, got ${value}`);
}

function checkNonNegative(op: string, name: string, value: unknown): void {
  checkFinite(op, name, value);
  if ((value as number) < 0) throw new ValueError(`init.${op}: ${name} must be >= 0, got ${String(value)}`);
}

function checkMode(op: string, mode: unknown): void {
  if (mode !== 'fanIn' && mode !== 'fanOut' && mode !== 'fan_in' && mode !== 'fan_out') {
    throw new ValueError(`init.${op}: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  }
}

// Writes one draw per element, in row-major order, through copy_ so views and dtypes are respected.
function fill(t: Tensor, draw: (g: Generator) => number, options: InitOptions): Tensor {
  const g = options.generator ?? defaultGenerator;
  const values = new Float64Array(t.size);
  for (let i = 0; i < values.length; i++) values[i] = draw(g);
  // Init writes outside autograd, as PyTorch's init functions run under no_grad.
  return noGrad(() => t.copy_(new Tensor(values, [...t.shape])));
}

function kaimingStd(op: string, t: Tensor, options: KaimingOptions): number {
  const [fanIn, fanOut] = fans(op, t);
  const mode = options.mode ?? 'fanIn';
  checkMode(op, mode);
  checkFinite(op, 'a', options.a ?? 0);
  const fan = mode === 'fanIn' || mode === 'fan_in' ? fanIn : fanOut;
  return calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0) / Math.sqrt(fan);
}

/**
 * In-place weight initializers, as `torch.nn.init`: each fills a tensor (outside autograd) and
 * returns it, drawing from the seeded generator (`manualSeed`, or `{ generator }`).
 *
 * @example
 * ```ts
 * const lin = new Linear(4, 3);
 * init.xavierUniform_(lin.weight);
 * init.zeros_(lin.bias!);
 * ```
 */
export const init = {
  /**
   * The recommended gain for an activation: 1 for linear/sigmoid, 5/3 for tanh, √2 for ReLU,
   * √(2 / (1 + slope²)) for leaky ReLU (`param` is the slope).
   *
   * @example
   * ```ts
   * init.calculateGain('tanh'); // 1.6667
   * ```
   */
  calculateGain,

  /**
   * Fills with draws from U(a, b). `a > b`, or a bound that is NaN or infinite, throws a
   * `ValueError` and leaves `t` as it was (as PyTorch).
   *
   * @example
   * ```ts
   * init.uniform_(w, -0.1, 0.1);
   * ```
   */
  uniform_(t: Tensor, a = 0, b = 1, options: InitOptions = {}): Tensor {
    checkTarget('uniform_', t);
    checkFinite('uniform_', 'a', a);
    checkFinite('uniform_', 'b', b);
    if (a > b)
      throw new ValueError(`init.uniform_: expects a <= b (a range [a, b)), got a = ${a} > b = ${b}`);
    return fill(t, (g) => a + (b - a) * g.random(), options);
  },

  /**
   * Fills with draws from N(mean, std²). A negative std, or a NaN or infinite mean or std, throws a
   * `ValueError` and leaves `t` as it was (as PyTorch).
   *
   * @example
   * ```ts
   * init.normal_(w, 0, 0.01);
   * ```
   */
  normal_(t: Tensor, mean = 0, std = 1, options: InitOptions = {}): Tensor {
    checkTarget('normal_', t);
    checkFinite('normal_', 'mean', mean);
    checkNonNegative('normal_', 'std', std);
    return fill(t, (g) => mean + std * g.normal(), options);
  },

  /**
   * Fills with `value` (any number, NaN and ±Infinity included, as PyTorch's `constant_`).
   *
   * @example
   * ```ts
   * init.constant_(b, 0.1);
   * ```
   */
  constant_(t: Tensor, value: number): Tensor {
    checkTarget('constant_', t);
    if (typeof value !== 'number') {
      throw new TypeError(`init.constant_: value must be a number, got ${typeof value} ${String(value)}`);
    }
    return noGrad(() => t.fill_(value));
  },

  /**
   * Fills with zeros.
   *
   * @example
   * ```ts
   * init.zeros_(b);
   * ```
   */
  zeros_(t: Tensor): Tensor {
    checkTarget('zeros_', t);
    return noGrad(() => t.fill_(0));
  },

  /**
   * Fills with ones.
   *
   * @example
   * ```ts
   * init.ones_(gamma);
   * ```
   */
  ones_(t: Tensor): Tensor {
    checkTarget('ones_', t);
    return noGrad(() => t.fill_(1));
  },

  /**
   * Glorot uniform: U(−r, r) with r = gain · √(6 / (fanIn + fanOut)). A negative, NaN or infinite
   * gain throws a `ValueError` (PyTorch's `uniform_` refuses the reversed range it gives).
   *
   * @example
   * ```ts
   * init.xavierUniform_(w, { gain: init.calculateGain('tanh') });
   * ```
   */
  xavierUniform_(t: Tensor, options: XavierOptions = {}): Tensor {
    checkTarget('xavierUniform_', t);
    checkNonNegative('xavierUniform_', 'gain', options.gain ?? 1);
    const [fanIn, fanOut] = fans('xavierUniform_', t);
    const bound = (options.gain ?? 1) * Math.sqrt(6 / (fanIn + fanOut));
    return fill(t, (g) => bound * (2 * g.random() - 1), options);
  },

  /**
   * Glorot normal: N(0, σ²) with σ = gain · √(2 / (fanIn + fanOut)). A negative, NaN or infinite
   * gain throws a `ValueError`.
   *
   * @example
   * ```ts
   * init.xavierNormal_(w);
   * ```
   */
  xavierNormal_(t: Tensor, options: XavierOptions = {}): Tensor {
    checkTarget('xavierNormal_', t);
    checkNonNegative('xavierNormal_', 'gain', options.gain ?? 1);
    const [fanIn, fanOut] = fans('xavierNormal_', t);
    const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
    return fill(t, (g) => std * g.normal(), options);
  },

  /**
   * He uniform: U(−r, r) with r = √3 · gain(nonlinearity, a) / √fan. PyTorch's Linear and Conv2d
   * use `{ a: Math.sqrt(5) }`, which gives r = 1 / √fanIn. A NaN or infinite `a`, or a `mode` other
   * than `'fanIn'`/`'fanOut'`, throws a `ValueError`.
   *
   * @example
   * ```ts
   * init.kaimingUniform_(w, { nonlinearity: 'relu' });
   * ```
   */
  kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
    checkTarget('kaimingUniform_', t);
    if (t.size === 0) return t;
    const bound = Math.sqrt(3) * kaimingStd('kaimingUniform_', t, options);
    return fill(t, (g) => bound * (2 * g.random() - 1), options);
  },

  /**
   * He normal: N(0, σ²) with σ = gain(nonlinearity, a) / √fan. Arguments are checked as
   * `kaimingUniform_`'s.
   *
   * @example
   * ```ts
   * init.kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' });
   * ```
   */
  kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
    checkTarget('kaimingNormal_', t);
    if (t.size === 0) return t;
    const std = kaimingStd('kaimingNormal_', t, options);
    return fill(t, (g) => std * g.normal(), options);
  },
};
