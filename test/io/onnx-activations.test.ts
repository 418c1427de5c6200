// The newer activations (GELU exact and tanh, SiLU, LeakyReLU, ELU, Softplus, Hardtanh), Unflatten
// and Embedding exported to ONNX run in onnxruntime with nabla's outputs (to 1e-5), import back into
// the same layers, and re-export to the same bytes; GELU as one Gelu op from opset 20.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, randn, randint, manualSeed } from "../../src/index.js";
import { decodeModelProto } from "../../src/io/onnx/onnx-proto.js";
import { assertOrtMatches, flatClasses, roundTrip } from "./onnx-round-trip.js";

function opTypes(bytes: Uint8Array): string[] {
  return decodeModelProto(bytes, "test").graph!.node!.map((n) => n.op_type!);
}

test("GELU (exact and tanh), SiLU, LeakyReLU, ELU, Softplus (beta 1 and 2), Hardtanh and LogSigmoid run in onnxruntime and round-trip", async () => {
  manualSeed(71);
  const model = new nn.Sequential(
    new nn.Linear(5, 8), new nn.GELU(), new nn.Linear(8, 8), new nn.GELU({ approximate: "tanh" }), new nn.SiLU(), new nn.LeakyReLU(0.2),
    new nn.ELU(0.7), new nn.Softplus(), new nn.Softplus({ beta: 2 }), new nn.Hardtanh(-0.5, 1.5), new nn.LogSigmoid(), new nn.Linear(8, 3),
  );
  const back = await roundTrip(model, [5]);
  assert.equal((back[3] as nn.GELU).approximate, "tanh");
  assert.equal((back[5] as nn.LeakyReLU).negativeSlope, 0.2);
  assert.equal((back[6] as nn.ELU).alpha, 0.7);
  assert.equal((back[8] as nn.Softplus).beta, 2);
  assert.deepEqual([(back[9] as nn.Hardtanh).minVal, (back[9] as nn.Hardtanh).maxVal], [-0.5, 1.5]);
  const ops = opTypes(io.exportOnnx(model, { inputShape: [5] }));
  assert.ok(ops.includes("Erf") && ops.includes("LeakyRelu") && ops.includes("Elu") && ops.includes("Clip") && !ops.includes("Gelu"));
});

test("from opset 20 a GELU is one Gelu op, which onnxruntime runs and importOnnx reads", async () => {
  manualSeed(72);
  const model = new nn.Sequential(new nn.Linear(4, 6), new nn.GELU(), new nn.Linear(6, 6), new nn.GELU({ approximate: "tanh" }));
  const bytes = io.exportOnnx(model, { inputShape: [4], opset: 20 });
  assert.deepEqual(opTypes(bytes), ["Gemm", "Gelu", "Gemm", "Gelu"]);
  const x = randn([3, 4]);
  const session = await ort.InferenceSession.create(bytes);
  const out = (await session.run({ input: new ort.Tensor("float32", x.toTypedArray() as Float32Array, [3, 4]) })).output!;
  assertClose(Array.from(out.data as Float32Array), Array.from(model.call(x).toTypedArray()), 1e-5, 1e-5);
  const back = io.importOnnx(bytes).model;
  assert.deepEqual(flatClasses(back), ["Linear", "GELU", "Linear", "GELU"]);
  assertClose(back.call(x), model.call(x).toArray() as number[][], 1e-6, 1e-6);
});

test("Unflatten (a Reshape that splits one dim) and a CNN that starts from flat pixels round-trip", async () => {
  manualSeed(73);
  await roundTrip(new nn.Sequential(new nn.Unflatten(1, [1, 6, 6]), new nn.Conv2d(1, 2, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(32, 2)), [36]);
  await roundTrip(new nn.Sequential(new nn.Linear(6, 12), new nn.Unflatten(-1, [3, -1]), new nn.Tanh()), [6]);
});

test("Embedding is a Gather of the int64 input: onnxruntime gives nabla's vectors, and it imports back", async () => {
  manualSeed(74);
  const model = new nn.Sequential(new nn.Embedding(10, 4), new nn.Flatten(), new nn.Linear(12, 2), new nn.GELU());
  const bytes = io.exportOnnx(model, { inputShape: [3] });
  const input = decodeModelProto(bytes, "test").graph!.input![0]!;
  assert.equal(input.type!.tensor_type!.elem_type, 7, "int64 indices, as torch.onnx.export writes them");
  const indices = randint(0, 10, [5, 3]);
  const session = await ort.InferenceSession.create(bytes);
  const feed = new ort.Tensor("int64", BigInt64Array.from(Array.from(indices.toTypedArray(), (v) => BigInt(v))), [5, 3]);
  const out = (await session.run({ input: feed })).output!;
  assertClose(Array.from(out.data as Float32Array), Array.from(model.call(indices).toTypedArray()), 1e-5, 1e-5);
  const { model: back, inputShape } = io.importOnnx(bytes);
  assert.deepEqual(inputShape, [3]);
  assert.deepEqual(flatClasses(back), ["Embedding", "Flatten", "Linear", "GELU"]);
  assertClose(back.call(indices), model.call(indices).toArray() as number[][], 1e-6, 1e-6);
  assert.deepEqual(io.exportOnnx(back, { inputShape: [3] }), bytes);
});

test("bad input: what ONNX cannot express among these layers is an error naming the module", () => {
  const fail = (model: nn.Sequential, inputShape: number[], pattern: RegExp) => assert.throws(() => io.exportOnnx(model, { inputShape }), pattern);
  fail(new nn.Sequential(new nn.Softplus({ threshold: 5 })), [3], /module "0" \(Softplus\) cannot be written as ONNX: threshold 5/);
  fail(new nn.Sequential(new nn.Linear(3, 3), new nn.Embedding(4, 2)), [3], /module "1" \(Embedding\) cannot be written as ONNX: an Embedding reads integer indices, so it must be the model's first layer/);
  fail(new nn.Sequential(new nn.Unflatten(1, [2, 2])), [6], /module "0" \(Unflatten\) does not fit its input of shape \[batch, 6\]: sizes \[2, 2\] do not multiply to 6/);
  fail(new nn.Sequential(new nn.Unflatten(0, [1, -1])), [6], /module "0" \(Unflatten\) cannot be written as ONNX: it unflattens the batch dim/);
});

test("Dropout1d and Dropout2d are written as ONNX Dropout (the identity at inference) and import as nn.Dropout with the same p", async () => {
  manualSeed(74);
  const model = new nn.Sequential(
    new nn.Conv2d(2, 4, 3), new nn.Dropout2d(0.3), new nn.Flatten(2), new nn.Dropout1d(0.2), new nn.Flatten(), new nn.Linear(36, 3),
  );
  model.eval();
  const bytes = io.exportOnnx(model, { inputShape: [2, 5, 5] });
  assert.equal(opTypes(bytes).filter((op) => op === "Dropout").length, 2);
  const x = randn([3, 2, 5, 5]);
  await assertOrtMatches(model, bytes, x);
  const back = io.importOnnx(bytes).model;
  const dropouts = back.children().filter((m): m is nn.Dropout => m instanceof nn.Dropout);
  assert.deepEqual(dropouts.map((d) => Math.fround(d.p)), [Math.fround(0.3), Math.fround(0.2)]);
  assertClose(back.call(x), model.call(x).toArray() as number[], 1e-6, 1e-6);
});
