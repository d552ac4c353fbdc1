// nn layers exported as one ONNX op each, where the trace alone would lose what the op needs:
// a convolution or pool records im2col windows (no geometry an ONNX Conv could be read from), a
// norm's epsilon is a constant among others, and Embedding's indices are an op parameter. Every
// other layer (Linear, activations, attention, containers) is exported from its trace.
import { ones, type Tensor, zeros } from '@backprop/core';
import {
  AdaptiveAvgPool2d,
  type AnyModule,
  AvgPool2d,
  BatchNormBase,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  Embedding,
  Flatten,
  Hardtanh,
  LayerNorm,
  MaxPool2d,
  Softplus,
} from '@backprop/nn';
import type { Attr, GraphBuilder } from './graph-builder.js';
import { windowAttrs } from './ops.js';

/** One call of a recognised layer's forward during the trace. */
export interface LayerCall {
  readonly module: AnyModule;
  /** The layer's dotted path in the model (`'features.0'`; `''` for the model itself). */
  readonly path: string;
  readonly inputs: readonly unknown[];
  readonly out: Tensor;
}

/** Emits a layer call's ONNX nodes; `scope` names them after the layer. */
export type LayerEmitter = (b: GraphBuilder, call: LayerCall, scope: string) => void;

const pair = (v: number | readonly number[]): [number, number] =>
  typeof v === 'number' ? [v, v] : [v[0]!, v[1]!];

/**
 * Emits `opType` over input `x` of a layer whose op takes a batch dim: an unbatched input (`rank`
 * dims less one) gets a batch dim of 1 around the op, as the layer itself does.
 */
function batched(
  b: GraphBuilder,
  call: LayerCall,
  scope: string,
  rank: number,
  opType: string,
  extra: readonly string[],
  attrs: Record<string, Attr>,
): void {
  const x = call.inputs[0] as Tensor;
  if (x.ndim === rank) return void b.node(opType, [b.value(x), ...extra], attrs, call.out, scope);
  const x4 = b.node('Unsqueeze', [b.value(x), b.int64([0])], {}, undefined, scope);
  const y4 = b.node(opType, [x4, ...extra], attrs, undefined, scope);
  b.node('Squeeze', [y4, b.int64([0])], {}, call.out, scope);
}

function convParams(b: GraphBuilder, m: Conv1d | Conv2d): string[] {
  return [b.value(m.weight), ...(m.bias ? [b.value(m.bias)] : [])];
}

function conv2d(b: GraphBuilder, call: LayerCall, scope: string): void {
  const m = call.module as Conv2d;
  const g = { kernel: m.kernelSize, stride: m.stride, padding: m.padding, dilation: m.dilation };
  batched(b, call, scope, 4, 'Conv', convParams(b, m), { ...windowAttrs(g), group: { int: m.groups } });
}

// ConvTranspose2d's forward is a matmul and a fold (col2im, no ONNX op): as one ConvTranspose, whose
// weight layout [inC, outC / groups, kh, kw] is PyTorch's.
function convTranspose2d(b: GraphBuilder, call: LayerCall, scope: string): void {
  const m = call.module as ConvTranspose2d;
  const [ph, pw] = m.padding;
  const attrs: Record<string, Attr> = {
    kernel_shape: { ints: m.kernelSize },
    strides: { ints: m.stride },
    pads: { ints: [ph, pw, ph, pw] },
    output_padding: { ints: m.outputPadding },
    dilations: { ints: m.dilation },
    group: { int: m.groups },
  };
  const params = [b.value(m.weight), ...(m.bias ? [b.value(m.bias)] : [])];
  batched(b, call, scope, 4, 'ConvTranspose', params, attrs);
}

function conv1d(b: GraphBuilder, call: LayerCall, scope: string): void {
  const m = call.module as Conv1d;
  const attrs: Record<string, Attr> = {
    kernel_shape: { ints: [m.weight.shape[2]!] },
    strides: { ints: [m.stride] },
    pads: { ints: [m.padding, m.padding] },
    dilations: { ints: [m.dilation] },
    group: { int: m.groups },
  };
  batched(b, call, scope, 3, 'Conv', convParams(b, m), attrs);
}

function pool(opType: 'MaxPool' | 'AveragePool'): LayerEmitter {
  return (b, call, scope) => {
    const m = call.module as MaxPool2d | AvgPool2d;
    const kernel = pair(m.kernelSize);
    const stride = pair(m.options.stride ?? kernel);
    const [ph, pw] = pair(m.options.padding ?? 0);
    const attrs: Record<string, Attr> = {
      kernel_shape: { ints: kernel },
      strides: { ints: stride },
      pads: { ints: [ph, pw, ph, pw] },
    };
    // AvgPool2d counts zero padding in the average (PyTorch's default).
    if (opType === 'AveragePool') attrs.count_include_pad = { int: 1 };
    batched(b, call, scope, 4, opType, [], attrs);
  };
}

