// ONNX's protobuf messages, encoded by protobufjs from the committed schema (onnx-schema.ts): no
// hand-written wire format. Field names are those of onnx.proto (snake_case).
import protobuf from 'protobufjs/light.js';
import { onnxSchema } from './onnx-schema.js';

const root = protobuf.Root.fromJSON(onnxSchema);
const ModelProto = root.lookupType('onnx.ModelProto');

/** TensorProto.DataType codes of the dtypes an export writes. */
export const DataType = { FLOAT: 1, UINT8: 2, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType codes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

/** A TensorProto as a plain object (raw little-endian bytes). */
export interface TensorMessage {
  name: string;
  data_type: number;
  dims: number[];
  raw_data: Uint8Array;
}

/** An AttributeProto as a plain object. */
export interface AttributeMessage {
  name: string;
  type: number;
  i?: number;
  f?: number;
  s?: Uint8Array;
  ints?: number[];
  floats?: number[];
}

/** A NodeProto as a plain object. */
export interface NodeMessage {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeMessage[];
}

/** One dim of a value's shape: a size, or a symbolic name (a dynamic axis). */
export type DimMessage = { dim_value: number } | { dim_param: string };

/** A ValueInfoProto for a tensor as a plain object. */
export interface ValueInfoMessage {
  name: string;
  type: { tensor_type: { elem_type: number; shape: { dim: DimMessage[] } } };
}

/** A ModelProto's graph and header, as a plain object. */
export interface ModelMessage {
  ir_version: number;
  producer_name: string;
  producer_version: string;
  opset_import: { domain: string; version: number }[];
  graph: {
    name: string;
    node: NodeMessage[];
    initializer: TensorMessage[];
    input: ValueInfoMessage[];
    output: ValueInfoMessage[];
  };
}

/** Encodes a model to ModelProto bytes, after protobufjs has checked every field against the schema. */
export function encodeModel(model: ModelMessage): Uint8Array {
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`exportOnnx: invalid ModelProto (${problem})`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
