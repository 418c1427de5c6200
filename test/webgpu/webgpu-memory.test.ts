// The documented eager training loop on webgpu — one `await` per step — keeps its GPU memory
// flat over 10,000 steps without --expose-gc: tensors return their buffers through
// finalizers, and the pool asks the engine for a collection whenever the live bytes pass its
// high-water mark, so every step after warm-up finds its buffers in the pool. (Only the pool's
// own request makes collections here: this file never calls gc().)
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, randn, manualSeed } from "../../src/index.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";
import { BATCH } from "../../src/backend/webgpu/webgpu-backend.js";

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : (globalThis as { gc?: unknown }).gc !== undefined ? "run without --expose-gc: the pool must manage on its own" : false;
const backend = gpu as Exclude<typeof gpu, string>;
const STEPS = Number(process.env.NABLA_WEBGPU_MEMORY_STEPS ?? 10_000);
const WARM_UP = Math.min(2_000, STEPS / 5);

test(`webgpu: ${STEPS} eager training steps with one await each stop creating GPU buffers after warm-up`, { skip, timeout: 900_000 }, async (t) => {
  await onWebGpu(async () => {
    // the default floor is 16 MiB, which a model this small takes a thousand steps or more to
    // fill (the engine's own pacing collects first); scaled down, the pool's mark is what
    // bounds memory here, as it does for a model whose steps leave megabytes behind
    const floor = backend.garbageFloor;
    backend.garbageFloor = 256 * 1024;
    try {
      manualSeed(0);
      const model = new nn.Linear(4, 1);
      const x = randn([32, 4]);
      const y = randn([32, 1]);
      const optimizer = new optim.SGD(model.parameters(), { lr: 0.05 });
      const start = backend.memory();
      let warm = start;
      let oneStep = 0;
      let first = 0;
      let last = 0;
      for (let step = 0; step < STEPS; step++) {
        const before = backend.memory().handedOutBytes;
        optimizer.zeroGrad();
        const loss = model.call(x).sub(y).square().mean();
        loss.backward();
        optimizer.step();
        oneStep = backend.memory().handedOutBytes - before;
        // the loop's await: a read of the loss now and then, a turn of the event loop otherwise
        if (step % 100 === 0 || step === STEPS - 1) {
          last = (await loss.data())[0]!;
          if (step === 0) first = last;
        } else await new Promise((resolve) => setImmediate(resolve));
        if (step === WARM_UP - 1) warm = backend.memory();
      }
      const end = backend.memory();
      assert.ok(last < first, `the model trains (loss ${first} → ${last})`);
      assert.ok(end.collections > warm.collections, `the pool asked for collections after warm-up (${warm.collections} → ${end.collections})`);
      // The pool creates a buffer only when its bucket has none free, so what it creates is the
      // most that was ever live. After warm-up that can still vary by: the rest of the step in
      // which the mark is crossed (the finalizers run at the next await, one step's worth, twice
      // for a turn of the event loop they may miss) and the kernels' parameter buffers waiting
      // for their submit (up to BATCH of 256 bytes). A leak, or a pool left to the engine's own
      // pacing, grows by megabytes here (1.8 MB over 2,400 steps when the pool never asks).
      const slack = 2 * oneStep + BATCH * 256;
      const grown = end.createdBytes - warm.createdBytes;
      t.diagnostic(`created ${warm.createdBytes} bytes by step ${WARM_UP}, ${end.createdBytes} by step ${STEPS} (${end.createdBuffers} buffers); ${end.collections} collections asked for; one step takes ${oneStep} bytes`);
      assert.ok(grown <= slack, `${grown} bytes of buffers created after warm-up (${warm.createdBytes} → ${end.createdBytes}); allowed ${slack}`);
      // what stays live is bounded by the mark the same way: the model, the data, the mark and that slack
      assert.ok(end.liveBytes <= start.liveBytes + backend.garbageFloor + slack, `${end.liveBytes} bytes live at the end`);
    } finally {
      backend.garbageFloor = floor;
    }
  });
});
