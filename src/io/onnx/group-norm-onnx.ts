// GroupNorm in ONNX. Opset 17 has no group normalization op, so it is written as PyTorch's exporter
// writes it: Reshape to [N, G, -1], InstanceNormalization (scale 1, shift 0), Reshape back to the
// input's shape (read by a Shape node), then Mul and Add by the per-channel weight and bias. Import
// reads that pattern back (and a lone InstanceNormalization as GroupNorm(C, C)) through a
// GroupNormDraft that the pattern's nodes advance one by one.
import { noGrad } from "../../autograd/grad-mode.js";
import { GroupNorm } from "../../nn/layer-norm.js";
import { tensor } from "../../tensor/creation.js";
import type { TensorModule } from "../../nn/sequential.js";
import { formatShapeDims, type GroupNormDraft, type ImportContext, type Layer, type NodeReader } from "./import-context.js";
import { describePath, filled, formatDims, type ModuleExporter } from "./onnx-graph-builder.js";
import { int64Proto, shortestFloat32, type Constant } from "./onnx-tensor.js";

export const exportGroupNorm: ModuleExporter = (module, input, graph, path) => {
  const norm = module as GroupNorm;
  const rank = input.shape.length;
  if (rank < 2 || input.shape[1] !== norm.numChannels) {
    throw new Error(`exportOnnx: module ${describePath(path)} (GroupNorm) does not fit its input of shape ${formatDims(input.shape)}: expected ${norm.numChannels} channels in dim 1 (check inputShape)`);
  }
  const prefix = path === "" ? "" : `${path}.`;
  const groups = graph.constant(`${prefix}group_shape`, int64Proto([0, norm.numGroups, -1]));
  const split = graph.node("Reshape", path, [input.name, groups]);
  const scale = filled(graph, path, "group_scale", [norm.numGroups], 1);
  const shift = filled(graph, path, "group_shift", [norm.numGroups], 0);
  const normalized = graph.node("InstanceNormalization", path, [split, scale, shift], { epsilon: { float: norm.eps } });
  const shape = graph.node("Shape", path, [input.name]);
  let output = graph.node("Reshape", path, [normalized, shape]);
  // [C, 1, …]: broadcast along the channel dim of [N, C, …]
  const perChannel = [norm.numChannels, ...new Array<number>(rank - 2).fill(1)];
  if (norm.weight !== null) output = graph.node("Mul", path, [output, graph.parameter(path, "weight", norm.weight.reshape(perChannel))]);
  if (norm.bias !== null) output = graph.node("Add", path, [output, graph.parameter(path, "bias", norm.bias.reshape(perChannel))]);
  return { name: output, shape: input.shape };
};

/** The last layer, when it is a group-norm draft at `stage` producing the chain's current value. */
export function openGroupNorm(context: ImportContext, stage: GroupNormDraft["stage"]): GroupNormDraft | null {
  const last = context.layers.at(-1);
  if (last === undefined || !("kind" in last) || last.kind !== "groupNorm") return null;
  return last.stage === stage && last.output === context.current ? last : null;
}

/**
 * Handles a Reshape that belongs to a group normalization: the split to [0, G, -1] (which starts a
 * draft) or the Reshape back to a Shape node's output. Returns false for any other Reshape.
 */
export function importGroupNormReshape(node: NodeReader, context: ImportContext): boolean {
  const targetName = node.inputName(1)!;
  const source = context.shapeOf.get(targetName);
  if (source !== undefined) {
    const draft = openGroupNorm(context, "normalized");
    if (draft === null || draft.input !== source) node.fail(`a Reshape to the shape of "${source}" is only supported to end a group normalization (Reshape, InstanceNormalization, Reshape back to its input's shape)`);
    draft.stage = "merged";
    draft.output = node.output();
    context.current = draft.output;
    context.shape = draft.inputShape;
    return true;
  }
  const target = context.constants.get(targetName);
  const shape = context.shape;
  if (target === undefined || target.type !== "int64" || target.values.length !== 3 || target.values[0] !== 0 || target.values[2] !== -1) return false;
  if (shape === null || shape.length < 2 || shape[1] === null) return false;
  const groups = target.values[1] as number;
  const channels = shape[1];
  if (groups < 1 || channels % groups !== 0) return false;
  const rest = shape.slice(2).reduce<number | null>((a, d) => (a === null || d === null ? null : a * d), channels / groups);
  const draft: GroupNormDraft = {
    kind: "groupNorm", where: node.where, input: context.current, inputShape: shape, channels, groups, stage: "split", eps: 1e-5,
    scale: null, shift: null, channelScale: null, channelShift: null, perChannelAffine: false, output: node.output(),
  };
  context.push(draft, draft.output, [shape[0]!, groups, rest]);
  return true;
}

function floatVector(node: NodeReader, index: number, what: string, size: number): Constant {
  const constant = node.constant(index, what);
  if (constant.type === "int64" || constant.dims.length !== 1 || constant.dims[0] !== size) {
    node.fail(`${what} "${node.inputName(index)}" has shape [${constant.dims.join(", ")}] ${constant.type}, expected [${size}] floats (mismatched initializer shapes)`);
  }
  return constant;
}

