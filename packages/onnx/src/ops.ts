// How each recorded core op (a `gradFn` node: its name, inputs and params) becomes ONNX nodes. The
// table has one entry per op of core's op-name union: an emitter, or the reason ONNX export
// cannot express it, which the error names.
import {
  argsort,
  type ConvShape,
  type DType,
  type Node,
  type Tensor,
  type WindowGeometry,
} from '@backprop/core';
import { OnnxExportError } from './errors.js';
import type { Attr, GraphBuilder } from './graph-builder.js';
import { elemType } from './graph-builder.js';

/** Emits the ONNX nodes that compute `out` from its node's inputs. */
export type OpEmitter = (b: GraphBuilder, out: Tensor, node: Node) => void;

const unary =
  (opType: string): OpEmitter =>
  (b, out, n) => {
    b.node(opType, [b.value(n.inputs[0]!)], {}, out);
  };

const binary =
  (opType: string): OpEmitter =>
  (b, out, n) => {
    b.node(opType, [b.value(n.inputs[0]!), b.value(n.inputs[1]!)], {}, out);
  };

/** Emits `opType(x, c)` with a scalar constant `c` of `dtype` (log1p, expm1). */
function withScalar(
  b: GraphBuilder,
  opType: string,
  x: string,
  c: number,
  dtype: DType,
  out?: Tensor,
): string {
  return b.node(opType, [x, b.scalar(c, dtype)], {}, out);
}

/** The reduced dims of a reduction from `input` to `out` (`dims` as the op recorded them). */
function reduceAttrs(input: Tensor, out: Tensor): { keepdims: Attr } {
  return { keepdims: { int: out.ndim === input.ndim ? 1 : 0 } };
}

// A reshape's target, written so that it still holds when a leading (batch) dim changes: dims
// copied from the input in place are 0 ("as the input"), and the first remaining dim is -1
// (inferred), which is where a flattened batch dim lands.
function reshapeTarget(from: readonly number[], to: readonly number[]): number[] {
  const target = [...to];
  let k = 0;
  while (k < to.length && k < from.length && from[k] === to[k]) target[k++] = 0;
  if (k < to.length && to.slice(k).every((d) => d > 0)) target[k] = -1;
  return target;
}

/** ONNX Reshape of `x` (a value name) to `to`, from shape `from`. */
export function reshapeNode(
  b: GraphBuilder,
  x: string,
  from: readonly number[],
  to: readonly number[],
  out?: Tensor,
  scope = '',
): string {
  return b.node('Reshape', [x, b.int64(reshapeTarget(from, to))], {}, out, scope);
}

/** A window geometry as ONNX pool/conv attributes. */
export function windowAttrs(
  g: Pick<WindowGeometry, 'kernel' | 'stride' | 'padding' | 'dilation'>,
): Record<string, Attr> {
  const [ph, pw] = g.padding;
  return {
    kernel_shape: { ints: g.kernel },
    strides: { ints: g.stride },
    pads: { ints: [ph, pw, ph, pw] },
    dilations: { ints: g.dilation },
  };
}

// The index tensor of gather/indexSelect and the condition of where are node params, not inputs:
// `value` makes them initializers unless they are graph inputs (an input's value has a name).
const gatherLike =
  (opType: string, key: 'index' | 'idx'): OpEmitter =>
  (b, out, n) => {
    const p = n.params as { d: number; index?: Tensor; idx?: Tensor };
    b.node(opType, [b.value(n.inputs[0]!), b.value(p[key]!)], { axis: { int: p.d } }, out);
  };

// sort and topk record a gather of x at the positions argsort found (an index that records nothing):
// such a gather, whose index is x's argsort along the dim (first k), is TopK, whose ties go to the
// lower index first, as backprop's stable sort. The index tensor (sort's `indices`) becomes TopK's
// indices (cast to int32), so a model that reads it after the values exports too. A gather at a
// constant index that happens to sort the example is told apart by the export's second trace (on
// other inputs): the gathers both traces find to be the same sort are TopK, the others gathers.
function sortedBy(b: GraphBuilder, n: Node): 'largest' | 'smallest' | null {
  const ordinal = b.sorts.length;
  const found = sortDirection(n);
  const allowed = b.sortsAllowed;
  const by = allowed === null || allowed[ordinal] === found ? found : null;
  b.sorts.push(by);
  return by;
}

