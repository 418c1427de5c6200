import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { optim, tensor } from "../../src/index.js";

// The learning rates against PyTorch's are in schedulers-vs-torch.test.ts; here the bad arguments.

const sgd = (groups = 1) => new optim.SGD(Array.from({ length: groups }, () => ({ params: [tensor([0], { requiresGrad: true })] })), { lr: 0.1 });

test("LambdaLR and MultiStepLR: bad arguments are errors naming the scheduler and the value", () => {
  assert.throws(() => new optim.LambdaLR(sgd(2), [(e) => e]), /^Error: LambdaLR: expected 2 lrLambda functions \(one per parameter group\), got 1$/);
  assert.throws(() => new optim.LambdaLR(sgd(), [3 as never]), /^Error: LambdaLR: lrLambda 0 is not a function$/);
  assert.throws(() => new optim.LambdaLR(sgd(), () => Number.NaN), /^Error: LambdaLR: lrLambda 0 returned NaN at epoch 0; expected a number$/);
  assert.throws(() => new optim.MultiStepLR(sgd(), [2, -1]), /^Error: MultiStepLR: milestones must be non-negative integers, got \[2,-1\]$/);
});
