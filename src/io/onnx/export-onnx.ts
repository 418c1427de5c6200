/** ONNX export: a nabla model as the bytes of an `.onnx` file (no Node APIs, so it runs in browsers too). */
import { Module } from "../../nn/module.js";
import { Linear } from "../../nn/linear.js";
import type { Tensor } from "../../tensor/tensor.js";
import { MODULE_EXPORTERS } from "./module-exporters.js";
import { describePath, GraphBuilder, type AnyModule, type Dim, type Value } from "./onnx-graph-builder.js";
import { DataType, encodeModelProto, type ModelProto, type ValueInfoProto } from "./onnx-proto.js";
import { elementType, type FloatDType } from "./onnx-tensor.js";

/** Options of {@link exportOnnx} and `saveOnnx`. */
export interface OnnxExportOptions {
  /**
   * The shape of one input sample, without the batch dim (`[784]`, `[1, 28, 28]`). Defaults to
   * `[inFeatures]` of the first layer when the model starts with a Linear.
   */
  inputShape?: readonly number[];
  /** The ONNX opset (default 17; 17 to 21 are written). */
  opset?: number;
  /** Leave the batch dim dynamic, named "batch" (default true); false fixes it to `batchSize`. */
  dynamicBatch?: boolean;
  /** The batch size written when `dynamicBatch` is false (default 1). */
  batchSize?: number;
  /** The graph's input name (one name; default `["input"]`). */
  inputNames?: readonly string[];
  /** The graph's output name (one name; default `["output"]`). */
  outputNames?: readonly string[];
}

/** The opsets written, with the IR version each needs (onnx's VERSION_TABLE). */
const IR_VERSIONS: Record<number, number> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };
export const DEFAULT_OPSET = 17;
/** What `producer_version` records. */
const NABLA_VERSION = "0.1.0";

function modelDtype(model: AnyModule): FloatDType {
  const dtypes = new Set(model.parameters().map((p) => p.dtype));
  if (dtypes.size > 1) throw new Error(`exportOnnx: the model mixes ${[...dtypes].join(" and ")} parameters; convert it with model.to(dtype) first`);
  const dtype = [...dtypes][0] ?? "float32";
  if (dtype !== "float32" && dtype !== "float64") throw new Error(`exportOnnx: the model's parameters are ${dtype}; ONNX export writes float32 or float64 models`);
  return dtype;
}

function oneName(option: readonly string[] | undefined, fallback: string, what: string): string {
  if (option === undefined) return fallback;
  if (!Array.isArray(option) || option.length !== 1 || typeof option[0] !== "string" || option[0] === "") {
    throw new Error(`exportOnnx: ${what} must hold exactly one non-empty name (the model has one ${what === "inputNames" ? "input" : "output"}), got ${JSON.stringify(option)}`);
  }
  return option[0];
}

function checkInputShape(model: AnyModule, shape: readonly number[] | undefined): number[] {
  if (shape === undefined) {
    const first = model.modules().find((m) => m.children().length === 0);
    if (first instanceof Linear) return [first.inFeatures];
    throw new Error(`exportOnnx: pass options.inputShape (the shape of one input sample, without the batch dim): the model does not start with a Linear layer`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 1)) throw new Error(`exportOnnx: inputShape must be a list of integers ≥ 1 (one sample, without the batch dim), got ${JSON.stringify(shape)}`);
  return [...shape];
}

function valueInfo(name: string, dtype: FloatDType | "int64", shape: readonly Dim[]): ValueInfoProto {
  const dim = shape.map((d) => (typeof d === "number" ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: dtype === "int64" ? DataType.INT64 : elementType(dtype), shape: { dim } } } };
}