function sortDirection(n: Node): 'largest' | 'smallest' | null {
  const { d, index } = n.params as { d: number; index: Tensor };
  const x = n.inputs[0]!;
  if (index.gradFn !== null || index.dtype !== 'int32' || x.ndim === 0 || index.ndim !== x.ndim) return null;
  if (index.shape.some((s, i) => (i === d ? s > x.shape[i]! : s !== x.shape[i]))) return null;
  const k = index.shape[d]!;
  const want = index.data();
  const matches = [true, false].map((descending) => {
    const order = argsort(x.detach(), d, descending).slice(d, 0, k).data();
    return order.every((v, i) => v === want[i]);
  });
  if (matches[0] && matches[1] && x.shape[d]! > 1) {
    throw new OnnxExportError(
      "exportOnnx: op 'gather' (sort or topk) reads values that all tie along dim " +
        `${d} in the example input, where ascending and descending order agree: give example inputs with distinct values`,
    );
  }
  return matches[0] ? 'largest' : matches[1] ? 'smallest' : null;
}

function topK(b: GraphBuilder, out: Tensor, n: Node, by: 'largest' | 'smallest'): void {
  const { d, index } = n.params as { d: number; index: Tensor };
  const attrs = { axis: { int: d }, largest: { int: by === 'largest' ? 1 : 0 }, sorted: { int: 1 } };
  const [, positions] = b.nodeOutputs('TopK', [b.value(n.inputs[0]!), b.int64([index.shape[d]!])], attrs, [
    out,
    undefined,
  ]);
  if (!b.has(index)) b.node('Cast', [positions!], { to: { int: elemType('int32') } }, index);
}

