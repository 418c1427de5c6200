// nn.Upsample as ONNX's Resize and back. Nearest is "asymmetric" with nearest_mode "floor"
// (PyTorch's ⌊o · in/out⌋), nearest-exact "half_pixel" with "round_prefer_ceil" (⌊(o + ½) · in/out⌋),
// linear "align_corners" or "half_pixel" (PyTorch's half-pixel centres, the output's one pixel
// included; PyTorch's own exporter writes "pytorch_half_pixel", which differs only there). A
// scale factor becomes Resize's scales, a size its sizes: Concat(Slice(Shape(x), 0, 2), size),
// so the batch stays dynamic. "area" (adaptive average pooling) is not a Resize.
import { Upsample } from "../../nn/upsample.js";
import type { InterpolateMode } from "../../nn/functional/interpolate.js";
import { formatShapeDims, type ImportContext, type NodeReader } from "./import-context.js";
import { describePath, formatDims, type AttributeValue, type ModuleExporter } from "./onnx-graph-builder.js";
import { DataType } from "./onnx-proto.js";
import { int64Proto, shortestFloat32 } from "./onnx-tensor.js";

function fail(path: string, why: string): never {
  throw new Error(`exportOnnx: module ${describePath(path)} (Upsample) cannot be written as ONNX: ${why}`);
}

/** One entry per spatial dim. */
function perDim(value: number | readonly number[], spatial: number): number[] {
  return typeof value === "number" ? new Array<number>(spatial).fill(value) : [...value];
}

export const exportUpsample: ModuleExporter = (module, input, graph, path) => {
  const up = module as Upsample;
  const spatial = input.shape.length - 2;
  if (spatial !== 1 && spatial !== 2) fail(path, `expected a 3-D or 4-D input [N, C, …], got ${formatDims(input.shape)}`);
  if (up.mode === "area") fail(path, `mode "area" (adaptive average pooling) has no Resize equivalent`);
  if ((up.mode === "linear" && spatial !== 1) || (up.mode === "bilinear" && spatial !== 2)) fail(path, `mode "${up.mode}" does not fit an input of shape ${formatDims(input.shape)}`);
  const given = up.size ?? up.scaleFactor!;
  if (typeof given !== "number" && given.length !== spatial) fail(path, `${up.size !== null ? "size" : "scaleFactor"} ${JSON.stringify(given)} does not have one entry per spatial dim of ${formatDims(input.shape)}`);
  const sizes = input.shape.slice(2);
  if (sizes.some((d) => typeof d !== "number")) fail(path, `the spatial dims of ${formatDims(input.shape)} must be static`);
  const attributes: Record<string, AttributeValue> = up.mode === "nearest"
    ? { coordinate_transformation_mode: { string: "asymmetric" }, mode: { string: "nearest" }, nearest_mode: { string: "floor" } }
    : up.mode === "nearest-exact"
      ? { coordinate_transformation_mode: { string: "half_pixel" }, mode: { string: "nearest" }, nearest_mode: { string: "round_prefer_ceil" } }
      : { coordinate_transformation_mode: { string: up.alignCorners === true ? "align_corners" : "half_pixel" }, mode: { string: "linear" } };
  const field = (name: string) => `${path === "" ? "" : `${path}.`}${name}`;
  let out: number[];
  let inputs: string[];
  if (up.scaleFactor !== null) {
    const factors = perDim(up.scaleFactor, spatial);
    out = (sizes as number[]).map((s, i) => Math.floor(s * factors[i]!));
    if (out.some((d) => d < 1)) fail(path, `scaleFactor ${JSON.stringify(up.scaleFactor)} makes an empty output from ${formatDims(input.shape)}`);
    const scales = graph.constant(field("scales"), { dims: [spatial + 2], data_type: DataType.FLOAT, float_data: [1, 1, ...factors] });
    inputs = [input.name, "", scales];
  } else {
    out = perDim(up.size!, spatial);
    // [N, C] of the input at run time, then the fixed spatial size
    const shape = graph.node("Shape", path, [input.name]);
    const leading = graph.node("Slice", path, [shape, graph.constant(field("starts"), int64Proto([0])), graph.constant(field("ends"), int64Proto([2]))]);
    const target = graph.node("Concat", path, [leading, graph.constant(field("size"), int64Proto(out))], { axis: 0 });
    inputs = [input.name, "", "", target];
  }
  return { name: graph.node("Resize", path, inputs, attributes), shape: [input.shape[0]!, input.shape[1]!, ...out] };
};

/** A string attribute's value (NodeReader.attributes has checked its type), or `fallback`. */
function text(node: NodeReader, name: string, fallback: string): string {
  const raw = node.node.attribute?.find((a) => a.name === name)?.s;
  return raw === undefined || raw === null ? fallback : new TextDecoder().decode(raw as Uint8Array);
}