// InstanceNormalization: the middle of a group normalization, or on its own GroupNorm(C, C).
export function importInstanceNormalization(node: NodeReader, context: ImportContext): void {
  node.inputCount(3, 3);
  const eps = shortestFloat32(node.attributes({ epsilon: "float" }).float("epsilon", 1e-5));
  node.data(0);
  const split = openGroupNorm(context, "split");
  if (split !== null) {
    split.scale = floatVector(node, 1, "the scale", split.groups);
    split.shift = floatVector(node, 2, "the bias", split.groups);
    split.eps = eps;
    split.stage = "normalized";
    split.output = node.output();
    context.current = split.output;
    return;
  }
  const shape = context.shape;
  if (shape !== null && shape.length < 3) node.fail(`expected an input [N, C, …] with at least one spatial dim, got shape ${formatShapeDims(shape)}`);
  const scaleDims = node.constant(1, "the scale").dims;
  const channels = shape?.[1] ?? scaleDims[0] ?? 0;
  const draft: GroupNormDraft = {
    kind: "groupNorm", where: node.where, input: context.current, inputShape: shape, channels, groups: channels, stage: "merged", eps,
    scale: floatVector(node, 1, "the scale", channels), shift: floatVector(node, 2, "the bias", channels), channelScale: null, channelShift: null, perChannelAffine: true, output: node.output(),
  };
  context.push(draft, draft.output, shape);
}

/**
 * A Mul or Add by a constant right after a group normalization: its per-channel weight or bias.
 * Returns false when the previous layer is not a group normalization open to it.
 */
export function importGroupNormAffine(node: NodeReader, context: ImportContext, which: "channelScale" | "channelShift", constantIndex: number): boolean {
  const draft = openGroupNorm(context, "merged");
  if (draft === null || draft[which] !== null || (which === "channelScale" && draft.channelShift !== null)) return false;
  const constant = node.constant(constantIndex, which === "channelScale" ? "the weight" : "the bias");
  const name = node.inputName(constantIndex)!;
  const rank = draft.inputShape?.length ?? constant.dims.length + 1;
  // broadcast from the right: a scalar, or [C, 1, …] lined up with dim 1 of [N, C, …]
  const size = constant.values.length;
  const alongChannels = constant.dims.length <= rank && constant.dims.every((d, i) => d === (i === constant.dims.length - (rank - 1) ? draft.channels : 1));
  if (constant.type === "int64" || !(size === 1 || alongChannels)) {
    node.fail(`the constant "${name}" of shape [${constant.dims.join(", ")}] is not per channel (expected [${[draft.channels, ...new Array<number>(Math.max(0, rank - 2)).fill(1)].join(", ")}] or a scalar)`);
  }
  const values = constant.type === "float64" ? new Float64Array(draft.channels) : new Float32Array(draft.channels);
  for (let c = 0; c < draft.channels; c++) values[c] = constant.values[size === 1 ? 0 : c]!;
  draft[which] = { dims: [draft.channels], type: constant.type, values };
  if (alongChannels && draft.channels > 1) draft.perChannelAffine = true;
  draft.output = node.output();
  context.current = draft.output;
  return true;
}

/**
 * The module a draft stands for. A split never normalised is a flatten of the dims after the
 * channels when each group is one channel; anything else unfinished is an error naming the node.
 */
export function groupNormFromDraft(draft: GroupNormDraft, asReshape: (draft: GroupNormDraft) => TensorModule | null): TensorModule {
  if (draft.stage === "split") {
    const module = asReshape(draft);
    if (module !== null) return module;
    throw new Error(`${draft.where}: a Reshape to [0, ${draft.groups}, -1] is only supported to start a group normalization (Reshape, InstanceNormalization, Reshape back), to flatten the dims after the channels or to split the features of a matrix`);
  }
  if (draft.stage === "normalized") throw new Error(`${draft.where}: the group normalization it starts does not end with a Reshape back to its input's shape`);
  const { channels, groups } = draft;
  const dtype = [draft.scale, draft.shift, draft.channelScale, draft.channelShift].find((c) => c !== null && c.type === "float64") ? "float64" : "float32";
  const perGroup = channels / groups;
  const weight = new Float64Array(channels);
  const bias = new Float64Array(channels);
  // y = (n·s_g + b_g)·w_c + a_c = n·(s_g·w_c) + (b_g·w_c + a_c)
  for (let c = 0; c < channels; c++) {
    const g = Math.floor(c / perGroup);
    const w = draft.channelScale?.values[c] ?? 1;
    weight[c] = (draft.scale!.values[g] as number) * w;
    bias[c] = (draft.shift!.values[g] as number) * w + (draft.channelShift?.values[c] ?? 0);
  }
  // PyTorch writes affine=False as a Mul by 1 and an Add of 0 (scalars): no parameters, as there
  const affine = draft.perChannelAffine || weight.some((v) => v !== 1) || bias.some((v) => v !== 0);
  const module = new GroupNorm(groups, channels, { eps: draft.eps, affine, dtype });
  if (affine) noGrad(() => (module.weight!.copy_(tensor(weight, { dtype })), module.bias!.copy_(tensor(bias, { dtype }))));
  return module;
}

/** Whether `layer` is a group-norm draft (import-onnx's build step asks). */
export function isGroupNormDraft(layer: Layer): layer is GroupNormDraft {
  return "kind" in layer && layer.kind === "groupNorm";
}
