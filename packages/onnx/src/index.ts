/**
 * @backprop/onnx: export backprop models to ONNX (opset 17), to run them in onnxruntime or any
 * other ONNX runtime. Each export carries its own TSDoc and example in the file that defines it.
 *
 * @module @backprop/onnx
 */

export { OnnxExportError } from './errors.js';
export { type ExportOnnxOptions, exportOnnx } from './export.js';
