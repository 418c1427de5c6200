// nn.Upsample exported to ONNX (Resize) runs in onnxruntime with nabla's outputs (to 1e-5),
// imports back into the same layers, and re-exports to the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { io, manualSeed, nn } from "../../src/index.js";
import { AttributeType, DataType, decodeModelProto, encodeModelProto } from "../../src/io/onnx/onnx-proto.js";
import { roundTrip } from "./onnx-round-trip.js";

function resizeAttributes(bytes: Uint8Array): Record<string, string>[] {
  return decodeModelProto(bytes, "test").graph!.node!.filter((n) => n.op_type === "Resize").map((n) => Object.fromEntries(n.attribute!.map((a) => [a.name!, new TextDecoder().decode(a.s!)])));
}

test("Upsample by scale factor and by size, nearest, nearest-exact and bilinear (aligned or not), runs in onnxruntime and round-trips", async () => {
  manualSeed(61);
  const model = new nn.Sequential(
    new nn.Conv2d(2, 3, 3, { padding: 1 }), new nn.Upsample({ scaleFactor: 2 }), new nn.Upsample({ size: [7, 5], mode: "bilinear" }), new nn.ReLU(),
    new nn.Upsample({ scaleFactor: [1.5, 2], mode: "bilinear", alignCorners: true }), new nn.Upsample({ size: [4, 9], mode: "nearest-exact" }),
    new nn.Upsample({ size: 3 }), new nn.Upsample({ size: [1, 2], mode: "bilinear" }),
  );
  const back = await roundTrip(model, [2, 3, 4]);
  const settings = back.children().slice(1).filter((m) => m instanceof nn.Upsample).map((m) => {
    const up = m as nn.Upsample;
    return [up.size, up.scaleFactor, up.mode, up.alignCorners];
  });
  assert.deepEqual(settings, [
    [null, [2, 2], "nearest", null], [[7, 5], null, "bilinear", false], [null, [1.5, 2], "bilinear", true], [[4, 9], null, "nearest-exact", null], [[3, 3], null, "nearest", null], [[1, 2], null, "bilinear", false],
  ]);
  assert.deepEqual(resizeAttributes(io.exportOnnx(model, { inputShape: [2, 3, 4] })).slice(0, 2), [
    { coordinate_transformation_mode: "asymmetric", mode: "nearest", nearest_mode: "floor" },
    { coordinate_transformation_mode: "half_pixel", mode: "linear" },
  ]);
});

test("Upsample of sequences ([N, C, L]): linear and nearest run in onnxruntime and round-trip", async () => {
  manualSeed(62);
  await roundTrip(new nn.Sequential(new nn.Conv1d(2, 3, 3), new nn.Upsample({ scaleFactor: 2.5, mode: "linear" }), new nn.Upsample({ size: 7, mode: "linear", alignCorners: true }), new nn.Upsample({ scaleFactor: 0.5 })), [2, 9]);
});

test("an Upsample ONNX cannot express is refused, naming the module", () => {
  const fail = (model: nn.Sequential, inputShape: number[], pattern: RegExp) => assert.throws(() => io.exportOnnx(model, { inputShape }), pattern);
  fail(new nn.Sequential(new nn.Upsample({ size: 2, mode: "area" })), [1, 4, 4], /exportOnnx: module "0" \(Upsample\) cannot be written as ONNX: mode "area" \(adaptive average pooling\) has no Resize equivalent/);
  fail(new nn.Sequential(new nn.Upsample({ size: 2, mode: "linear" })), [1, 4, 4], /module "0" \(Upsample\) cannot be written as ONNX: mode "linear" does not fit an input of shape/);
  fail(new nn.Sequential(new nn.Upsample({ size: [2, 3] })), [1, 4], /size \[2,3\] does not have one entry per spatial dim/);
});

