// TensorProto ↔ values: nabla's tensors become little-endian `raw_data`; constants read from a file
// are checked (element type, dims, data length) before anything is allocated.
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { DataType, toSafeInteger, type TensorProto } from "./onnx-proto.js";

/** The dtypes of an ONNX model's values in nabla (parameters are floating point). */
export type FloatDType = "float32" | "float64";

/** A constant from the file: an initializer or a Constant node's value. */
export interface Constant {
  dims: number[];
  type: FloatDType | "int64";
  values: Float32Array | Float64Array | number[];
}

/** The ONNX element type of a nabla dtype. */
export function elementType(dtype: FloatDType): number {
  return dtype === "float64" ? DataType.DOUBLE : DataType.FLOAT;
}

/** A nabla tensor as an initializer named `name` (raw little-endian data, as PyTorch writes it). */
export function tensorProto(name: string, t: Tensor): TensorProto {
  const values = t.toTypedArray();
  const size = t.dtype === "float64" ? 8 : 4;
  const raw = new Uint8Array(values.length * size);
  const view = new DataView(raw.buffer);
  if (t.dtype === "float64") values.forEach((v, i) => view.setFloat64(8 * i, Number(v), true));
  else values.forEach((v, i) => view.setFloat32(4 * i, Number(v), true));
  return { name, dims: [...t.shape], data_type: elementType(t.dtype === "float64" ? "float64" : "float32"), raw_data: raw };
}

/** A 1-D int64 initializer (Reshape's target shape). */
export function int64Proto(values: readonly number[], name = ""): TensorProto {
  return { name, dims: [values.length], data_type: DataType.INT64, int64_data: [...values] };
}

/** A float scalar initializer (Dropout's ratio). */
export function floatScalarProto(value: number, name = ""): TensorProto {
  return { name, dims: [], data_type: DataType.FLOAT, float_data: [value] };
}

// float_data, double_data and int64_data hold FLOAT, DOUBLE and INT64; BOOL sits in int32_data.
const ELEMENT_TYPES: Record<number, { type: Constant["type"]; bytes: number }> = {
  [DataType.FLOAT]: { type: "float32", bytes: 4 },
  [DataType.DOUBLE]: { type: "float64", bytes: 8 },
  [DataType.INT64]: { type: "int64", bytes: 8 },
  // Dropout's training_mode: 0 or 1, read as integers
  [DataType.BOOL]: { type: "int64", bytes: 1 },
};

/** Reads a TensorProto; `where` names it in errors ("initializer 0.weight"). */
export function readConstant(proto: TensorProto, where: string): Constant {
  const code = proto.data_type ?? 0;
  const element = ELEMENT_TYPES[code];
  if (element === undefined) throw new Error(`${where}: element type ${code} is not supported (nabla reads float32, float64 and int64 tensors)`);
  if (proto.data_location === 1 || (proto.external_data?.length ?? 0) > 0) throw new Error(`${where}: the data is stored in an external file, which importOnnx does not read (save the model with its weights inside)`);
  const dims = (proto.dims ?? []).map((d, i) => {
    const n = toSafeInteger(d, `${where}: dim ${i}`);
    if (n < 0) throw new Error(`${where}: dim ${i} is negative (${n})`);
    return n;
  });
  const count = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) throw new Error(`${where}: dims [${dims.join(",")}] hold too many elements`);
  const raw = proto.raw_data;
  if (raw !== undefined && raw.length > 0) {
    if (raw.length !== count * element.bytes) {
      throw new Error(`${where}: dims [${dims.join(",")}] ${element.type} need ${count * element.bytes} bytes of raw_data, the file holds ${raw.length} (mismatched shape or truncated data)`);
    }
    if (element.bytes === 1) return { dims, type: "int64", values: Array.from(raw) };
    return { dims, type: element.type, values: decodeRaw(raw, element.type, count) };
  }
  const field = element.type === "float32" ? proto.float_data : element.type === "float64" ? proto.double_data : code === DataType.BOOL ? proto.int32_data : proto.int64_data;
  const list = field ?? [];
  if (list.length !== count) throw new Error(`${where}: dims [${dims.join(",")}] need ${count} values, the file holds ${list.length} (mismatched shape or truncated data)`);
  if (element.type === "float32") return { dims, type: "float32", values: Float32Array.from(list as number[]) };
  if (element.type === "float64") return { dims, type: "float64", values: Float64Array.from(list as number[]) };
  return { dims, type: "int64", values: (list as Parameters<typeof toSafeInteger>[0][]).map((v, i) => toSafeInteger(v, `${where}: value ${i}`)) };
}

function decodeRaw(raw: Uint8Array, type: Constant["type"], count: number): Constant["values"] {
  // DataView: raw_data may sit unaligned inside the file's buffer, and is little-endian.
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (type === "float32") return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
  if (type === "float64") return Float64Array.from({ length: count }, (_, i) => view.getFloat64(8 * i, true));
  return Array.from({ length: count }, (_, i) => {
    const v = view.getBigInt64(8 * i, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`int64 value ${v} is out of range`);
    return Number(v);
  });
}

/** A float constant as a nabla tensor of its own dtype. */
export function constantTensor(constant: Constant, where: string): Tensor {
  if (constant.type === "int64") throw new Error(`${where}: expected a float tensor, got int64`);
  return tensor(constant.values as Float32Array | Float64Array, { shape: constant.dims, dtype: constant.type });
}

/** The transpose of a 2-D constant. */
export function transpose2d(constant: Constant): Constant {
  const [rows, cols] = constant.dims as [number, number];
  const source = constant.values;
  const out = source instanceof Float64Array ? new Float64Array(source.length) : source instanceof Float32Array ? new Float32Array(source.length) : Array.from({ length: source.length }, () => 0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = source[r * cols + c]!;
  return { dims: [cols, rows], type: constant.type, values: out };
}
