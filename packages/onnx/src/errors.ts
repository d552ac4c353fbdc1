import { BackpropError } from '@backprop/core';

/**
 * An op or layer that ONNX export cannot express, or export options that do not fit the model; the
 * message names the op and, when known, the layer it ran in.
 *
 * @example
 * ```ts
 * try { exportOnnx(model, [x]); } catch (e) { if (e instanceof OnnxExportError) console.log(e.message); }
 * ```
 */
export class OnnxExportError extends BackpropError {
  /** Always `'OnnxExportError'`, so that `err.name` and stack traces say which kind of error it is. */
  override name = 'OnnxExportError';
}
