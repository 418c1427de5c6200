// ONNX's protobuf messages, encoded and decoded by protobufjs from ONNX's published schema
// (onnx.proto, as the JSON descriptor in `onnx-schema.ts`), with the plain TypeScript shapes of the
// part of the schema nabla reads and writes.
import protobuf from "protobufjs/light.js";
import { ONNX_SCHEMA } from "./onnx-schema.js";

/** TensorProto.DataType codes nabla meets (onnx.proto's enum). */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType codes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

/** A 64-bit integer as protobufjs hands it over: a number, or a Long when the `long` package is there. */
export type Int64 = number | { toNumber(): number; toString(): string };

export interface TensorProto {
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  raw_data?: Uint8Array;
  name?: string;
  data_location?: number;
  external_data?: { key?: string; value?: string }[];
}

export interface AttributeProto {
  name?: string;
  type?: number;
  f?: number;
  i?: Int64;
  s?: Uint8Array;
  t?: TensorProto;
  g?: unknown;
  floats?: number[];
  ints?: Int64[];
  strings?: Uint8Array[];
  ref_attr_name?: string;
}

export interface NodeProto {
  input?: string[];
  output?: string[];
  name?: string;
  op_type?: string;
  domain?: string;
  attribute?: AttributeProto[];
}

export interface Dimension {
  dim_value?: Int64;
  dim_param?: string;
}

export interface ValueInfoProto {
  name?: string;
  type?: { tensor_type?: { elem_type?: number; shape?: { dim?: Dimension[] } } };
}

export interface GraphProto {
  node?: NodeProto[];
  name?: string;
  initializer?: TensorProto[];
  sparse_initializer?: unknown[];
  input?: ValueInfoProto[];
  output?: ValueInfoProto[];
  value_info?: ValueInfoProto[];
}

export interface ModelProto {
  ir_version?: Int64;
  opset_import?: { domain?: string; version?: Int64 }[];
  producer_name?: string;
  producer_version?: string;
  domain?: string;
  model_version?: Int64;
  doc_string?: string;
  graph?: GraphProto;
  functions?: unknown[];
  training_info?: unknown[];
}

let modelType: protobuf.Type | null = null;

/** onnx.ModelProto, built from the descriptor on first use. */
function modelProto(): protobuf.Type {
  modelType ??= protobuf.Root.fromJSON(ONNX_SCHEMA).lookupType("onnx.ModelProto");
  return modelType;
}

/** Serialises a ModelProto (fields by their schema names) to bytes. */
export function encodeModelProto(model: ModelProto): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`exportOnnx: internal error, the ModelProto does not fit onnx.proto: ${problem}`);
  const bytes = type.encode(type.fromObject(model as Record<string, unknown>)).finish();
  // In Node protobufjs answers with a Buffer; hand out a plain Uint8Array on every platform.
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Parses ModelProto bytes; malformed protobuf is an error naming `source`. */
export function decodeModelProto(bytes: Uint8Array, source: string): ModelProto {
  if (!(bytes instanceof Uint8Array)) throw new Error(`${source}: expected the bytes of an .onnx file (a Uint8Array), got ${describe(bytes)}`);
  if (bytes.length === 0) throw new Error(`${source}: not an ONNX model: the data is empty`);
  const type = modelProto();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (error) {
    throw new Error(`${source}: not a valid ONNX file (truncated or corrupted?): the protobuf data does not parse: ${(error as Error).message}`);
  }
  return type.toObject(message, { arrays: true }) as ModelProto;
}

/** A 64-bit integer as a JS number, or an error when it does not fit one exactly. */
export function toSafeInteger(value: Int64 | undefined | null, what: string): number {
  if (value === undefined || value === null) return 0;
  const number = typeof value === "number" ? value : value.toNumber();
  if (!Number.isSafeInteger(number)) throw new Error(`${what}: ${String(value)} is out of range`);
  return number;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "an object";
  return typeof value;
}
