// Bad input for ONNX export and import: clear errors naming the module, node, op, attribute or
// initializer, never a crash or a silently different model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../helpers.js";
import { io, nn, tensor, manualSeed, type Tensor } from "../../src/index.js";
import { encodeModelProto, type GraphProto, type NodeProto, type TensorProto } from "../../src/io/onnx/onnx-proto.js";

class Square extends nn.Module {
  forward(x: Tensor): Tensor {
    return x.square();
  }
}

test("export: a module ONNX cannot express is an error naming it and its path in the model", () => {
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Sequential(new nn.ReLU(), new Square()));
  assert.throws(() => io.exportOnnx(model), /exportOnnx: module "1\.1" is a Square, which ONNX export does not support \(supported: Sequential, Linear, ReLU/);
  // a subclass may compute something else: only the exact classes are exported
  class Scaled extends nn.Linear {
    override forward(x: Tensor): Tensor {
      return super.forward(x).mul(2);
    }
  }
  assert.throws(() => io.exportOnnx(new nn.Sequential(new Scaled(2, 2))), /module "0" is a Scaled/);
  assert.throws(() => io.exportOnnx(new Square(), { inputShape: [2] }), /module the model itself is a Square/);
  assert.throws(() => io.exportOnnx({} as nn.Linear), /expected an nn\.Module, got Object/);
});

test("export: an inputShape that does not fit is an error naming the module and the shapes", () => {
  const model = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
  assert.throws(() => io.exportOnnx(model, { inputShape: [5] }), /module "0" \(Linear\) does not fit its input of shape \[batch, 5\]: it expects 4 input features, the last dim is 5 \(check inputShape\)/);
  const flat = new nn.Sequential(new nn.Flatten(), new nn.Linear(12, 2));
  assert.throws(() => io.exportOnnx(flat, { inputShape: [3, 5] }), /module "1" \(Linear\) does not fit its input of shape \[batch, 15\]: it expects 12/);
  assert.throws(() => io.exportOnnx(flat), /pass options\.inputShape/);
  assert.throws(() => io.exportOnnx(new nn.Sequential(new nn.Softmax(3)), { inputShape: [4] }), /module "0" \(Softmax\) .*dim 3 is out of range for 2 dims/);
  assert.throws(() => io.exportOnnx(new nn.Sequential(new nn.Flatten(2, 1)), { inputShape: [4, 4] }), /startDim 2 comes after endDim 1/);
  assert.throws(() => io.exportOnnx(model, { inputShape: [0] }), /inputShape must be a list of integers ≥ 1/);
  assert.throws(() => io.exportOnnx(model, { inputShape: [2.5] }), /inputShape must be a list of integers ≥ 1/);
});

test("export: bad options are errors", () => {
  const model = new nn.Sequential(new nn.Linear(2, 2));
  assert.throws(() => io.exportOnnx(model, { opset: 13 }), /opset 13 is not supported \(nabla writes opsets 17, 18, 19, 20, 21\)/);
  assert.throws(() => io.exportOnnx(model, { inputNames: ["a", "b"] }), /inputNames must hold exactly one non-empty name/);
  assert.throws(() => io.exportOnnx(model, { outputNames: [""] }), /outputNames must hold exactly one/);
  assert.throws(() => io.exportOnnx(model, { inputNames: ["x"], outputNames: ["x"] }), /both named "x"/);
  assert.throws(() => io.exportOnnx(model, { dynamicBatch: false, batchSize: 0 }), /batchSize must be an integer ≥ 1/);
  const mixed = new nn.Sequential(new nn.Linear(2, 2), new nn.Linear(2, 2).to("float64"));
  assert.throws(() => io.exportOnnx(mixed), /mixes float32 and float64 parameters/);
});

test("import: every truncation of a file is an error, never a smaller model", () => {
  manualSeed(0);
  const bytes = io.exportOnnx(new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2), new nn.Softmax(1)));
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(() => io.importOnnx(bytes.subarray(0, length)), /^Error: importOnnx: /, `prefix of ${length} bytes`);
  }
  assert.throws(() => io.importOnnx(bytes.subarray(0, bytes.length - 5)), /not a valid ONNX file \(truncated or corrupted\?\)/);
  assert.throws(() => io.importOnnx(new Uint8Array(0)), /the data is empty/);
});