export function importResize(node: NodeReader, context: ImportContext): void {
  node.inputCount(1, 4);
  const attributes = node.attributes({
    mode: "string", coordinate_transformation_mode: "string", nearest_mode: "string", cubic_coeff_a: "float", exclude_outside: "int", extrapolation_value: "float",
    antialias: "int", axes: "ints", keep_aspect_ratio_policy: "string",
  });
  node.data(0);
  const shape = context.shape;
  if (shape === null) return node.fail(`needs the input's shape ([N, C, L] or [N, C, H, W]), which the file does not give`);
  const spatial = shape.length - 2;
  if (spatial !== 1 && spatial !== 2) node.fail(`expected a 3-D or 4-D input, got shape ${formatShapeDims(shape)}`);
  if (attributes.has("axes")) node.fail(`axes are not supported (every dim is resized)`);
  if (attributes.int("antialias", 0) !== 0) node.fail(`antialias=1 is not supported`);
  if (attributes.int("exclude_outside", 0) !== 0) node.fail(`exclude_outside=1 is not supported`);
  const policy = text(node, "keep_aspect_ratio_policy", "stretch");
  if (policy !== "stretch") node.fail(`keep_aspect_ratio_policy="${policy}" is not supported`);
  const kind = text(node, "mode", "nearest");
  const coordinates = text(node, "coordinate_transformation_mode", "half_pixel");
  const rounding = text(node, "nearest_mode", "round_prefer_floor");
  let mode: InterpolateMode;
  let alignCorners: boolean | null = null;
  if (kind === "nearest" && coordinates === "asymmetric" && rounding === "floor") mode = "nearest";
  else if (kind === "nearest" && coordinates === "half_pixel" && rounding === "round_prefer_ceil") mode = "nearest-exact";
  else if (kind === "linear" && ["align_corners", "half_pixel", "pytorch_half_pixel"].includes(coordinates)) {
    mode = spatial === 1 ? "linear" : "bilinear";
    alignCorners = coordinates === "align_corners";
  } else {
    return node.fail(`mode="${kind}" with coordinate_transformation_mode="${coordinates}"${kind === "nearest" ? ` and nearest_mode="${rounding}"` : ""} is not supported (nabla reads PyTorch's nearest, nearest-exact, linear and bilinear resizing)`);
  }
  // the output's spatial size, and the module's size or scale factor that makes it
  let out: (number | null)[];
  let resize: { size: number[] } | { scaleFactor: number[] };
  if (node.inputName(3) !== undefined) {
    if (node.inputName(2) !== undefined) node.fail(`has both scales and sizes`);
    let target = context.shapeDims.get(node.inputName(3)!);
    if (target === undefined) {
      const constant = node.constant(3, "sizes");
      if (constant.type !== "int64" || constant.dims.length !== 1) node.fail(`sizes must be a shape or a 1-D int64 constant`);
      target = Array.from(constant.values);
    }
    if (target.length !== spatial + 2 || target.slice(2).some((d) => d === null || !Number.isInteger(d) || d < 1)) node.fail(`sizes ${formatShapeDims(target)} must give the ${spatial} spatial sizes of a ${spatial + 2}-D input`);
    if ((target[1] !== null && shape[1] !== null && target[1] !== shape[1]) || (target[0] !== null && shape[0] !== null && target[0] !== shape[0])) node.fail(`sizes [${target.join(", ")}] would resize the batch or channel dim of ${formatShapeDims(shape)}`);
    out = target.slice(2);
    resize = { size: out as number[] };
  } else {
    const scales = node.constant(2, "scales");
    if (scales.type !== "float32" || scales.values.length !== spatial + 2) node.fail(`scales must be ${spatial + 2} float32 values`);
    if (scales.values[0] !== 1 || scales.values[1] !== 1) node.fail(`scales [${scales.values.join(", ")}] would resize the batch or channel dim`);
    const factors = Array.from(scales.values.slice(2), shortestFloat32);
    if (factors.some((f) => !(f > 0) || !Number.isFinite(f))) node.fail(`scales [${scales.values.join(", ")}] must be finite and positive`);
    out = shape.slice(2).map((d, i) => (d === null ? null : Math.floor(d * factors[i]!)));
    resize = { scaleFactor: factors };
  }
  if (coordinates === "pytorch_half_pixel" && out.some((d) => d === 1)) node.fail(`coordinate_transformation_mode="pytorch_half_pixel" with an output size of 1 samples the first pixel, which nn.Upsample does not do`);
  if (out.some((d) => d !== null && d < 1)) node.fail(`the output would be ${formatShapeDims([shape[0]!, shape[1]!, ...out])} for an input of shape ${formatShapeDims(shape)}`);
  context.push(new Upsample({ ...resize, mode, alignCorners }), node.output(), [shape[0]!, shape[1]!, ...out]);
}
