// How the newer activations, Unflatten and Embedding are written as ONNX (entries of
// MODULE_EXPORTERS). Where ONNX has the op it is used (LeakyRelu, Elu, Softplus, Clip, Gelu from
// opset 20, Gather); otherwise the graph is the decomposition torch.onnx.export writes (GELU before
// opset 20, SiLU, Softplus with beta), which fuse-activations.ts reads back as one layer.
import { ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, SiLU, Softplus } from "../../nn/activations.js";
import { Embedding } from "../../nn/embedding.js";
import { Unflatten } from "../../nn/unflatten.js";
import { describePath, formatDims, scalar, type AnyModule, type Dim, type ModuleExporter, type Value } from "./onnx-graph-builder.js";
import { int64Proto } from "./onnx-tensor.js";

function refuse(module: AnyModule, path: string, why: string): never {
  throw new Error(`exportOnnx: module ${describePath(path)} (${module.constructor.name}) cannot be written as ONNX: ${why}`);
}

function fail(module: AnyModule, path: string, input: Value, why: string): never {
  throw new Error(`exportOnnx: module ${describePath(path)} (${module.constructor.name}) does not fit its input of shape ${formatDims(input.shape)}: ${why} (check inputShape)`);
}

const same = (input: Value, name: string): Value => ({ name, shape: input.shape });

// x·Φ(x) = x·(1 + erf(x/√2))·½, or the tanh form ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
const exportGelu: ModuleExporter = (module, input, graph, path) => {
  const { approximate } = module as GELU;
  if (graph.opset >= 20) return same(input, graph.node("Gelu", path, [input.name], approximate === "tanh" ? { approximate: { string: "tanh" } } : {}));
  const x = input.name;
  const half = (value: string) => graph.node("Mul", path, [value, scalar(graph, path, "half", 0.5)]);
  const one = scalar(graph, path, "one", 1);
  if (approximate === "none") {
    const erf = graph.node("Erf", path, [graph.node("Div", path, [x, scalar(graph, path, "sqrt2", Math.SQRT2)])]);
    return same(input, half(graph.node("Mul", path, [x, graph.node("Add", path, [erf, one])])));
  }
  const cube = graph.node("Mul", path, [x, graph.node("Mul", path, [x, x])]);
  const inner = graph.node("Add", path, [x, graph.node("Mul", path, [cube, scalar(graph, path, "cubic", 0.044715)])]);
  const tanh = graph.node("Tanh", path, [graph.node("Mul", path, [inner, scalar(graph, path, "sqrt_2_over_pi", Math.sqrt(2 / Math.PI))])]);
  return same(input, half(graph.node("Mul", path, [x, graph.node("Add", path, [tanh, one])])));
};

// log σ(x), as torch.onnx.export writes it (ONNX has no LogSigmoid op): Sigmoid then Log
const exportLogSigmoid: ModuleExporter = (_module, input, graph, path) => same(input, graph.node("Log", path, [graph.node("Sigmoid", path, [input.name])]));

// x·σ(x)
const exportSilu: ModuleExporter = (_module, input, graph, path) => same(input, graph.node("Mul", path, [input.name, graph.node("Sigmoid", path, [input.name])]));

const exportLeakyRelu: ModuleExporter = (module, input, graph, path) => same(input, graph.node("LeakyRelu", path, [input.name], { alpha: { float: (module as LeakyReLU).negativeSlope } }));

const exportElu: ModuleExporter = (module, input, graph, path) => same(input, graph.node("Elu", path, [input.name], { alpha: { float: (module as ELU).alpha } }));

/** Below this threshold, nabla's x where β·x > threshold differs from ONNX's log(1 + e^(β·x))/β beyond float32 rounding. */
const SOFTPLUS_MIN_THRESHOLD = 15;

// log(1 + e^(β·x))/β: ONNX's Softplus has no threshold, which only matters where it is small.
const exportSoftplus: ModuleExporter = (module, input, graph, path) => {
  const { beta, threshold } = module as Softplus;
  if (threshold < SOFTPLUS_MIN_THRESHOLD) refuse(module, path, `threshold ${threshold} (ONNX's Softplus has none; where β·x > ${threshold} nabla returns x, which differs from log(1 + e^(β·x))/β by up to log(1 + e^−${threshold})/β; thresholds ≥ ${SOFTPLUS_MIN_THRESHOLD} are written)`);
  if (beta === 1) return same(input, graph.node("Softplus", path, [input.name]));
  const b = scalar(graph, path, "beta", beta);
  return same(input, graph.node("Div", path, [graph.node("Softplus", path, [graph.node("Mul", path, [input.name, b])]), b]));
};

const exportHardtanh: ModuleExporter = (module, input, graph, path) => {
  const { minVal, maxVal } = module as Hardtanh;
  return same(input, graph.node("Clip", path, [input.name, scalar(graph, path, "min", minVal), scalar(graph, path, "max", maxVal)]));
};

// Reshape with the dims before `dim` copied (0), `dim` split into the sizes, and the static rest.
const exportUnflatten: ModuleExporter = (module, input, graph, path) => {
  const unflatten = module as Unflatten;
  const rank = input.shape.length;
  const dim = unflatten.dim < 0 ? unflatten.dim + rank : unflatten.dim;
  if (!Number.isInteger(dim) || dim < 0 || dim >= rank) fail(module, path, input, `dim ${unflatten.dim} is out of range for ${rank} dims`);
  if (dim === 0) refuse(module, path, `it unflattens the batch dim`);
  const extent = input.shape[dim]!;
  if (typeof extent !== "number" || input.shape.slice(dim + 1).some((d) => typeof d !== "number")) fail(module, path, input, `the dims from dim ${unflatten.dim} on must be static`);
  const known = unflatten.sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
  const fits = unflatten.sizes.includes(-1) ? known > 0 && extent % known === 0 : known === extent;
  if (!fits) fail(module, path, input, `sizes ${formatDims(unflatten.sizes)} do not multiply to ${extent}, the size of dim ${unflatten.dim}`);
  const sizes = unflatten.sizes.map((s) => (s === -1 ? extent / known : s));
  const trailing = input.shape.slice(dim + 1) as number[];
  const target = graph.constant(`${path === "" ? "" : `${path}.`}shape`, int64Proto([...input.shape.slice(0, dim).map(() => 0), ...sizes, ...trailing]));
  const shape: Dim[] = [...input.shape.slice(0, dim), ...sizes, ...trailing];
  return { name: graph.node("Reshape", path, [input.name, target]), shape };
};

// Gather(weight, indices): the model's input must be the indices themselves (int64 in the file).
const exportEmbedding: ModuleExporter = (module, input, graph, path) => {
  const table = module as Embedding;
  if (input.name !== graph.inputName) refuse(module, path, `an Embedding reads integer indices, so it must be the model's first layer`);
  graph.indexInput = true;
  const weight = graph.parameter(path, "weight", table.weight);
  return { name: graph.node("Gather", path, [weight, input.name], { axis: 0 }), shape: [...input.shape, table.embeddingDim] };
};

/** Module class → how it is written, merged into MODULE_EXPORTERS. */
export const ACTIVATION_EXPORTERS: [Function, ModuleExporter][] = [
  [GELU, exportGelu],
  [SiLU, exportSilu],
  [LogSigmoid, exportLogSigmoid],
  [LeakyReLU, exportLeakyRelu],
  [ELU, exportElu],
  [Softplus, exportSoftplus],
  [Hardtanh, exportHardtanh],
  [Unflatten, exportUnflatten],
  [Embedding, exportEmbedding],
];