test("import: randomly corrupted files import or fail with an importOnnx error, never another exception", () => {
  manualSeed(1);
  const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(6, 4), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(4, 3), new nn.LogSoftmax(1));
  const bytes = io.exportOnnx(model, { inputShape: [2, 3] });
  let state = 12345;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let i = 0; i < 1500; i++) {
    const copy = bytes.slice();
    for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
    try {
      io.importOnnx(copy);
    } catch (error) {
      // ONNX has no checksum: a flipped weight byte is a valid file; anything else must be our error
      assert.ok(error instanceof Error && error.constructor === Error && error.message.startsWith("importOnnx: "), `mutation ${i}: ${String(error)}`);
    }
  }
});

test("import: files that are not ONNX are errors", () => {
  const safetensors = io.encodeSafetensors({ w: tensor([1, 2]) });
  assert.throws(() => io.importOnnx(safetensors), /^Error: importOnnx: not (a valid ONNX file|an ONNX model)/);
  assert.throws(() => io.importOnnx(new TextEncoder().encode("<html>not a model</html>")), /^Error: importOnnx: not (a valid ONNX file|an ONNX model)/);
  assert.throws(() => io.importOnnx(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)), /^Error: importOnnx: not (a valid ONNX file|an ONNX model)/);
  assert.throws(() => io.importOnnx("model.onnx" as unknown as Uint8Array), /expected the bytes of an \.onnx file \(a Uint8Array\), got string/);
});

// Hand-made graphs: a chain x → nodes → y, with float32 initializers.
function floats(name: string, dims: number[], values?: number[]): TensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  return { name, dims, data_type: 1, float_data: values ?? Array.from({ length: count }, (_, i) => (i % 7) / 10 - 0.3) };
}

function modelBytes(nodes: NodeProto[], initializer: TensorProto[], options: { inputDims?: number[]; outputName?: string; extra?: Partial<GraphProto>; opset?: number; domain?: string } = {}): Uint8Array {
  const dims = options.inputDims ?? [-1, 4];
  const dim = dims.map((d) => (d < 0 ? { dim_param: "batch" } : { dim_value: d }));
  return encodeModelProto({
    ir_version: 8,
    opset_import: [{ domain: "", version: options.opset ?? 17 }],
    graph: {
      name: "test",
      node: nodes,
      initializer,
      input: [{ name: "x", type: { tensor_type: { elem_type: 1, shape: { dim } } } }],
      output: [{ name: options.outputName ?? "y", type: { tensor_type: { elem_type: 1 } } }],
      ...options.extra,
    },
  });
}

const gemm = (extra: Partial<NodeProto> = {}): NodeProto => ({ name: "fc", op_type: "Gemm", input: ["x", "W", "b"], output: ["y"], attribute: [{ name: "transB", type: 2, i: 1 }], ...extra });

test("import: a hand-made Gemm graph imports (the baseline the next tests break)", () => {
  const { model, inputShape } = io.importOnnx(modelBytes([gemm()], [floats("W", [3, 4]), floats("b", [3])]));
  assert.deepEqual(inputShape, [4]);
  assert.equal(model.toString(), "Sequential(\n  (0): Linear(inFeatures=4, outFeatures=3, bias=true)\n)");
});

