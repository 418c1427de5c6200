// How the activation ops, the fused activation decompositions (fuse-activations.ts) and Gather
// become nabla layers (entries of OP_IMPORTERS and FUSED_IMPORTERS).
import { ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, SiLU, Softplus } from "../../nn/activations.js";
import { Embedding } from "../../nn/embedding.js";
import { noGrad } from "../../autograd/grad-mode.js";
import type { TensorModule } from "../../nn/sequential.js";
import type { ImportContext, NodeReader } from "./import-context.js";
import { constantTensor, shortestFloat32 } from "./onnx-tensor.js";

type OpImporter = (node: NodeReader, context: ImportContext) => void;

/** A string attribute's value, or `fallback`. */
function stringAttribute(node: NodeReader, name: string, fallback: string): string {
  const raw = node.node.attribute?.find((a) => a.name === name)?.s;
  return raw === undefined || raw === null ? fallback : new TextDecoder().decode(raw as Uint8Array);
}

/** A one-input op whose output has its input's shape, as `make` builds it from the attributes. */
function activation(spec: Parameters<NodeReader["attributes"]>[0], make: (node: NodeReader, float: (name: string, fallback: number) => number) => TensorModule): OpImporter {
  return (node, context) => {
    node.inputCount(1, 1);
    const attributes = node.attributes(spec);
    node.data();
    const module = make(node, (name, fallback) => shortestFloat32(attributes.float(name, fallback)));
    context.push(module, node.output(), context.shape);
  };
}

const importGelu = activation({ approximate: "string" }, (node) => {
  const approximate = stringAttribute(node, "approximate", "none");
  if (approximate !== "none" && approximate !== "tanh") node.fail(`approximate="${approximate}" is not supported (nabla reads "none" and "tanh")`);
  return new GELU({ approximate: approximate as "none" | "tanh" });
});

const importSoftplus = activation({ beta: "float" }, (_node, float) => new Softplus({ beta: float("beta", 1) }));

// Clip(x, min, max) with both bounds: Hardtanh (bounds as inputs from opset 11, attributes before).
const importClip: OpImporter = (node, context) => {
  node.inputCount(1, 3);
  const attributes = node.attributes({ min: "float", max: "float" });
  node.data(0);
  const bound = (index: number, name: "min" | "max"): number => {
    if (node.inputName(index) !== undefined) {
      const constant = node.constant(index, name);
      if (constant.type === "int64" || constant.values.length !== 1) node.fail(`${name} must be a float scalar`);
      return shortestFloat32(constant.values[0]!);
    }
    if (attributes.has(name)) return shortestFloat32(attributes.float(name, 0));
    return node.fail(`a Clip without a ${name} bound is not supported (nabla reads Clip with both bounds as Hardtanh)`);
  };
  const [min, max] = [bound(1, "min"), bound(2, "max")];
  if (!(Number.isFinite(min) && Number.isFinite(max) && max > min)) node.fail(`the bounds [${min}, ${max}] must be finite with min < max`);
  context.push(new Hardtanh(min, max), node.output(), context.shape);
};

// Gather(table, indices) along axis 0, reading the graph's integer input: an Embedding.
const importGather: OpImporter = (node, context) => {
  node.inputCount(2, 2);
  const axis = node.attributes({ axis: "int" }).int("axis", 0);
  if (axis !== 0) node.fail(`axis=${axis} is not supported (an Embedding gathers rows: axis 0)`);
  const table = node.constant(0, "the table");
  if (table.type === "int64" || table.dims.length !== 2) node.fail(`the table "${node.inputName(0)}" must be a 2-D float constant [numEmbeddings, embeddingDim], got [${table.dims.join(", ")}] ${table.type}`);
  node.data(1);
  if (!context.indexInput || context.layers.length > 0) node.fail(`only a Gather of the graph's integer input (an Embedding as the first layer) is supported`);
  const [rows, width] = table.dims as [number, number];
  const weight = constantTensor(table, node.where);
  const module = new Embedding(rows, width, { dtype: weight.dtype as "float32" | "float64" });
  noGrad(() => module.weight.copy_(weight));
  context.indicesRead = true;
  context.push(module, node.output(), context.shape === null ? null : [...context.shape, width]);
};

/** Op type → how it becomes a layer, merged into OP_IMPORTERS. */
export const ACTIVATION_IMPORTERS: Record<string, OpImporter> = {
  Gelu: importGelu,
  LeakyRelu: activation({ alpha: "float" }, (_node, float) => new LeakyReLU(float("alpha", 0.01))),
  Elu: activation({ alpha: "float" }, (_node, float) => new ELU(float("alpha", 1))),
  Softplus: activation({}, () => new Softplus()),
  Clip: importClip,
  Gather: importGather,
};

/** The ops fuse-activations.ts writes (domain FUSED_DOMAIN) → how they become layers. */
export const FUSED_IMPORTERS: Record<string, OpImporter> = {
  Gelu: importGelu,
  SiLU: activation({}, () => new SiLU()),
  LogSigmoid: activation({}, () => new LogSigmoid()),
  Softplus: importSoftplus,
};