const emitters: Record<string, OpEmitter | string> = {
  // activation.ts
  relu: unary('Relu'),
  sigmoid: unary('Sigmoid'),
  tanh: unary('Tanh'),
  leakyRelu: (b, out, n) =>
    b.node('LeakyRelu', [b.value(n.inputs[0]!)], { alpha: { float: n.params as number } }, out),
  elu: (b, out, n) =>
    b.node('Elu', [b.value(n.inputs[0]!)], { alpha: { float: (n.params as { alpha: number }).alpha } }, out),
  softplus: unary('Softplus'),
  step: (b, out, n) => {
    const x = n.inputs[0]!;
    const positive = b.node('Greater', [b.value(x), b.scalar(0, x.dtype)]);
    b.node('Cast', [positive], { to: { int: elemType(out.dtype) } }, out);
  },
  logsumexp: (b, out, n) => {
    const x = n.inputs[0]!;
    const kept = (n.params as { keptShape: readonly number[] }).keptShape;
    const axes = kept.flatMap((d, i) => (d === 1 && x.shape[i] !== 1 ? [i] : []));
    const y = b.node('ReduceLogSumExp', [b.value(x)], { axes: { ints: axes }, keepdims: { int: 1 } });
    reshapeNode(b, y, kept, out.shape, out);
  },
  softmax: (b, out, n) =>
    b.node('Softmax', [b.value(n.inputs[0]!)], { axis: { int: (n.params as { d: number }).d } }, out),
  logSoftmax: (b, out, n) =>
    b.node('LogSoftmax', [b.value(n.inputs[0]!)], { axis: { int: (n.params as { d: number }).d } }, out),
  // elementwise.ts
  add: binary('Add'),
  sub: binary('Sub'),
  mul: binary('Mul'),
  div: binary('Div'),
  neg: unary('Neg'),
  pow: binary('Pow'),
  exp: unary('Exp'),
  log: unary('Log'),
  sqrt: unary('Sqrt'),
  abs: unary('Abs'),
  sin: unary('Sin'),
  cos: unary('Cos'),
  square: (b, out, n) => {
    const x = b.value(n.inputs[0]!);
    b.node('Mul', [x, x], {}, out);
  },
  reciprocal: unary('Reciprocal'),
  maximum: binary('Max'),
  minimum: binary('Min'),
  clamp: (b, out, n) => {
    const { min, max } = n.params as { min?: number | null; max?: number | null };
    const bound = (v: number | null | undefined) =>
      v == null || Number.isNaN(v) ? '' : b.scalar(v, out.dtype);
    const inputs = [b.value(n.inputs[0]!), bound(min), bound(max)];
    while (inputs.at(-1) === '') inputs.pop();
    b.node('Clip', inputs, {}, out);
  },
  where: (b, out, n) => {
    const cond = n.params as Tensor;
    let c = b.value(cond);
    if (cond.dtype !== 'bool') c = b.node('Cast', [c], { to: { int: elemType('bool') } });
    b.node('Where', [c, b.value(n.inputs[0]!), b.value(n.inputs[1]!)], {}, out);
  },
  to: (b, out, n) => b.node('Cast', [b.value(n.inputs[0]!)], { to: { int: elemType(out.dtype) } }, out),
  // special.ts
  erf: unary('Erf'),
  log1p: (b, out, n) => b.node('Log', [withScalar(b, 'Add', b.value(n.inputs[0]!), 1, out.dtype)], {}, out),
  expm1: (b, out, n) => withScalar(b, 'Sub', b.node('Exp', [b.value(n.inputs[0]!)]), 1, out.dtype, out),
  rsqrt: (b, out, n) => b.node('Reciprocal', [b.node('Sqrt', [b.value(n.inputs[0]!)])], {}, out),
  // scan.ts
  cumsum: (b, out, n) => {
    const { d, reverse } = n.params as { d: number; reverse: boolean };
    b.node('CumSum', [b.value(n.inputs[0]!), b.int64([d], true)], { reverse: { int: reverse ? 1 : 0 } }, out);
  },
  cumprod:
    'ONNX (opset 17) has no cumulative product (CumProd); write it as exp(cumsum(log(x))) for positive x',
  // movement.ts
  contiguous: unary('Identity'),
  reshape: (b, out, n) => reshapeNode(b, b.value(n.inputs[0]!), n.inputs[0]!.shape, out.shape, out),
  view: (b, out, n) => reshapeNode(b, b.value(n.inputs[0]!), n.inputs[0]!.shape, out.shape, out),
  permute: (b, out, n) =>
    b.node('Transpose', [b.value(n.inputs[0]!)], { perm: { ints: n.params as number[] } }, out),
  expand: (b, out, n) => {
    // Expand broadcasts both ways: a 1 keeps the input's dim, so a dynamic dim passes through.
    const x = n.inputs[0]!;
    const lead = out.ndim - x.ndim;
    const shape = out.shape.map((d, i) => (i >= lead && x.shape[i - lead] === d ? 1 : d));
    b.node('Expand', [b.value(x), b.int64(shape)], {}, out);
  },
  slice: (b, out, n) => {
    const { d, lo, n: size, step } = n.params as { d: number; lo: number; n: number; step: number };
    const count = out.shape[d]!;
    const end = lo + count * step >= size ? 2 ** 31 - 1 : lo + (count - 1) * step + 1;
    const inputs = [b.value(n.inputs[0]!), b.int64([lo]), b.int64([end]), b.int64([d]), b.int64([step])];
    b.node('Slice', inputs, {}, out);
  },
  pad: (b, out, n) => {
    const x = n.inputs[0]!;
    const before = n.params as number[];
    const after = out.shape.map((s, i) => s - x.shape[i]! - before[i]!);
    // The fill value is not recorded: it is read back from the output, at a padded position
    // (index 0 when some dim is padded before, else the last element).
    const data = out.data();
    const fill = before.some((p) => p > 0) ? data[0]! : data[data.length - 1]!;
    const inputs = [b.value(x), b.int64([...before, ...after]), b.scalar(Number(fill), out.dtype)];
    b.node('Pad', inputs, { mode: { string: 'constant' } }, out);
  },
  cat: (b, out, n) =>
    b.node(
      'Concat',
      n.inputs.map((t) => b.value(t)),
      { axis: { int: (n.params as { d: number }).d } },
      out,
    ),
  // reduce.ts
  sum: (b, out, n) => {
    const x = n.inputs[0]!;
    b.node('ReduceSum', [b.value(x), b.int64(n.params as number[])], reduceAttrs(x, out), out);
  },
  max: (b, out, n) => {
    const x = n.inputs[0]!;
    const axes = { ints: (n.params as { dims: number[] }).dims };
    b.node('ReduceMax', [b.value(x)], { axes, ...reduceAttrs(x, out) }, out);
  },
  min: (b, out, n) => {
    const x = n.inputs[0]!;
    const axes = { ints: (n.params as { dims: number[] }).dims };
    b.node('ReduceMin', [b.value(x)], { axes, ...reduceAttrs(x, out) }, out);
  },
  // core's norm is the Frobenius (L2) norm over its dims.
  norm: (b, out, n) => {
    const x = n.inputs[0]!;
    const axes = { ints: (n.params as { dims: number[] }).dims };
    b.node('ReduceL2', [b.value(x)], { axes, ...reduceAttrs(x, out) }, out);
  },
  // indexing.ts
  gather: (b, out, n) => {
    const by = sortedBy(b, n);
    if (by) topK(b, out, n, by);
    else gatherLike('GatherElements', 'index')(b, out, n);
  },
  indexSelect: gatherLike('Gather', 'idx'),
  scatter: (b, out, n) => {
    const { d, index } = n.params as { d: number; index: Tensor };
    const inputs = [b.value(n.inputs[0]!), b.value(index), b.value(n.inputs[1]!)];
    b.node('ScatterElements', inputs, { axis: { int: d } }, out);
  },
  // Zeros of the output's shape with src added at index (public scatterAdd adds x to it).
  scatterAdd: (b, out, n) => {
    const { dim, index } = n.params as { dim: number; index: Tensor };
    let base = b.node('ConstantOfShape', [b.int64(out.shape)]); // float32 zeros
    if (out.dtype !== 'float32') base = b.node('Cast', [base], { to: { int: elemType(out.dtype) } });
    const inputs = [base, b.value(index), b.value(n.inputs[0]!)];
    b.node('ScatterElements', inputs, { axis: { int: dim }, reduction: { string: 'add' } }, out);
  },
  // matmul.ts, linear.ts
  matmul: binary('MatMul'),
  linear: (b, out, n) => {
    const [x, w, bias] = n.inputs as [Tensor, Tensor, Tensor | undefined];
    const inputs = [b.value(x), b.value(w), ...(bias ? [b.value(bias)] : [])];
    // Gemm takes 2-D input only; other ranks are x · wᵀ (+ b).
    if (x.ndim === 2) return void b.node('Gemm', inputs, { transB: { int: 1 } }, out);
    const wt = b.node('Transpose', [inputs[1]!], { perm: { ints: [1, 0] } });
    if (!bias) return void b.node('MatMul', [inputs[0]!, wt], {}, out);
    b.node('Add', [b.node('MatMul', [inputs[0]!, wt]), inputs[2]!], {}, out);
  },
  // conv.ts, max-pool.ts
  unfold:
    'unfold (im2col) has no ONNX op; convolutions and pools export through the nn layers (Conv1d, Conv2d, MaxPool2d, AvgPool2d)',
  fold: 'fold (col2im) has no ONNX op; transposed convolutions export through the nn layer ConvTranspose2d',
  conv2d: (b, out, n) => {
    const c = n.params as ConvShape;
    const inputs = n.inputs.map((t) => b.value(t));
    b.node('Conv', inputs, { ...windowAttrs(c.g), group: { int: c.groups } }, out);
  },
  maxPool2d: (b, out, n) => {
    const { g } = n.params as { g: WindowGeometry };
    b.node('MaxPool', [b.value(n.inputs[0]!)], windowAttrs(g), out);
  },
  // transfer.ts
  toDevice: unary('Identity'),
};

/** The emitter of core op `name`, or the reason it cannot be exported. */
export function opEmitter(name: string): OpEmitter | string {
  return emitters[name] ?? 'ONNX export knows no such op (a custom op?)';
}