test("import: an unsupported op is an error naming the op and the node", () => {
  const hardmax: NodeProto = { name: "act/hardmax", op_type: "Hardmax", input: ["h"], output: ["y"], attribute: [] };
  const bytes = modelBytes([gemm({ output: ["h"] }), hardmax], [floats("W", [3, 4]), floats("b", [3])]);
  assert.throws(() => io.importOnnx(bytes), /importOnnx: node "act\/hardmax" \(Hardmax\): the op Hardmax is not supported \(nabla imports Gemm, MatMul, Add, .*Relu/);
  const custom: NodeProto = { name: "ms", op_type: "FusedGemm", domain: "com.microsoft", input: ["x"], output: ["y"] };
  assert.throws(() => io.importOnnx(modelBytes([custom], [])), /node "ms" \(FusedGemm\): ops of the domain "com\.microsoft" are not supported/);
});

test("import: unsupported attributes and attribute values are errors naming the node and attribute", () => {
  const initializers = [floats("W", [3, 4]), floats("b", [3])];
  const withAttribute = (attribute: NodeProto["attribute"]) => modelBytes([gemm({ attribute })], initializers);
  assert.throws(() => io.importOnnx(withAttribute([{ name: "transA", type: 2, i: 1 }])), /node "fc" \(Gemm\): transA=1 \(a transposed input\) is not supported/);
  assert.throws(() => io.importOnnx(withAttribute([{ name: "transB", type: 2, i: 1 }, { name: "gamma", type: 1, f: 2 }])), /node "fc" \(Gemm\): attribute "gamma" is not supported \(nabla reads alpha, beta, transA, transB\)/);
  assert.throws(() => io.importOnnx(withAttribute([{ name: "transB", type: 1, f: 1 }])), /attribute "transB" has type 1, expected int/);
  const flatten: NodeProto = { name: "flat", op_type: "Flatten", input: ["x"], output: ["y"], attribute: [{ name: "axis", type: 2, i: 2 }] };
  assert.throws(() => io.importOnnx(modelBytes([flatten], [], { inputDims: [-1, 2, 3, 4] })), /node "flat" \(Flatten\): axis=2 merges the batch dim/);
  const relu: NodeProto = { name: "r", op_type: "Relu", input: ["x"], output: ["y"], attribute: [{ name: "alpha", type: 1, f: 0.1 }] };
  assert.throws(() => io.importOnnx(modelBytes([relu], [])), /node "r" \(Relu\): attribute "alpha" is not supported/);
  const dropout: NodeProto = { name: "d", op_type: "Dropout", input: ["x", "", "mode"], output: ["y"] };
  assert.throws(() => io.importOnnx(modelBytes([dropout], [{ name: "mode", dims: [], data_type: 9, int32_data: [1] }])), /training_mode=true .* is not supported/);
  const softmax: NodeProto = { name: "s", op_type: "Softmax", input: ["x"], output: ["y"], attribute: [{ name: "axis", type: 2, i: 1 }] };
  assert.throws(() => io.importOnnx(modelBytes([softmax], [], { inputDims: [-1, 3, 4], opset: 11 })), /opset 11's softmax over the flattened dims 1… is only supported along the last dim/);
});

test("import: initializers whose shapes do not fit the graph are errors naming them", () => {
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [floats("W", [3, 5]), floats("b", [3])])), /node "fc" \(Gemm\): the weight "W" expects 5 input features, but its input has shape \[batch, 4\] \(mismatched initializer shapes\)/);
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [floats("W", [3, 4]), floats("b", [4])])), /the bias "b" has shape \[4\], expected \[3\]/);
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [floats("W", [12]), floats("b", [3])])), /the weight "W" has shape \[12\], expected 2 dims/);
  const short = { ...floats("W", [3, 4]), float_data: [1, 2, 3] };
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [short, floats("b", [3])])), /initializer "W": dims \[3,4\] need 12 values, the file holds 3 \(mismatched shape or truncated data\)/);
  const raw: TensorProto = { name: "W", dims: [3, 4], data_type: 1, raw_data: new Uint8Array(40) };
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [raw, floats("b", [3])])), /initializer "W": dims \[3,4\] float32 need 48 bytes of raw_data, the file holds 40/);
  const huge: TensorProto = { name: "W", dims: [1e6, 1e6], data_type: 1, raw_data: new Uint8Array(8) };
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [huge, floats("b", [3])])), /initializer "W": dims \[1000000,1000000\] float32 need 4000000000000 bytes of raw_data, the file holds 8/);
  const wild: TensorProto = { name: "W", dims: [1e9, 1e9], data_type: 1, raw_data: new Uint8Array(8) };
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [wild, floats("b", [3])])), /initializer "W": dims \[1000000000,1000000000\] hold too many elements/);
  const external: TensorProto = { name: "W", dims: [3, 4], data_type: 1, data_location: 1, external_data: [{ key: "location", value: "weights.bin" }] };
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [external, floats("b", [3])])), /initializer "W": the data is stored in an external file/);
  const ints: TensorProto = { name: "W", dims: [3, 4], data_type: 6, int32_data: Array.from({ length: 12 }, () => 1) };
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [ints, floats("b", [3])])), /initializer "W": element type 6 is not supported/);
  assert.throws(() => io.importOnnx(modelBytes([gemm()], [floats("W", [3, 4]), floats("W", [3, 4])])), /two initializers are named "W"/);
});