/**
 * The model as an ONNX file (a `ModelProto`, encoded with protobufjs from ONNX's published
 * schema): parameters become initializers under their state-dict names, each module one or a
 * few standard ops (Linear → Gemm, or MatMul + Add beyond 2-D; ReLU → Relu; Dropout →
 * inference-mode Dropout; Flatten → Flatten or Reshape; Conv1d/Conv2d → Conv; ConvTranspose2d →
 * ConvTranspose; MaxPool1d/2d, AvgPool1d/2d, AdaptiveAvgPool2d(1) → MaxPool, AveragePool,
 * GlobalAveragePool; BatchNorm1d/2d → BatchNormalization with the running statistics, the eval
 * semantics whatever the module's mode, as torch.onnx.export does; LayerNorm →
 * LayerNormalization; GroupNorm → Reshape, InstanceNormalization, Reshape, Mul, Add, as PyTorch
 * writes it; LeakyReLU, ELU, Softplus, Hardtanh → LeakyRelu, Elu, Softplus, Clip; GELU → PyTorch's
 * Erf (or tanh) decomposition, one Gelu op from opset 20; SiLU → Sigmoid and Mul; Unflatten →
 * Reshape; Upsample → Resize, by scales or by sizes; Embedding (the first layer) → Gather of
 * int64 indices …). The batch dim is dynamic unless
 * `dynamicBatch` is false. A module ONNX export does not know is an error naming it and its
 * path in the model; an `inputShape` that does not fit is an error naming the first module it
 * does not fit.
 *
 * @example
 * ```ts
 * import { nn, io } from "nabla";
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3), new nn.Softmax(1));
 * const bytes = io.exportOnnx(model, { inputShape: [4] });
 * console.log(bytes instanceof Uint8Array); // true
 * const { model: back, inputShape } = io.importOnnx(bytes);
 * console.log(back.toString().split("\n")[1], inputShape); // "  (0): Linear(inFeatures=4, outFeatures=8, bias=true)" [4]
 * ```
 */
export function exportOnnx(model: Module<[Tensor], Tensor>, options: OnnxExportOptions = {}): Uint8Array {
  const root = model as unknown as AnyModule;
  if (!(model instanceof Module)) {
    throw new Error(`exportOnnx: expected an nn.Module, got ${(model as object | null)?.constructor?.name ?? String(model)}`);
  }
  const opset = options.opset ?? DEFAULT_OPSET;
  const irVersion = IR_VERSIONS[opset];
  if (irVersion === undefined) throw new Error(`exportOnnx: opset ${opset} is not supported (nabla writes opsets ${Object.keys(IR_VERSIONS).join(", ")})`);
  const dynamicBatch = options.dynamicBatch ?? true;
  const batchSize = options.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`exportOnnx: batchSize must be an integer ≥ 1, got ${batchSize}`);
  const inputName = oneName(options.inputNames, "input", "inputNames");
  const outputName = oneName(options.outputNames, "output", "outputNames");
  if (inputName === outputName) throw new Error(`exportOnnx: the input and the output are both named "${inputName}"`);
  const inputShape = checkInputShape(root, options.inputShape);
  const dtype = modelDtype(root);

  const exportModule = (module: AnyModule, input: Value, path: string): Value => {
    const exporter = MODULE_EXPORTERS.get(module.constructor);
    if (exporter === undefined) {
      const known = [...MODULE_EXPORTERS.keys()].map((c) => c.name).join(", ");
      throw new Error(`exportOnnx: module ${describePath(path)} is a ${module.constructor.name}, which ONNX export does not support (supported: ${known})`);
    }
    return exporter(module, input, graph, path);
  };
  const graph = new GraphBuilder(dtype, inputName, opset, exportModule);
  const input: Value = { name: graph.reserve(inputName), shape: [dynamicBatch ? "batch" : batchSize, ...inputShape] };
  graph.reserve(outputName);
  const result = exportModule(root, input, "");
  const last = graph.nodes.at(-1);
  if (last !== undefined && last.output?.[0] === result.name) last.output = [outputName];
  else graph.node("Identity", "", [result.name], {}, outputName); // the model returns its input

  const proto: ModelProto = {
    ir_version: irVersion,
    producer_name: "nabla",
    producer_version: NABLA_VERSION,
    opset_import: [{ domain: "", version: opset }],
    graph: {
      name: "nabla",
      node: graph.nodes,
      initializer: graph.initializers,
      // int64 indices when an Embedding reads the input (as torch.onnx.export writes it)
      input: [valueInfo(inputName, graph.indexInput ? "int64" : dtype, input.shape)],
      output: [valueInfo(outputName, dtype, result.shape)],
    },
  };
  return encodeModelProto(proto);
}