function adaptiveAvgPool(b: GraphBuilder, call: LayerCall, scope: string): void {
  const x = call.inputs[0] as Tensor;
  const [h, w] = x.shape.slice(-2) as [number, number];
  const [oh, ow] = call.out.shape.slice(-2) as [number, number];
  if (oh === 1 && ow === 1) return void batched(b, call, scope, 4, 'GlobalAveragePool', [], {});
  // Equal windows when the output size divides the input's: a plain average pool.
  const kernel = [h / oh, w / ow];
  batched(b, call, scope, 4, 'AveragePool', [], {
    kernel_shape: { ints: kernel },
    strides: { ints: kernel },
  });
}

function batchNorm(b: GraphBuilder, call: LayerCall, scope: string): void {
  const m = call.module as BatchNormBase;
  const c = m.numFeatures;
  const dtype = (call.inputs[0] as Tensor).dtype;
  const scale = b.value(m.weight ?? ones([c], { dtype }));
  const bias = b.value(m.bias ?? zeros([c], { dtype }));
  const inputs = [
    b.value(call.inputs[0] as Tensor),
    scale,
    bias,
    b.value(m.runningMean!),
    b.value(m.runningVar!),
  ];
  b.node('BatchNormalization', inputs, { epsilon: { float: m.eps } }, call.out, scope);
}

function layerNorm(b: GraphBuilder, call: LayerCall, scope: string): void {
  const m = call.module as LayerNorm;
  const x = call.inputs[0] as Tensor;
  const scale = b.value(m.weight ?? ones(m.normalizedShape, { dtype: x.dtype }));
  const inputs = [b.value(x), scale, ...(m.bias ? [b.value(m.bias)] : [])];
  const attrs = { axis: { int: -m.normalizedShape.length }, epsilon: { float: m.eps } };
  b.node('LayerNormalization', inputs, attrs, call.out, scope);
}

function embedding(b: GraphBuilder, call: LayerCall, scope: string): void {
  const m = call.module as Embedding;
  b.node(
    'Gather',
    [b.value(m.weight), b.value(call.inputs[0] as Tensor)],
    { axis: { int: 0 } },
    call.out,
    scope,
  );
}

function flatten(b: GraphBuilder, call: LayerCall, scope: string): void {
  b.node('Flatten', [b.value(call.inputs[0] as Tensor)], { axis: { int: 1 } }, call.out, scope);
}

// Hardtanh's forward is a `where` of comparisons, which record nothing: as one Clip.
function hardtanh(b: GraphBuilder, call: LayerCall, scope: string): void {
  const m = call.module as Hardtanh;
  const x = call.inputs[0] as Tensor;
  const bounds = [b.scalar(m.minVal, x.dtype), b.scalar(m.maxVal, x.dtype)];
  b.node('Clip', [b.value(x), ...bounds], {}, call.out, scope);
}

// Softplus with β ≠ 1 or a threshold ≠ 20 picks x where βx > threshold (a comparison, which records
// nothing): Where(Greater(βx, threshold), x, Softplus(βx) / β).
function softplus(b: GraphBuilder, call: LayerCall, scope: string): void {
  const m = call.module as Softplus;
  const x = call.inputs[0] as Tensor;
  const bx = b.node('Mul', [b.value(x), b.scalar(m.beta, x.dtype)], {}, undefined, scope);
  const above = b.node('Greater', [bx, b.scalar(m.threshold, x.dtype)], {}, undefined, scope);
  const smooth = b.node(
    'Div',
    [b.node('Softplus', [bx], {}, undefined, scope), b.scalar(m.beta, x.dtype)],
    {},
    undefined,
    scope,
  );
  b.node('Where', [above, b.value(x), smooth], {}, call.out, scope);
}

/**
 * The emitter for a layer call, or null when its trace exports it as well (a layer not listed, a
 * BatchNorm without running statistics, a Flatten of other dims).
 */
export function layerEmitter(call: LayerCall): LayerEmitter | null {
  const m = call.module;
  const x = call.inputs[0];
  if (m instanceof Conv2d) return conv2d;
  if (m instanceof Conv1d) return conv1d;
  if (m instanceof ConvTranspose2d) return convTranspose2d;
  if (m instanceof MaxPool2d) return pool('MaxPool');
  if (m instanceof AvgPool2d) return pool('AveragePool');
  if (m instanceof AdaptiveAvgPool2d) {
    const x4 = x as Tensor;
    const divides = call.out.shape.slice(-2).every((o, i) => x4.shape[x4.ndim - 2 + i]! % o === 0);
    return divides ? adaptiveAvgPool : null;
  }
  if (m instanceof BatchNormBase) {
    const usesRunning = !m.training && m.runningMean !== null && m.runningVar !== null;
    return usesRunning && (x as Tensor).ndim >= 2 ? batchNorm : null;
  }
  if (m instanceof LayerNorm) return layerNorm;
  if (m instanceof Embedding) return embedding;
  if (m instanceof Hardtanh) return hardtanh;
  if (m instanceof Softplus) return m.beta === 1 && m.threshold === 20 ? null : softplus;
  if (m instanceof Flatten) {
    const n = (x as Tensor).ndim;
    const end = m.endDim < 0 ? m.endDim + n : m.endDim;
    return m.startDim === 1 && end === n - 1 && n >= 2 ? flatten : null;
  }
  return null;
}
