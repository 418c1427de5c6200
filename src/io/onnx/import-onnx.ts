/** ONNX import: a nabla `Sequential` from the bytes of an `.onnx` file (browser-safe, like the export). */
import { noGrad } from "../../autograd/grad-mode.js";
import { Linear } from "../../nn/linear.js";
import { Sequential } from "../../nn/sequential.js";
import { ImportContext, NodeReader, type GroupNormDraft, type Layer, type LinearDraft, type ShapeDims } from "./import-context.js";
import { OP_IMPORTERS } from "./op-importers.js";
import { groupNormFromDraft, isGroupNormDraft } from "./group-norm-onnx.js";
import { FUSED_IMPORTERS } from "./activation-importers.js";
import { FUSED_DOMAIN, fuseActivations } from "./fuse-activations.js";
import { Unflatten } from "../../nn/unflatten.js";
import type { TensorModule } from "../../nn/sequential.js";
import { Flatten } from "../../nn/flatten.js";
import { DataType, decodeModelProto, toSafeInteger, type GraphProto, type ModelProto, type NodeProto, type ValueInfoProto } from "./onnx-proto.js";
import { readConstant, transpose2d, type Constant, type FloatDType } from "./onnx-tensor.js";

/** What {@link importOnnx} returns. */
export interface ImportedOnnx {
  /** The network, in eval mode (call `train()` to fine-tune it). */
  model: Sequential;
  /** The shape of one input sample, without the batch dim, or null when the file does not give it. */
  inputShape: number[] | null;
  /** The graph's input and output names. */
  inputName: string;
  outputName: string;
  /** The file's opset (of the default ONNX domain) and the program that wrote it. */
  opset: number;
  producer: string;
}

const SOURCE = "importOnnx";

function graphOf(model: ModelProto): GraphProto {
  const graph = model.graph;
  if (graph === undefined || graph === null) throw new Error(`${SOURCE}: not an ONNX model: the file holds no graph (truncated, corrupted, or not an .onnx file?)`);
  if (model.ir_version === undefined || toSafeInteger(model.ir_version, `${SOURCE}: ir_version`) < 3) {
    throw new Error(`${SOURCE}: not an ONNX model: ir_version ${String(model.ir_version ?? "is missing")} (truncated, corrupted, or not an .onnx file?)`);
  }
  if ((model.functions?.length ?? 0) > 0) throw new Error(`${SOURCE}: the file defines ${model.functions!.length} model-local function(s), which are not supported`);
  return graph;
}

function defaultOpset(model: ModelProto): number {
  let opset: number | null = null;
  for (const entry of model.opset_import ?? []) {
    if (entry.domain === undefined || entry.domain === "" || entry.domain === "ai.onnx") opset = toSafeInteger(entry.version, `${SOURCE}: opset version`);
  }
  if (opset === null) throw new Error(`${SOURCE}: the file imports no opset of the default ONNX domain`);
  if (opset < 7) throw new Error(`${SOURCE}: opset ${opset} is too old (nabla reads opsets 7 and later)`);
  return opset;
}

/** ONNX's INT32 element type: indices, like INT64. */
const INT32 = 6;

function inputInfo(info: ValueInfoProto): { dtype: FloatDType; indices: boolean; shape: ShapeDims | null } {
  const tensorType = info.type?.tensor_type;
  if (tensorType === undefined) throw new Error(`${SOURCE}: the graph input "${info.name}" is not a tensor`);
  const elem = tensorType.elem_type ?? 0;
  const indices = elem === DataType.INT64 || elem === INT32;
  if (elem !== DataType.FLOAT && elem !== DataType.DOUBLE && !indices) throw new Error(`${SOURCE}: the graph input "${info.name}" has element type ${elem}; nabla reads float32 (1) and float64 (11) inputs, and int64 (7) or int32 (6) indices for an Embedding`);
  const dims = tensorType.shape?.dim;
  const shape = dims === undefined ? null : dims.map((d, i) => {
    if (d.dim_value === undefined || d.dim_value === null) return null; // dim_param (or unknown): dynamic
    const n = toSafeInteger(d.dim_value, `${SOURCE}: input dim ${i}`);
    if (n < 1) throw new Error(`${SOURCE}: the graph input "${info.name}" has dim ${i} of size ${n}`);
    return n;
  });
  if (shape !== null && shape.length === 0) throw new Error(`${SOURCE}: the graph input "${info.name}" is a scalar; nabla needs a batch dim`);
  return { dtype: elem === DataType.DOUBLE ? "float64" : "float32", indices, shape };
}

