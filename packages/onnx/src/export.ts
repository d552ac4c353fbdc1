import { Tensor } from '@backprop/core';
import { type AnyModule, RecurrentBase } from '@backprop/nn';
import { OnnxExportError } from './errors.js';
import { elemType, GraphBuilder } from './graph-builder.js';
import { type LayerCall, type LayerEmitter, layerEmitter } from './layers.js';
import { opEmitter } from './ops.js';
import { type DimMessage, encodeModel, type ValueInfoMessage } from './proto.js';
import { trace } from './trace.js';

/** Options of `exportOnnx`, as PyTorch's `torch.onnx.export`. */
export interface ExportOnnxOptions {
  /** The ONNX opset (default and, for now, only 17: LayerNormalization needs 17). */
  opsetVersion?: number;
  /** Names of the graph inputs (default `input` for one, else `input_0`, `input_1`, ...). */
  inputNames?: readonly string[];
  /** Names of the graph outputs (default `output` for one, else `output_0`, `output_1`, ...). */
  outputNames?: readonly string[];
  /**
   * Axes of inputs and outputs whose size may change, by name: `{ input: { 0: 'batch' } }` names
   * axis 0 `batch`; a list `{ input: [0] }` names it `input_dim0`. A model with a recurrent layer
   * (RNN, LSTM, GRU: unrolled over the example's sequence length, its zero initial state of the
   * example's batch size) takes none.
   */
  dynamicAxes?: Readonly<Record<string, Readonly<Record<number, string>> | readonly number[]>>;
}

const IR_VERSION = 8; // the IR of opset 17 (ONNX 1.12)

function defaultNames(kind: string, n: number): string[] {
  return n === 1 ? [kind] : Array.from({ length: n }, (_, i) => `${kind}_${i}`);
}

function checkNames(kind: string, names: readonly string[], n: number): void {
  if (names.length !== n)
    throw new OnnxExportError(`exportOnnx: ${n} ${kind}s but ${names.length} ${kind}Names`);
  if (new Set(names).size !== names.length)
    throw new OnnxExportError(`exportOnnx: ${kind}Names must be distinct`);
}

function valueInfo(name: string, t: Tensor, axes: ExportOnnxOptions['dynamicAxes']): ValueInfoMessage {
  const given = axes?.[name];
  const named: Record<number, string> = Array.isArray(given)
    ? Object.fromEntries(given.map((a) => [a, `${name}_dim${a}`]))
    : ((given ?? {}) as Record<number, string>);
  for (const a of Object.keys(named).map(Number)) {
    if (!(Number.isInteger(a) && a >= 0 && a < t.ndim)) {
      throw new OnnxExportError(
        `exportOnnx: dynamicAxes.${name}: axis ${a} is not an axis of shape [${t.shape}]`,
      );
    }
  }
  const dim: DimMessage[] = t.shape.map((d, a) =>
    named[a] !== undefined ? { dim_param: named[a] } : { dim_value: d },
  );
  return { name, type: { tensor_type: { elem_type: elemType(t.dtype), shape: { dim } } } };
}

/** How one traced tensor becomes ONNX: its layer's op, its node's op, or nothing (an input or leaf). */
type Plan = { layer: LayerCall; emit: LayerEmitter } | { node: true } | null;

function describeLayer(call: LayerCall | undefined): string {
  if (!call) return '';
  return ` in layer '${call.path || '<model>'}' (${call.module.constructor.name})`;
}

/**
 * Walks the trace from the outputs to the inputs (iteratively: a deep graph must not overflow the
 * stack) and returns every tensor to emit with its plan, inputs before the tensors that read them.
 * A recognised layer's output stands for its whole forward: the walk goes on from its inputs.
 */
function schedule(
  b: GraphBuilder,
  outputs: readonly Tensor[],
  calls: ReadonlyMap<Tensor, LayerCall>,
): [Tensor, Plan, LayerCall | undefined][] {
  const order: [Tensor, Plan, LayerCall | undefined][] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, boolean, LayerCall | undefined][] = outputs.map((t) => [t, false, undefined]);
  const plans = new Map<Tensor, Plan>();
  while (stack.length > 0) {
    const [t, done, owner] = stack.pop()!;
    if (done) {
      order.push([t, plans.get(t)!, owner]);
      continue;
    }
    if (seen.has(t)) continue;
    seen.add(t);
    if (b.has(t)) continue;
    const call = calls.get(t);
    const inner = call ?? owner;
    const emit = call && layerEmitter(call);
    let deps: readonly unknown[] = [];
    if (call && emit) {
      plans.set(t, { layer: call, emit });
      deps = call.inputs;
    } else if (t.gradFn) {
      plans.set(t, { node: true });
      deps = t.gradFn.inputs;
    } else continue;
    stack.push([t, true, inner]);
    for (const d of deps) if (d instanceof Tensor && !seen.has(d)) stack.push([d, false, inner]);
  }
  return order;
}

