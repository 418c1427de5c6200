// How the activation ops and the fused activation decompositions (fuse-activations.ts) become nabla
// layers (entries of OP_IMPORTERS and FUSED_IMPORTERS).
import { ELU, GELU, Hardtanh, LeakyReLU, SiLU, Softplus } from "../../nn/activations.js";
import type { TensorModule } from "../../nn/sequential.js";
import type { ImportContext, NodeReader } from "./import-context.js";
import { shortestFloat32 } from "./onnx-tensor.js";

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

/** Op type → how it becomes a layer, merged into OP_IMPORTERS. */
export const ACTIVATION_IMPORTERS: Record<string, OpImporter> = {
  Gelu: importGelu,
  LeakyRelu: activation({ alpha: "float" }, (_node, float) => new LeakyReLU(float("alpha", 0.01))),
  Elu: activation({ alpha: "float" }, (_node, float) => new ELU(float("alpha", 1))),
  Softplus: activation({}, () => new Softplus()),
  Clip: importClip,
};

/** The ops fuse-activations.ts writes (domain FUSED_DOMAIN) → how they become layers. */
export const FUSED_IMPORTERS: Record<string, OpImporter> = {
  Gelu: importGelu,
  SiLU: activation({}, () => new SiLU()),
  Softplus: importSoftplus,
};