/** Constant (and the ops on constants PyTorch writes) evaluated at import: their outputs become constants. */
function foldConstant(node: NodeProto, context: ImportContext): boolean {
  const reader = new NodeReader(node, context);
  const inputs = (node.input ?? []).filter((name) => name !== "");
  const constantInputs = inputs.map((name) => context.constants.get(name));
  if (constantInputs.some((c) => c === undefined)) return false;
  let value: Constant;
  if (node.op_type === "Constant") {
    const attributes = reader.attributes({ value: "tensor", value_float: "float", value_int: "int", value_ints: "ints", value_floats: "tensor" });
    const tensorValue = attributes.tensor("value");
    if (tensorValue !== undefined) value = tensorValue;
    else if (attributes.has("value_float")) value = { dims: [], type: "float32", values: Float32Array.of(attributes.float("value_float", 0)) };
    else if (attributes.has("value_int")) value = { dims: [], type: "int64", values: [attributes.int("value_int", 0)] };
    else if (attributes.has("value_ints")) value = { dims: [attributes.ints("value_ints")!.length], type: "int64", values: attributes.ints("value_ints")! };
    else return reader.fail(`holds no value nabla reads (value, value_float, value_int or value_ints)`);
  } else if (node.op_type === "Identity" && inputs.length === 1) {
    value = constantInputs[0]!;
  } else if (node.op_type === "Transpose" && inputs.length === 1) {
    const perm = reader.attributes({ perm: "ints" }).ints("perm");
    const source = constantInputs[0]!;
    if (source.dims.length !== 2 || (perm !== undefined && !(perm[0] === 1 && perm[1] === 0))) reader.fail(`only the transpose of a 2-D constant is supported`);
    value = transpose2d(source);
  } else {
    return false;
  }
  context.constants.set(reader.output(), value);
  return true;
}

function isDraft(layer: Layer): layer is LinearDraft {
  return "kind" in layer && layer.kind === "linear";
}

/** A Reshape to [0, G, -1] that starts no group normalization: a Flatten or an Unflatten, where it is one. */
function splitAsLayer(draft: GroupNormDraft): TensorModule | null {
  const rank = draft.inputShape?.length ?? 0;
  if (rank >= 3 && draft.groups === draft.channels) return new Flatten(2, -1);
  if (rank === 2) return new Unflatten(1, [draft.groups, draft.channels / draft.groups]);
  return null;
}

/** The layers as modules, Linear drafts loaded with their weights, in `dtype` and eval mode. */
function buildModel(layers: Layer[], dtype: FloatDType): Sequential {
  const modules = layers.map((layer) => {
    if (isGroupNormDraft(layer)) return groupNormFromDraft(layer, splitAsLayer);
    if ("kind" in layer && layer.kind === "pad") throw new Error(`${layer.where}: a Pad is only supported right before an AveragePool (PyTorch's AvgPool with countIncludePad)`);
    if (!isDraft(layer)) return layer;
    const [outFeatures, inFeatures] = layer.weight.shape as [number, number];
    return new Linear(inFeatures, outFeatures, { bias: layer.bias !== null });
  });
  const model = new Sequential(...modules).to(dtype);
  noGrad(() => {
    layers.forEach((layer, i) => {
      if (!isDraft(layer)) return;
      const linear = modules[i] as Linear;
      linear.weight.copy_(layer.weight);
      if (layer.bias !== null) linear.bias!.copy_(layer.bias);
    });
  });
  return model.eval();
}

/** The sample shape: from the graph input, else from a first Linear layer. */
function sampleShape(shape: ShapeDims | null, first: Layer | undefined): number[] | null {
  if (shape !== null && shape.slice(1).every((d) => d !== null)) return shape.slice(1) as number[];
  if (shape === null && first !== undefined && isDraft(first)) return [first.weight.shape[1]!];
  return null;
}