// A recurrent layer exports unrolled: one step per element of the example's sequence, from an initial
// state of the example's batch size (zeros when none is given). No axis of such a model can change at
// run time, so dynamic axes are refused rather than exported into a graph that fails (or broadcasts
// a batch of 1 silently) at another size.
function checkRecurrentAxes(
  allCalls: readonly Pick<LayerCall, 'module' | 'path'>[],
  options: ExportOnnxOptions,
): void {
  const dynamic = Object.values(options.dynamicAxes ?? {}).some((a) => Object.keys(a).length > 0);
  if (!dynamic) return;
  const call = allCalls.find((c) => c.module instanceof RecurrentBase);
  if (call) {
    throw new OnnxExportError(
      `exportOnnx: layer '${call.path || '<model>'}' (${call.module.constructor.name}) exports unrolled over the example's ` +
        'sequence length, with an initial state of its batch size: a model with a recurrent layer cannot have dynamicAxes; ' +
        'export it for the shapes it will run at',
    );
  }
}

interface BuiltGraph {
  b: GraphBuilder;
  inputs: readonly Tensor[];
  outputs: readonly Tensor[];
  inputNames: readonly string[];
  outputNames: readonly string[];
}

function buildGraph(
  model: AnyModule,
  exampleInputs: readonly Tensor[],
  options: ExportOnnxOptions,
  sortsAllowed: GraphBuilder['sortsAllowed'] = null,
): BuiltGraph {
  const { inputs, outputs, calls, allCalls } = trace(model, exampleInputs);
  if (outputs.length === 0) throw new OnnxExportError('exportOnnx: forward returned no tensor');
  const inputNames = options.inputNames ?? defaultNames('input', inputs.length);
  const outputNames = options.outputNames ?? defaultNames('output', outputs.length);
  checkNames('input', inputNames, inputs.length);
  checkNames('output', outputNames, outputs.length);
  for (const key of Object.keys(options.dynamicAxes ?? {})) {
    if (!inputNames.includes(key) && !outputNames.includes(key))
      throw new OnnxExportError(`exportOnnx: dynamicAxes names '${key}', which is no input or output name`);
  }

  checkRecurrentAxes(allCalls, options);

  const reserved = new Map<Tensor, string>();
  for (const [i, t] of outputs.entries()) if (!reserved.has(t)) reserved.set(t, outputNames[i]!);
  const state = new Map<Tensor, string>();
  for (const [name, p] of model.namedParameters()) state.set(p, name);
  for (const [name, t] of model.namedBuffers()) state.set(t, name);
  const b = new GraphBuilder(reserved, state);
  b.sortsAllowed = sortsAllowed;
  for (const [i, t] of inputs.entries()) b.define(t, inputNames[i]!);

  for (const [t, plan, owner] of schedule(b, outputs, calls)) {
    if (plan && 'layer' in plan) {
      plan.emit(b, plan.layer, `/${plan.layer.path}`);
      continue;
    }
    const node = t.gradFn!;
    const emit = opEmitter(node.name);
    if (typeof emit === 'string') {
      throw new OnnxExportError(
        `exportOnnx: op '${node.name}'${describeLayer(owner)} cannot be exported to ONNX: ${emit}`,
      );
    }
    emit(b, t, node);
  }
  // An output no node produced under its name (an input, a parameter, a repeated output): an Identity.
  outputs.forEach((t, i) => {
    const v = b.value(t);
    if (v !== outputNames[i])
      b.nodes.push({
        name: `/Identity_${outputNames[i]}`,
        op_type: 'Identity',
        input: [v],
        output: [outputNames[i]!],
        attribute: [],
      });
  });

  return { b, inputs, outputs, inputNames, outputNames };
}

// Different values of the same shape and dtype: floats through an affine map that moves signs and
// order, integers and bools reversed along their last dim (the same values, so indices stay valid).
function perturbed(x: Tensor): Tensor {
  if (x.dtype === 'float32' || x.dtype === 'float64') return x.detach().mul(-1.37).add(0.61);
  return x.ndim === 0 ? x : x.flip(-1);
}

