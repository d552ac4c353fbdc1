import { zeros } from '../creation.js';
import { hostStorage } from '../device.js';
import { isFloating } from '../dtype.js';
import { BackpropError, DeviceError, fmtShape, ValueError } from '../errors.js';
import { Tensor } from '../tensor.js';
import { runBackward } from './backward.js';
import { noGrad } from './grad-mode.js';

/** Tolerances of `gradcheck`. */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

/**
 * Thrown by `gradcheck` when an analytic and a numerical gradient disagree.
 *
 * @example
 * ```ts
 * try { gradcheck(f, [x]); } catch (e) { if (e instanceof GradcheckError) console.log(e.message); }
 * ```
 */
export class GradcheckError extends BackpropError {
  /** Always `'GradcheckError'`. */
  override name = 'GradcheckError';
}

function multiIndex(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return `[${idx.join(',')}]`;
}

/**
 * Compares the analytic gradients of `f` with central finite differences, in float64, for every
 * output element and every element of every checked input. Returns true, or throws a report
 * naming the input, the element and both values. The checked inputs are those that require grad
 * (as PyTorch); when none does, every floating-point input is checked. int32 inputs (indices,
 * labels) are passed through unchanged as constants; other inputs are copied to float64.
 *
 * @example
 * ```ts
 * gradcheck((a, b) => a.mul(b).sin(), [randn([3]), randn([3])]); // true
 * const index = tensor([[0], [1]], { dtype: 'int32' });
 * gradcheck((x, i) => x.gather(1, i), [randn([2, 3], { requiresGrad: true }), index]); // true
 * ```
 */
export function gradcheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3 } = options;
  const anyRequires = inputs.some((t) => t.requiresGrad);
  const checked = inputs.map((t) => isFloating(t.dtype) && (t.requiresGrad || !anyRequires));
  if (!checked.includes(true)) {
    throw new ValueError('gradcheck: no floating-point input to check (int32 inputs are constants)');
  }
  if (inputs.some((t) => t.device !== 'cpu')) {
    throw new DeviceError(
      'gradcheck: runs on the cpu device only (central differences need float64, which webgpu lacks); pass cpu tensors',
    );
  }
  const args = inputs.map((t, i) => {
    if (!isFloating(t.dtype)) return t;
    const copy = new Tensor(Float64Array.from(t.data()), [...t.shape]);
    return checked[i] ? copy.requiresGrad_(true) : copy;
  });
  const xs = args.filter((_, i) => checked[i]);
  const inputIndex = checked.flatMap((c, i) => (c ? [i] : []));
  const out = f(...args);
  const outSize = out.size;
  // analytic[i][o * n + k]: d out[o] / d xs[i][k], one backward per output element
  const analytic = xs.map((x) => new Float64Array(outSize * x.size));
  for (let o = 0; o < outSize; o++) {
    const seed = zeros(out.shape, { dtype: out.dtype, device: 'cpu' });
    hostStorage(seed, 'gradcheck', 'dataAsync')[o] = 1;
    const grads = out.requiresGrad
      ? runBackward([out], [seed], { inputs: xs, retainGraph: true })
      : xs.map(() => null);
    grads.forEach((g, i) => {
      if (g) analytic[i]!.set(g.data(), o * xs[i]!.size);
    });
  }
  xs.forEach((x, i) => {
    const values = hostStorage(x, 'gradcheck', 'dataAsync');
    for (let k = 0; k < x.size; k++) {
      const original = values[k]!;
      values[k] = original + eps;
      const plus = noGrad(() => f(...args)).data();
      values[k] = original - eps;
      const minus = noGrad(() => f(...args)).data();
      values[k] = original;
      for (let o = 0; o < outSize; o++) {
        const numerical = (plus[o]! - minus[o]!) / (2 * eps);
        const a = analytic[i]![o * x.size + k]!;
        if (!(Math.abs(a - numerical) <= atol + rtol * Math.abs(numerical))) {
          throw new GradcheckError(
            `gradcheck: gradient mismatch for input ${inputIndex[i]} (shape ${fmtShape(x.shape)}) at element ${multiIndex(k, x.shape)}, ` +
              `output element ${multiIndex(o, out.shape)}: analytic ${a}, numerical ${numerical}`,
          );
        }
      }
    }
  });
  return true;
}