/**
 * Builds a nabla `Sequential` from an ONNX file's bytes, to evaluate or fine-tune it: the graphs
 * nabla's {@link exportOnnx} writes and those PyTorch's `torch.onnx.export` writes for
 * `Sequential` MLPs (Gemm, or MatMul + Add, as Linear; Relu, Sigmoid, Tanh, Softmax, LogSoftmax,
 * Flatten, Reshape as a flatten, Dropout, Identity) and CNNs (Conv, ConvTranspose, 1-D and 2-D
 * MaxPool and AveragePool, GlobalAveragePool, BatchNormalization, LayerNormalization, GroupNorm's
 * Reshape + InstanceNormalization + Reshape + Mul + Add, a lone InstanceNormalization as
 * GroupNorm(C, C)), and the activations (LeakyRelu, Elu, Softplus, Clip as Hardtanh, Gelu, and the
 * decompositions PyTorch writes for GELU, SiLU, LogSigmoid and Softplus with beta; a Reshape that splits one
 * dim as Unflatten; a Gather of int64 or int32 input indices as Embedding). The graph must be
 * one chain from its one input to its one output. An op nabla does not support is an error naming the op and the node;
 * so is an unsupported attribute or an initializer whose shape does not fit; a truncated or
 * corrupted file is an error saying so, never a different model.
 *
 * @example
 * ```ts
 * import { nn, io, tensor } from "nabla";
 * const source = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh());
 * const { model, inputShape, opset } = io.importOnnx(io.exportOnnx(source));
 * console.log(inputShape, opset, model.length); // [2] 17 2
 * const x = tensor([[0.5, -1]]);
 * console.log(model.call(x).sub(source.call(x)).abs().max().item()); // 0
 * ```
 */
export function importOnnx(bytes: Uint8Array): ImportedOnnx {
  const proto = decodeModelProto(bytes, SOURCE);
  const graph = graphOf(proto);
  const opset = defaultOpset(proto);
  if ((graph.sparse_initializer?.length ?? 0) > 0) throw new Error(`${SOURCE}: sparse initializers are not supported`);
  const constants = new Map<string, Constant>();
  for (const [i, initializer] of (graph.initializer ?? []).entries()) {
    const name = initializer.name ?? "";
    if (name === "") throw new Error(`${SOURCE}: initializer ${i} has no name`);
    if (constants.has(name)) throw new Error(`${SOURCE}: two initializers are named "${name}"`);
    constants.set(name, readConstant(initializer, `${SOURCE}: initializer "${name}"`));
  }
  // Files from IR version 3 list initializers among the inputs too: the data input is the rest.
  const inputs = (graph.input ?? []).filter((info) => !constants.has(info.name ?? ""));
  if (inputs.length !== 1) throw new Error(`${SOURCE}: the graph has ${inputs.length} inputs (${inputs.map((i) => `"${i.name}"`).join(", ")}); nabla models take exactly one`);
  const outputs = graph.output ?? [];
  if (outputs.length !== 1) throw new Error(`${SOURCE}: the graph has ${outputs.length} outputs; nabla models give exactly one`);
  const input = inputs[0]!;
  const { dtype, indices, shape } = inputInfo(input);
  const context = new ImportContext(opset, dtype, input.name!, shape);
  context.indexInput = indices;
  for (const [name, value] of constants) (context.constants.set(name, value), context.producers.set(name, "(initializer)"));
  context.producers.set(input.name!, "(graph input)");
  for (const node of fuseActivations(graph.node ?? [], graph.initializer ?? [])) {
    const reader = new NodeReader(node, context);
    if (node.domain === FUSED_DOMAIN) FUSED_IMPORTERS[node.op_type ?? ""]!(reader, context);
    else if (node.domain !== undefined && node.domain !== "" && node.domain !== "ai.onnx") reader.fail(`ops of the domain "${node.domain}" are not supported`);
    else if (!foldConstant(node, context)) {
      const importer = OP_IMPORTERS[node.op_type ?? ""];
      if (importer === undefined) reader.fail(`the op ${node.op_type || "(none)"} is not supported (nabla imports ${[...Object.keys(OP_IMPORTERS), "Constant", "Transpose of a constant"].join(", ")})`);
      importer(reader, context);
    }
    for (const output of node.output ?? []) if (output !== "") context.producers.set(output, node.name || node.op_type || "(unnamed)");
    context.chain.set(context.current, context.shape);
  }
  const outputName = outputs[0]!.name ?? "";
  if (outputName !== context.current) {
    const producer = context.producers.get(outputName);
    throw new Error(`${SOURCE}: the graph output "${outputName}" ${producer === undefined ? "is produced by no node" : `comes from "${producer}"`}, not from the last layer of the chain`);
  }
  if (context.layers.length === 0) throw new Error(`${SOURCE}: the graph has no layers (its output is its input)`);
  if (indices && !context.indicesRead) throw new Error(`${SOURCE}: the graph input "${input.name}" holds integer indices, which only a Gather (an Embedding) as the first layer reads`);
  const weightsDtype = [...constants.values()].find((c) => c.type !== "int64")?.type;
  const model = buildModel(context.layers, weightsDtype === "float64" || dtype === "float64" ? "float64" : "float32");
  return {
    model,
    inputShape: sampleShape(shape, context.layers[0]),
    inputName: input.name!,
    outputName,
    opset,
    producer: [proto.producer_name, proto.producer_version].filter((s) => s !== undefined && s !== "").join(" "),
  };
}
