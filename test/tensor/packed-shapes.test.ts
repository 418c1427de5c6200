// Shapes and strides stay packed arrays once the ops are optimized. TurboFan inlines
// Array.prototype.map with a holey result where the interpreter's map returns a packed one, so a
// shape made with map changed element kind mid-run, and every function compiled for packed shapes
// (sizeOf, shapesEqual, isContiguous, expand, the backends' loop planners …) deoptimized and was
// compiled again: about forty deopts inside W1's timed steps. V8 reports an array's element kind
// only through its natives syntax, so the check runs in a child process started with it, after
// enough steps for TurboFan to have compiled the ops.
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

test("shapes and strides made by warmed-up ops are packed, not holey, arrays", () => {
  const script = `
    import { nn, optim, setBackend, tensor } from "./src/index.ts";
    setBackend(process.env.NABLA_BACKEND ?? "js");
    const holey = new Function("a", "return %HasHoleyElements(a)");
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
    const x = tensor(Array.from({ length: 64 }, (_, i) => Math.sin(i)), { shape: [32, 2] });
    const labels = tensor(Array.from({ length: 32 }, (_, i) => i % 2));
    const loss = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const bias = tensor([1, 2, 3, 4, 5, 6, 7, 8]);
    let made = [];
    const step = () => {
      optimizer.zeroGrad();
      const h = model.call(x);
      loss.call(h, labels).backward();
      optimizer.step();
      const wide = x.matmul(tensor([[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]]));
      const y = wide.add(bias); // broadcast: expand
      const kept = y.sum(0, true);
      made = [h, wide, y, kept, y.mean(1), kept.reshape([-1]), kept.reshape([-1]).unsqueeze(0).squeeze(0), y.t(), y.amax(1, true), y.sub(1), y.relu()];
      made.push(...model.parameters().map((p) => p.grad));
    };
    for (let i = 0; i < 4000; i++) step();
    const bad = [];
    made.forEach((t, i) => {
      if (holey(t.shape)) bad.push(i + " shape " + JSON.stringify(t.shape));
      if (holey(t.strides)) bad.push(i + " strides " + JSON.stringify(t.strides));
    });
    console.log(JSON.stringify(bad));
  `;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // else the child reports to the test runner instead of printing
  const result = spawnSync(process.execPath, ["--allow-natives-syntax", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 120_000, env });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout.trim()), [], "holey shapes or strides (index into the list of tensors, and which)");
});