// The two traces must give the same nodes and the same constants; parameters and buffers are the
// model's own and equal by construction.
function checkSameGraph(a: GraphBuilder, b: GraphBuilder): void {
  const attrs = (n: GraphBuilder['nodes'][number]) =>
    n.attribute.map((a) => `${a.name}=${a.i ?? ''}${a.ints?.join(':') ?? ''}`).join(';');
  const ops = (g: GraphBuilder) =>
    g.nodes.map((n) => `${n.op_type}(${n.input.join(',')})[${attrs(n)}]`).join(' ');
  if (ops(a) !== ops(b)) {
    throw new OnnxExportError(
      'exportOnnx: forward computes a different graph for different inputs (control flow that depends on values); ONNX export needs one graph for every input',
    );
  }
  for (const [i, init] of a.initializers.entries()) {
    const other = b.initializers[i];
    if (!other || !sameBytes(init.raw_data, other.raw_data)) {
      const user = a.nodes.find((n) => n.input.includes(init.name));
      const where = user ? ` (read by ${user.op_type} node '${user.name}')` : '';
      throw new OnnxExportError(
        `exportOnnx: constant '${init.name}'${where} depends on the input through an op that records no gradient ` +
          '(a comparison, argmax or an index built from it): the exported graph would freeze its value for the example input. ' +
          'Compute it with recorded ops (e.g. relu or clamp instead of where(x.gt(0), ...)), or build the mask from shapes only',
      );
    }
  }
}

function sameBytes(x: Uint8Array | undefined, y: Uint8Array | undefined): boolean {
  if (x === undefined || y === undefined) return x === y;
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Exports `model` to ONNX: runs `model.forward(...exampleInputs)` once (in eval mode, modes restored
 * after) and writes what it computed as an ONNX `ModelProto` (opset 17), parameters and buffers as
 * initializers under their state-dict names. Convolutions (transposed too), pools, BatchNorm (eval),
 * LayerNorm, Embedding and Flatten become one ONNX op each; everything else is exported op by op from
 * the autograd graph the forward recorded (Linear as Gemm, attention as MatMul and Softmax, GELU as
 * its erf formula, sort and topk as TopK, recurrent layers unrolled over the example's sequence). Values that do not depend on an input (masks built from constants) are folded into
 * constants; a second trace on other inputs of the same shapes refuses a model where such a constant
 * would depend on the input (a mask from a comparison, which records nothing). An op ONNX cannot
 * express throws an `OnnxExportError` naming it and its layer.
 *
 * @param model The model; `forward` takes the example inputs and returns a tensor or tensors.
 * @param exampleInputs One tensor per forward argument (their shapes and dtypes become the graph's).
 * @param options Opset, input and output names, and dynamic axes, as PyTorch's.
 * @returns The serialized `ModelProto`, for a `.onnx` file or `InferenceSession.create`.
 *
 * @example
 * ```ts
 * const model = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
 * const bytes = exportOnnx(model, [randn([1, 4])], { dynamicAxes: { input: { 0: 'batch' }, output: { 0: 'batch' } } });
 * writeFileSync('model.onnx', bytes);
 * ```
 */
export function exportOnnx(
  model: AnyModule,
  exampleInputs: readonly Tensor[],
  options: ExportOnnxOptions = {},
): Uint8Array {
  const opset = options.opsetVersion ?? 17;
  if (opset !== 17) throw new OnnxExportError(`exportOnnx: opsetVersion ${opset} is not supported (only 17)`);
  let first = buildGraph(model, exampleInputs, options);
  // A value computed from an input by an op that records nothing (a comparison, an index) would be
  // frozen into the graph as a constant, right for the example and wrong for every other input. A
  // second trace on different inputs of the same shapes finds them: any such constant changes.
  let second = buildGraph(model, exampleInputs.map(perturbed), options);
  // A gather is a sort's TopK only where both traces found the same sort (a constant index may sort
  // one example by chance, never both: the second input reverses the order).
  const [s1, s2] = [first.b.sorts, second.b.sorts];
  if (s1.length !== s2.length || s1.some((s, i) => s !== s2[i])) {
    const agreed = s1.map((s, i) => (s === s2[i] ? s : null));
    first = buildGraph(model, exampleInputs, options, agreed);
    second = buildGraph(model, exampleInputs.map(perturbed), options, agreed);
  }
  checkSameGraph(first.b, second.b);
  const { b, inputs, outputs, inputNames, outputNames } = first;
  return encodeModel({
    ir_version: IR_VERSION,
    producer_name: 'backprop',
    producer_version: '0.2.0',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name: model.constructor.name,
      node: b.nodes,
      initializer: b.initializers,
      input: inputs.map((t, i) => valueInfo(inputNames[i]!, t, options.dynamicAxes)),
      output: outputs.map((t, i) => valueInfo(outputNames[i]!, t, options.dynamicAxes)),
    },
  });
}
