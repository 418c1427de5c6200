import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import type { ConvOp, WindowSpec } from "../../src/backend/backend.js";

// Large convolutions are split by image between the caller and the workers. conv2d and
// conv2dInputGrad run the one-thread kernel on each run of images, so they must equal the
// one-thread backend bit for bit; conv2dWeightGrad adds per-task partial sums in task order, so
// it must be close to the one-thread sum and the same on every run (never timing-dependent).

const threaded = new WasmBackend(2);
const single = new WasmBackend(0);
// convolutions run on the calling thread until a worker has booted: wait, so the workers take part
assert.ok(await threaded.threadsStarted(), "the workers started");

function values(size: number, seed: number): Float64Array {
  return Float64Array.from({ length: size }, (_, i) => Math.sin(seed * 7.1 + i * 0.37));
}

function window(batch: number, channels: number, size: number, kernel: number, stride: number, pad: number): WindowSpec {
  const out = Math.floor((size + 2 * pad - kernel) / stride) + 1;
  return { batch, channels, height: size, width: size, kernelH: kernel, kernelW: kernel, strideH: stride, strideW: stride, padH: pad, padW: pad, dilationH: 1, dilationW: 1, outH: out, outW: out };
}

function run(backend: WasmBackend, op: ConvOp, spec: WindowSpec, outChannels: number, dtype: "float32" | "float64"): Float64Array {
  const image = spec.channels * spec.height * spec.width;
  const plane = outChannels * spec.outH * spec.outW;
  const weights = outChannels * spec.channels * spec.kernelH * spec.kernelW;
  const x = backend.fromValues(values(spec.batch * image, 1), dtype);
  const w = backend.fromValues(values(weights, 2), dtype);
  const dy = backend.fromValues(values(spec.batch * plane, 3), dtype);
  const bias = backend.fromValues(values(outChannels, 4), dtype);
  const size = op === "conv2d" ? spec.batch * plane : op === "conv2dInputGrad" ? spec.batch * image : weights;
  const out = backend.allocate(size, dtype);
  backend.fill(out, Number.NaN);
  if (op === "conv2d") backend.conv2d(op, x, w, bias, spec, outChannels, out);
  else if (op === "conv2dInputGrad") backend.conv2d(op, dy, w, null, spec, outChannels, out);
  else backend.conv2d(op, x, dy, null, spec, outChannels, out);
  return Float64Array.from(backend.read(out));
}

for (const [label, spec, outChannels] of [
  ["W5's second conv, 7 images (runs of 2 and a last of 1)", window(7, 16, 14, 5, 1, 2), 32],
  ["stride 2, 9 images", window(9, 16, 17, 3, 2, 1), 64],
] as const) {
  test(`threaded conv: ${label}`, () => {
    assert.equal(threaded.threads, 3);
    for (const dtype of ["float32", "float64"] as const) {
      for (const op of ["conv2d", "conv2dInputGrad"] as const) {
        assert.deepEqual(run(threaded, op, spec, outChannels, dtype), run(single, op, spec, outChannels, dtype), `${dtype} ${op}`);
      }
      const got = run(threaded, "conv2dWeightGrad", spec, outChannels, dtype);
      assert.deepEqual(run(threaded, "conv2dWeightGrad", spec, outChannels, dtype), got, `${dtype} conv2dWeightGrad is deterministic`);
      const want = run(single, "conv2dWeightGrad", spec, outChannels, dtype);
      const tolerance = dtype === "float32" ? 1e-5 : 1e-13;
      let scale = 0;
      for (const v of want) scale = Math.max(scale, Math.abs(v));
      for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tolerance * scale, `${dtype} dW element ${i}: ${got[i]} vs ${want[i]}`);
    }
    assert.ok(threaded.threadsRunning > 1, "the workers took part");
  });
}

test("a weight gradient before the workers have booted has the bits of one after: the caller runs the same tasks alone", async () => {
  // its partial sums follow the split into tasks, so running it as one call instead would change them
  const fresh = new WasmBackend(2);
  fresh.threadTuner.mode = "threads";
  const spec = window(7, 16, 14, 5, 1, 2);
  const pool = fresh.threadPool()!.pool;
  const bootedBefore = pool.started > 0;
  const early = run(fresh, "conv2dWeightGrad", spec, 32, "float32");
  if (!bootedBefore) assert.equal(pool.posted, 0, "run before a worker started");
  assert.ok(await fresh.threadsStarted());
  assert.deepEqual(run(fresh, "conv2dWeightGrad", spec, 32, "float32"), early);
  assert.equal(pool.posted, 1, "posted once a worker started");
  assert.deepEqual(early, run(threaded, "conv2dWeightGrad", spec, 32, "float32"), "as on a backend whose workers had started");
});