/** A one-node Resize graph over an input of `dims`, with `scales` (float32) as an initializer, or constant `sizes` (int64, or float32 when `floatSizes`). */
function resizeGraph(attributes: Record<string, string | number>, scales: number[], dims: number[], sizes?: number[], floatSizes = false): Uint8Array {
  const attribute = Object.entries(attributes).map(([name, value]) =>
    typeof value === "string" ? { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) } : { name, type: AttributeType.INT, i: value },
  );
  return encodeModelProto({
    ir_version: 8,
    opset_import: [{ domain: "", version: 17 }],
    graph: {
      name: "test",
      node: [{ name: "resize", op_type: "Resize", input: sizes === undefined ? ["x", "", "scales"] : ["x", "", "", "sizes"], output: ["y"], attribute }],
      initializer: sizes === undefined
        ? [{ name: "scales", dims: [scales.length], data_type: DataType.FLOAT, float_data: scales }]
        : [floatSizes ? { name: "sizes", dims: [sizes.length], data_type: DataType.FLOAT, float_data: sizes } : { name: "sizes", dims: [sizes.length], data_type: DataType.INT64, int64_data: sizes }],
      input: [{ name: "x", type: { tensor_type: { elem_type: 1, shape: { dim: dims.map((d, i) => (i === 0 ? { dim_param: "batch" } : { dim_value: d })) } } } }],
      output: [{ name: "y", type: { tensor_type: { elem_type: 1 } } }],
    },
  });
}

test("import: a Resize nn.Upsample cannot compute is an error naming the node and what is unsupported", () => {
  const fail = (attributes: Record<string, string | number>, scales: number[], dims: number[], pattern: RegExp) => assert.throws(() => io.importOnnx(resizeGraph(attributes, scales, dims)), pattern);
  const nearest = { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" };
  assert.deepEqual(String(io.importOnnx(resizeGraph(nearest, [1, 1, 2, 3], [1, 2, 3, 4])).model[0]), 'Upsample(scaleFactor=[2,3], mode="nearest")');
  fail({ ...nearest, mode: "cubic" }, [1, 1, 2, 2], [1, 2, 3, 4], /node "resize" \(Resize\): mode="cubic" with coordinate_transformation_mode="asymmetric" is not supported \(nabla reads PyTorch's nearest, nearest-exact, linear and bilinear resizing\)/);
  fail({ ...nearest, nearest_mode: "round_prefer_floor" }, [1, 1, 2, 2], [1, 2, 3, 4], /mode="nearest" with coordinate_transformation_mode="asymmetric" and nearest_mode="round_prefer_floor" is not supported/);
  fail({ ...nearest, exclude_outside: 1 }, [1, 1, 2, 2], [1, 2, 3, 4], /exclude_outside=1 is not supported/);
  fail(nearest, [1, 2, 2, 2], [1, 2, 3, 4], /scales \[1, 2, 2, 2\] would resize the batch or channel dim/);
  fail(nearest, [1, 1, 2], [1, 2, 3, 4], /scales must be 4 float32 values/);
  fail(nearest, [1, 1, 2, 2, 2], [1, 2, 3, 4, 5], /expected a 3-D or 4-D input, got shape \[batch, 2, 3, 4, 5\]/);
  fail(nearest, [1, 1, 0.1, 1], [1, 2, 3, 4], /the output would be \[batch, 2, 0, 4\] for an input of shape \[batch, 2, 3, 4\]/);
  fail({ mode: "linear", coordinate_transformation_mode: "pytorch_half_pixel" }, [1, 1, 0.25, 1], [1, 2, 4, 4], /pytorch_half_pixel" with an output size of 1 samples the first pixel/);
  // constant sizes: int64 [N, C, H, W] with the channels kept
  assert.deepEqual(String(io.importOnnx(resizeGraph({ mode: "linear", coordinate_transformation_mode: "align_corners" }, [], [1, 2, 3, 4], [1, 2, 5, 6])).model[0]), 'Upsample(size=[5,6], mode="bilinear", alignCorners=true)');
  assert.throws(() => io.importOnnx(resizeGraph(nearest, [], [1, 2, 3, 4], [1, 2, 5, 6], true)), /node "resize" \(Resize\): sizes must be a shape or a 1-D int64 constant/);
  assert.throws(() => io.importOnnx(resizeGraph(nearest, [], [1, 2, 3, 4], [1, 3, 5, 6])), /sizes \[1, 3, 5, 6\] would resize the batch or channel dim of \[batch, 2, 3, 4\]/);
});
