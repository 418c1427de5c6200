import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { asTensor, compile, nn, noGrad, optim, tensor, type Tensor } from "../../src/index.js";
import { onWebGpu, webGpuOrSkip } from "../webgpu/webgpu-available.js";

/** Whether the backend under test keeps tensors in typed arrays, where asTensor shares the caller's (webgpu has its own test below). */
const shares = backendUnderTest === "js" || backendUnderTest === "wasm";
const gpu = await webGpuOrSkip();

async function values(t: Tensor): Promise<number[]> {
  return Array.from(await t.data(), Number);
}

test("asTensor over a Float32Array, Float64Array or Int32Array keeps its dtype and shape, and shares the array on the CPU backends", async () => {
  for (const [array, dtype] of [[new Float32Array([1, 2, 3, 4, 5, 6]), "float32"], [new Float64Array([1, 2, 3, 4, 5, 6]), "float64"], [new Int32Array([1, 2, 3, 4, 5, 6]), "int32"]] as const) {
    const x = asTensor(array, { shape: [2, 3] });
    assert.equal(x.dtype, dtype);
    assert.deepEqual(x.shape, [2, 3]);
    assert.deepEqual(await values(x), [1, 2, 3, 4, 5, 6]);
    array[4] = 50; // the caller writes: the tensor sees it where it shares
    assert.deepEqual(await values(x), shares ? [1, 2, 3, 4, 50, 6] : [1, 2, 3, 4, 5, 6], dtype);
    x.mul_(2); // the tensor is written in place: the array sees it where it shares
    assert.equal(array[0], shares ? 2 : 1, dtype);
    assert.equal(array[4], shares ? 100 : 50, dtype);
  }
});

test("asTensor copies what it cannot share: nested arrays, a Uint8Array, a typed array read as another dtype", async () => {
  const nested = [[1, 2], [3, 4]];
  const a = asTensor(nested);
  nested[0]![0] = 9;
  assert.deepEqual(await values(a), [1, 2, 3, 4]);
  assert.equal(a.dtype, "float32");
  assert.equal(asTensor([true, false]).dtype, "bool");

  const bytes = new Uint8Array([1, 2, 3]);
  const b = asTensor(bytes);
  bytes[0] = 7;
  assert.equal(b.dtype, "int32"); // as tensor() reads a Uint8Array
  assert.deepEqual(await values(b), [1, 2, 3]);

  const floats = new Float32Array([0.5, 1.5]);
  const c = asTensor(floats, { dtype: "float64" });
  floats[0] = 8;
  assert.equal(c.dtype, "float64");
  assert.deepEqual(await values(c), [0.5, 1.5]);
  const d = asTensor(floats, { dtype: "int32" });
  assert.equal(d.dtype, "int32");
  assert.deepEqual(await values(d), [8, 1]);
});

test("asTensor gives a tensor back as it is, or converted to another dtype", async () => {
  const x = tensor([1.5, -2.5]);
  assert.equal(asTensor(x), x);
  assert.equal(asTensor(x, { dtype: "float32" }), x);
  const y = asTensor(x, { dtype: "float64" });
  assert.equal(y.dtype, "float64");
  assert.deepEqual(await values(y), [1.5, -2.5]);
});

test("asTensor names itself and the offending shape or option in its errors", () => {
  assert.throws(() => asTensor(new Float32Array(6), { shape: [4, 2] }), /asTensor: 6 values cannot fill shape \[4,2\]/);
  assert.throws(() => asTensor(new Float32Array(6), { shape: [2, -3] }), /asTensor/);
  assert.throws(() => asTensor(new Int32Array(2), { requiresGrad: true }), /asTensor: only floating-point tensors can require gradients, got dtype int32/);
  assert.throws(() => asTensor(tensor([1, 2]), { shape: [2, 1] }), /asTensor: shape \[2,1\] is for flat typed arrays; reshape the tensor of shape \[2\] instead/);
  assert.throws(() => asTensor(tensor([1, 2]), { requiresGrad: true }), /asTensor: requiresGrad is for new tensors/);
  // a copying path reports as tensor() does
  assert.throws(() => asTensor(new Uint8Array(3), { shape: [2] }), /tensor: 3 values cannot fill shape \[2\]/);
});

test("asTensor over a Float64Array makes a leaf that records gradients: d(Σx²)/dx = 2x", async () => {
  const x = asTensor(new Float64Array([1, -2, 3]), { requiresGrad: true });
  x.mul(x).sum().backward();
  assert.deepEqual(await values(x.grad!), [2, -4, 6]);
});

test("a batch buffer refilled before each call of a compiled training step, through asTensor, trains as fresh copies of each batch do", async () => {
  const batches = [[0.5, -1, 2, 0.25], [1, 1, -0.5, 3], [-2, 0.5, 0.5, 1], [0.1, 0.2, 0.3, 0.4], [3, -1, 0, 2]];
  const run = async (shared: boolean): Promise<number[]> => {
    const model = new nn.Linear(2, 1);
    noGrad(() => {
      model.weight.copy_(tensor([[0.3, -0.2]]));
      model.bias!.copy_(tensor([0.1]));
    });
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const step = compile((x: Tensor, y: Tensor) => {
      optimizer.zeroGrad();
      const loss = nn.functional.mseLoss(model.call(x), y);
      loss.backward();
      optimizer.step();
      return loss;
    });
    const buffer = new Float32Array(4);
    const x = asTensor(buffer, { shape: [2, 2] });
    const losses: number[] = [];
    for (const batch of batches) {
      const target = tensor([[batch[0]! - batch[1]!], [batch[2]! + batch[3]!]]);
      if (shared) buffer.set(batch);
      losses.push(await step(shared ? x : tensor(batch, { shape: [2, 2] }), target).data().then((v) => Number(v[0])));
    }
    return losses;
  };
  const fresh = await run(false);
  if (shares) assert.deepEqual(await run(true), fresh);
  else assert.notDeepEqual(await run(true), fresh); // webgpu copied the zeros once: every step saw them
});

test("asTensor on webgpu uploads a copy: later writes to the array do not reach the tensor, nor the tensor's to the array", { skip: typeof gpu === "string" ? gpu : false }, async () => {
  await onWebGpu(async () => {
    const array = new Float32Array([1, 2, 3, 4]);
    const x = asTensor(array, { shape: [2, 2] });
    array[0] = 9;
    x.mul_(2);
    assert.equal(x.storage.backend.name, "webgpu");
    assert.deepEqual(await values(x), [2, 4, 6, 8]);
    assert.deepEqual(Array.from(array), [9, 2, 3, 4]);
  });
});
