import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, manualSeed, nn, optim, randn, tensor, type Tensor } from "../../src/index.js";
import { stepTiming } from "../../src/compile/step-timing.js";

const onWasm = { skip: backendUnderTest !== "wasm" ? "step timing instruments the wasm backend's plans" : false };

/** Three compiled steps of a small MLP with momentum SGD; the losses, and the plans timing recorded while they ran. */
function train(timing: boolean): { losses: number[]; plans: typeof stepTiming.plans } {
  manualSeed(7);
  const model = new nn.Sequential(new nn.Linear(8, 32), new nn.GELU(), new nn.Linear(32, 3));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const step = compile((x: Tensor, y: Tensor) => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  });
  const x = randn([16, 8]);
  const y = tensor(Array.from({ length: 16 }, (_, i) => i % 3), { dtype: "int32" });
  const before = stepTiming.plans.length;
  stepTiming.enabled = timing;
  try {
    const losses = [0, 1, 2, 3].map(() => step(x, y).item());
    return { losses, plans: stepTiming.plans.slice(before) };
  } finally {
    stepTiming.enabled = false;
  }
}

test("step timing labels every step of a compiled plan and adds up its replays' time, without changing the values", onWasm, () => {
  const timed = train(true);
  const plain = train(false);
  assert.deepEqual(timed.losses, plain.losses, "timed replays compute what untimed ones do, bit for bit");
  assert.equal(plain.plans.length, 0, "nothing is timed while timing is off");
  assert.equal(timed.plans.length, 1, "one plan for the one signature");
  const [plan] = timed.plans as [(typeof timed.plans)[number]];
  assert.equal(plan.replays, 2, "the first two calls trace (the second checks the first's plan), the other two replay");
  assert.equal(plan.labels.length, plan.milliseconds.length);
  assert.ok(plan.labels.includes("matmul [16×8]·[8×32]ᵀ"), `the first layer's product by its shape: ${plan.labels.join(" | ")}`);
  assert.ok(plan.labels.includes("optimizer.step()"));
  assert.ok(plan.labels.some((label) => label.startsWith("fused ") && label.includes("gelu")), "the bias and GELU as one fused group");
  assert.ok(plan.milliseconds.every((ms) => ms >= 0) && plan.milliseconds.some((ms) => ms > 0));
});
