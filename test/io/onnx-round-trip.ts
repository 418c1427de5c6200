// Shared by the ONNX layer tests: run an export in onnxruntime against nabla's outputs, and the
// export → onnxruntime → import → re-export round trip.
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import { assertClose } from "../helpers.js";
import { io, nn, randn, type Tensor } from "../../src/index.js";

export async function runOrt(bytes: Uint8Array, x: Tensor): Promise<{ values: number[]; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const data = x.toTypedArray();
  const feed = { input: new ort.Tensor(data instanceof Float64Array ? "float64" : "float32", data, [...x.shape]) };
  const result = (await session.run(feed)).output!;
  return { values: Array.from(result.data as Float32Array), dims: [...result.dims] };
}

/** Asserts onnxruntime's outputs on `x` equal the eval-mode model's to 1e-5. */
export async function assertOrtMatches(model: nn.Module, bytes: Uint8Array, x: Tensor): Promise<void> {
  model.eval();
  const expected = model.call(x);
  const { values, dims } = await runOrt(bytes, x);
  assert.deepEqual(dims, expected.shape);
  assertClose(values, Array.from(expected.toTypedArray()), 1e-5, 1e-5);
}

/** Export, run in onnxruntime, import, run the import, re-export: the same outputs and bytes. */
export async function roundTrip(model: nn.Sequential, inputShape: number[], batches = [1, 3]): Promise<nn.Sequential> {
  const bytes = io.exportOnnx(model, { inputShape });
  for (const batch of batches) await assertOrtMatches(model, bytes, randn([batch, ...inputShape]));
  const { model: back, inputShape: shape } = io.importOnnx(bytes);
  assert.deepEqual(shape, inputShape);
  assert.deepEqual(back.children().map((m) => m.constructor.name), flatClasses(model));
  assert.deepEqual(Object.keys(back.stateDict()).sort(), Object.keys(model.stateDict()).sort());
  const x = randn([2, ...inputShape]);
  assertClose(back.call(x), model.call(x).toArray() as number[], 1e-6, 1e-6);
  assert.deepEqual(io.exportOnnx(back, { inputShape }), bytes, "the re-export is byte for byte the first export");
  return back;
}

export function flatClasses(model: nn.Module): string[] {
  return model.children().flatMap((m) => (m instanceof nn.Sequential ? flatClasses(m) : [m.constructor.name]));
}

