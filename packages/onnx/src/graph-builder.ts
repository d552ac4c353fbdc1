// Collects an ONNX graph while the exporter walks a trace: nodes in emission order (a topological
// order), initializers for parameters, buffers and constants, and the value name of every tensor.
import type { DType, Tensor } from '@backprop/core';
import {
  type AttributeMessage,
  AttributeType,
  DataType,
  type NodeMessage,
  type TensorMessage,
} from './proto.js';

/** An attribute value, tagged with its ONNX type (a JS number alone cannot say int or float). */
export type Attr =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string };

/** The ONNX element type of a backprop dtype. */
export function elemType(dtype: DType): number {
  switch (dtype) {
    case 'float32':
      return DataType.FLOAT;
    case 'float64':
      return DataType.DOUBLE;
    case 'int32':
      return DataType.INT32;
    case 'bool':
      return DataType.BOOL;
  }
}

function attribute(name: string, value: Attr): AttributeMessage {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
}

// Typed-array bytes as TensorProto.raw_data expects them: little-endian, which every platform
// that runs JavaScript engines in practice is (x86, ARM).
function bytesOf(values: ArrayBufferView): Uint8Array {
  return new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}

/** The graph under construction. */
export class GraphBuilder {
  readonly nodes: NodeMessage[] = [];
  readonly initializers: TensorMessage[] = [];
  /** The value name of every tensor emitted so far. */
  readonly #names = new Map<Tensor, string>();
  /** Names taken by values (to keep every name unique). */
  readonly #taken = new Set<string>();
  /** Tensors whose value gets a fixed name when first produced (graph outputs). */
  readonly #reserved: Map<Tensor, string>;
  /** Qualified names of the model's parameters and buffers, for their initializers. */
  readonly #stateNames: Map<Tensor, string>;
  #count = 0;
  /**
   * Which gathers (by their order of emission) were exported as a sort's TopK; `sortsAllowed`, when
   * set, limits TopK to the gathers both traces of an export found to be sorts.
   */
  readonly sorts: ('largest' | 'smallest' | null)[] = [];
  sortsAllowed: readonly ('largest' | 'smallest' | null)[] | null = null;

  constructor(reserved: Map<Tensor, string>, stateNames: Map<Tensor, string>) {
    this.#reserved = reserved;
    this.#stateNames = stateNames;
    for (const name of reserved.values()) this.#taken.add(name);
  }

  /** A name not used yet, from `base`. */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.#taken.has(name); k++) name = `${base}_${k}`;
    this.#taken.add(name);
    return name;
  }

  /** Whether `t` has a value name already. */
  has(t: Tensor): boolean {
    return this.#names.has(t);
  }

  /** Gives tensor `t` the value `name` (a graph input, or a layer that passes its input through). */
  define(t: Tensor, name: string): void {
    this.#names.set(t, name);
    this.#taken.add(name);
  }

  /**
   * The value name of `t`: the one it was given, or, for a tensor no op produced (a parameter, a
   * buffer, a constant made during forward), a new initializer holding its values.
   */
  value(t: Tensor): string {
    const known = this.#names.get(t);
    if (known !== undefined) return known;
    if (t.gradFn !== null)
      throw new Error(`exportOnnx: internal error: '${t.gradFn.name}' used before it was emitted`);
    const name = this.unique(this.#stateNames.get(t) ?? `const_${this.#count++}`);
    this.initializers.push(this.tensorMessage(name, t));
    this.#names.set(t, name);
    return name;
  }

  /** A new int64 initializer (shapes, axes, pads: ONNX takes them as int64 tensors). */
  int64(values: readonly number[], scalar = false): string {
    const name = this.unique(`const_${this.#count++}`);
    const data = BigInt64Array.from(values, (v) => BigInt(v));
    this.initializers.push({
      name,
      data_type: DataType.INT64,
      dims: scalar ? [] : [values.length],
      raw_data: bytesOf(data),
    });
    return name;
  }

  /** A new 0-d initializer of `dtype` holding `value`. */
  scalar(value: number, dtype: DType): string {
    const name = this.unique(`const_${this.#count++}`);
    const data =
      dtype === 'float64'
        ? Float64Array.of(value)
        : dtype === 'int32'
          ? Int32Array.of(value)
          : Float32Array.of(value);
    this.initializers.push({
      name,
      data_type: elemType(dtype === 'bool' ? 'float32' : dtype),
      dims: [],
      raw_data: bytesOf(data),
    });
    return name;
  }

  /**
   * Appends node `opType(inputs)` and returns its output's name; `out` is the tensor it computes
   * (omitted for an intermediate value of a layer that emits several nodes). `scope` names the node
   * after its layer.
   */
  node(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, Attr> = {},
    out?: Tensor,
    scope = '',
  ): string {
    const reserved = out && this.#reserved.get(out);
    const output = reserved && !this.#names.has(out) ? reserved : this.unique(`${scope}/${opType}_output_0`);
    const name = this.unique(`${scope}/${opType}`);
    const list = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ name, op_type: opType, input: [...inputs], output: [output], attribute: list });
    if (out) this.#names.set(out, output);
    return output;
  }

  /** As `node`, for an op with several outputs: one tensor (or none) per output; returns their names. */
  nodeOutputs(
    opType: string,
    inputs: readonly string[],
    attrs: Record<string, Attr>,
    outs: readonly (Tensor | undefined)[],
    scope = '',
  ): string[] {
    const outputs = outs.map((out, i) => {
      const reserved = out && this.#reserved.get(out);
      const output =
        reserved && !this.#names.has(out) ? reserved : this.unique(`${scope}/${opType}_output_${i}`);
      if (out) this.#names.set(out, output);
      return output;
    });
    const name = this.unique(`${scope}/${opType}`);
    const list = Object.entries(attrs).map(([k, v]) => attribute(k, v));
    this.nodes.push({ name, op_type: opType, input: [...inputs], output: outputs, attribute: list });
    return outputs;
  }

  private tensorMessage(name: string, t: Tensor): TensorMessage {
    const data = t.data();
    return { name, data_type: elemType(t.dtype), dims: [...t.shape], raw_data: bytesOf(data) };
  }
}