test("import: graphs that are not one chain of layers are errors naming the node", () => {
  const initializers = [floats("W", [4, 4]), floats("b", [4])];
  // a residual connection: y = relu(fc(x)) + x
  const residual = modelBytes([gemm({ output: ["h"] }), { name: "act", op_type: "Relu", input: ["h"], output: ["r"] }, { name: "skip", op_type: "Add", input: ["r", "x"], output: ["y"] }], initializers);
  assert.throws(() => io.importOnnx(residual), /node "skip" \(Add\): input 1 "x" comes from node "\(graph input\)", not from the layer just before/);
  const dangling = modelBytes([{ name: "act", op_type: "Relu", input: ["nowhere"], output: ["y"] }], []);
  assert.throws(() => io.importOnnx(dangling), /node "act" \(Relu\): input 0 "nowhere" is not produced by any earlier node, nor an initializer/);
  const twoInputs = modelBytes([gemm()], initializers, { extra: { input: [{ name: "x", type: { tensor_type: { elem_type: 1 } } }, { name: "z", type: { tensor_type: { elem_type: 1 } } }] } });
  assert.throws(() => io.importOnnx(twoInputs), /the graph has 2 inputs \("x", "z"\); nabla models take exactly one/);
  assert.throws(() => io.importOnnx(modelBytes([gemm({ output: ["h"] })], [floats("W", [3, 4]), floats("b", [3])])), /the graph output "y" is produced by no node/);
  const dataWeight = modelBytes([{ name: "mm", op_type: "MatMul", input: ["x", "x"], output: ["y"] }], []);
  assert.throws(() => io.importOnnx(dataWeight), /node "mm" \(MatMul\): the weight \(input 1\) must be a constant \(an initializer\), but it is the layer's data/);
  const lonelyAdd = modelBytes([{ name: "plus", op_type: "Add", input: ["x", "b"], output: ["y"] }], [floats("b", [4])]);
  assert.throws(() => io.importOnnx(lonelyAdd), /node "plus" \(Add\): only an Add of a constant bias right after a MatMul or Gemm/);
  assert.throws(() => io.importOnnx(modelBytes([], [], { outputName: "x" })), /the graph has no layers/);
});

test("import: inputs nabla cannot take are errors", () => {
  const bytes = encodeModelProto({ ir_version: 8, opset_import: [{ domain: "", version: 17 }], graph: { node: [], input: [{ name: "x", type: { tensor_type: { elem_type: 10 } } }], output: [{ name: "x" }] } });
  assert.throws(() => io.importOnnx(bytes), /the graph input "x" has element type 10; nabla reads float32 \(1\) and float64 \(11\) inputs, and int64 \(7\) or int32 \(6\) indices for an Embedding/);
  // integer indices read by anything but an Embedding's Gather
  const relu: NodeProto = { name: "r", op_type: "Relu", input: ["x"], output: ["y"] };
  const indices = encodeModelProto({ ir_version: 8, opset_import: [{ domain: "", version: 17 }], graph: { node: [relu], input: [{ name: "x", type: { tensor_type: { elem_type: 7 } } }], output: [{ name: "y" }] } });
  assert.throws(() => io.importOnnx(indices), /the graph input "x" holds integer indices, which only a Gather \(an Embedding\) as the first layer reads/);
  const noOpset = encodeModelProto({ ir_version: 8, opset_import: [{ domain: "ai.onnx.ml", version: 3 }], graph: { node: [] } });
  assert.throws(() => io.importOnnx(noOpset), /imports no opset of the default ONNX domain/);
});

test("loadOnnx and saveOnnx: errors name the path; saveOnnx writes atomically", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-onnx-"));
  await assert.rejects(io.loadOnnx(join(dir, "missing.onnx")), /loadOnnx: cannot read .*missing\.onnx: no such file/);
  const broken = join(dir, "broken.onnx");
  writeFileSync(broken, Uint8Array.of(1, 2, 3));
  await assert.rejects(io.loadOnnx(broken), new RegExp(`loadOnnx: ${broken}: not a valid ONNX file`));
  const model = new nn.Sequential(new nn.Linear(2, 2));
  const path = join(dir, "model.onnx");
  const size = await io.saveOnnx(model, path);
  const { model: back } = await io.loadOnnx(path);
  assert.deepEqual(back.stateDict()["0.weight"]!.toArray(), model.stateDict()["0.weight"]!.toArray());
  assert.ok(size > 0);
  // a failing export leaves the old file in place
  await assert.rejects(io.saveOnnx(model, path, { inputShape: [3] }), /does not fit/);
  assert.equal((await io.loadOnnx(path)).inputShape![0], 2);
});

test("import: convolution, pooling and normalization nodes nabla cannot express are errors naming the node", () => {
  const image = { inputDims: [-1, 2, 5, 5] };
  const ints = (name: string, values: number[]) => ({ name, type: 7, ints: values });
  const conv = (attribute: NodeProto["attribute"], input = ["x", "W", "b"]): NodeProto => ({ name: "c", op_type: "Conv", input, output: ["y"], attribute });
  const weights = [floats("W", [3, 2, 3, 3]), floats("b", [3])];
  assert.equal(io.importOnnx(modelBytes([conv([ints("pads", [1, 1, 1, 1])])], weights, image)).model.toString(), "Sequential(\n  (0): Conv2d(2, 3, kernelSize=[3,3], stride=[1,1], padding=[1,1])\n)");
  assert.throws(() => io.importOnnx(modelBytes([conv([ints("pads", [0, 0, 1, 0])])], weights, image)), /node "c" \(Conv\): asymmetric pads \[0, 0, 1, 0\] are not supported/);
  assert.throws(() => io.importOnnx(modelBytes([conv([{ name: "auto_pad", type: 3, s: new TextEncoder().encode("SAME_UPPER") }])], weights, image)), /node "c" \(Conv\): auto_pad="SAME_UPPER" is not supported/);
  assert.throws(() => io.importOnnx(modelBytes([conv([])], weights, { inputDims: [-1, 4, 5, 5] })), /node "c" \(Conv\): the weights expect 2 input channels, but the input has shape \[batch, 4, 5, 5\] \(mismatched initializer shapes\)/);
  assert.throws(() => io.importOnnx(modelBytes([conv([])], [floats("W", [3, 2, 3, 3]), floats("b", [2])], image)), /the bias "b" has shape \[2\], expected \[3\]/);
  assert.throws(() => io.importOnnx(modelBytes([conv([])], [floats("W", [3, 2, 3, 3, 3]), floats("b", [3])], image)), /only 1-D and 2-D convolutions/);
  assert.throws(() => io.importOnnx(modelBytes([conv([ints("kernel_shape", [2, 2])])], weights, image)), /kernel_shape \[2, 2\] does not match the weight's \[3, 3\]/);
  const pool = (opType: string, attribute: NodeProto["attribute"], output = ["y"]): NodeProto => ({ name: "p", op_type: opType, input: ["x"], output, attribute });
  assert.throws(() => io.importOnnx(modelBytes([pool("MaxPool", [ints("kernel_shape", [2, 2])], ["y", "indices"])], [], image)), /node "p" \(MaxPool\): only the first output is supported/);
  assert.throws(() => io.importOnnx(modelBytes([pool("MaxPool", [ints("kernel_shape", [2, 2, 2])])], [], { inputDims: [-1, 2, 5, 5, 5] })), /only 1-D and 2-D pooling is supported/);
  assert.throws(() => io.importOnnx(modelBytes([pool("MaxPool", [])], [], image)), /node "p" \(MaxPool\): kernel_shape is required/);
  assert.throws(() => io.importOnnx(modelBytes([pool("AveragePool", [ints("kernel_shape", [2, 2]), ints("dilations", [2, 2])])], [], image)), /node "p" \(AveragePool\): dilations \[2, 2\] are not supported/);
  assert.throws(() => io.importOnnx(modelBytes([pool("GlobalAveragePool", [])], [], { inputDims: [-1, 2] })), /node "p" \(GlobalAveragePool\): expected a 4-D input/);
  const stats = [floats("s", [2]), floats("b", [2]), floats("m", [2]), floats("v", [2], [1, 2])];
  const bn = (attribute: NodeProto["attribute"]): NodeProto => ({ name: "bn", op_type: "BatchNormalization", input: ["x", "s", "b", "m", "v"], output: ["y"], attribute });
  assert.equal(io.importOnnx(modelBytes([bn([])], stats, image)).model[0]!.constructor.name, "BatchNorm2d");
  assert.throws(() => io.importOnnx(modelBytes([bn([{ name: "training_mode", type: 2, i: 1 }])], stats, image)), /node "bn" \(BatchNormalization\): training_mode=1 .* is not supported/);
  assert.throws(() => io.importOnnx(modelBytes([bn([])], [...stats.slice(0, 2), floats("m", [3]), stats[3]!], image)), /the mean "m" has shape \[3\], expected \[2\] \(mismatched initializer shapes\)/);
  assert.throws(() => io.importOnnx(modelBytes([bn([])], stats, { inputDims: [-1, 3, 4] })), /the scale "s" has 2 channels, but the input has shape \[batch, 3, 4\]/);
  const ln = (axis: number): NodeProto => ({ name: "ln", op_type: "LayerNormalization", input: ["x", "s"], output: ["y"], attribute: [{ name: "axis", type: 2, i: axis }] });
  assert.equal((io.importOnnx(modelBytes([ln(2)], [floats("s", [4])], { inputDims: [-1, 3, 4] })).model[0] as nn.LayerNorm).bias, null);
  assert.throws(() => io.importOnnx(modelBytes([ln(1)], [floats("s", [4])], { inputDims: [-1, 3, 4] })), /node "ln" \(LayerNormalization\): axis=1 does not normalize over the scale's 1 trailing dims \[4\]/);
  assert.throws(() => io.importOnnx(modelBytes([ln(-1)], [floats("s", [5])], { inputDims: [-1, 3, 4] })), /the scale "s" has shape \[5\], but the input has shape \[batch, 3, 4\] \(mismatched initializer shapes\)/);
});

test("import: Pad only as PyTorch writes it before an AveragePool; shape arithmetic only of shapes", () => {
  const image = { inputDims: [-1, 2, 5, 5] };
  const ints = (name: string, values: number[]) => ({ name: name, dims: [values.length], data_type: 7, int64_data: values });
  const pad: NodeProto = { name: "pad", op_type: "Pad", input: ["x", "pads"], output: ["p"] };
  const pool: NodeProto = { name: "pool", op_type: "AveragePool", input: ["p"], output: ["y"], attribute: [{ name: "kernel_shape", type: 7, ints: [3, 3] }] };
  const relu: NodeProto = { name: "r", op_type: "Relu", input: ["p"], output: ["y"] };
  const model = io.importOnnx(modelBytes([pad, pool], [ints("pads", [0, 0, 1, 1, 0, 0, 1, 1])], image)).model;
  const avg = model[0] as nn.AvgPool2d;
  assert.deepEqual([avg.padding, avg.countIncludePad, model.length], [[1, 1], true, 1]);
  assert.throws(() => io.importOnnx(modelBytes([pad, relu], [ints("pads", [0, 0, 1, 1, 0, 0, 1, 1])], image)), /node "pad" \(Pad\): a Pad is only supported right before an AveragePool/);
  assert.throws(() => io.importOnnx(modelBytes([pad, pool], [ints("pads", [0, 0, 1, 0, 0, 0, 1, 1])], image)), /node "pad" \(Pad\): pads \[0, 0, 1, 0, 0, 0, 1, 1\] are not supported/);
  const reflect: NodeProto = { ...pad, attribute: [{ name: "mode", type: 3, s: new TextEncoder().encode("reflect") }] };
  assert.throws(() => io.importOnnx(modelBytes([reflect, pool], [ints("pads", [0, 0, 1, 1, 0, 0, 1, 1])], image)), /node "pad" \(Pad\): mode="reflect" is not supported/);
  const slice: NodeProto = { name: "s", op_type: "Slice", input: ["x", "a", "b"], output: ["y"] };
  assert.throws(() => io.importOnnx(modelBytes([slice], [ints("a", [0]), ints("b", [1])], image)), /node "s" \(Slice\): only a Slice of a Shape is supported/);
});
