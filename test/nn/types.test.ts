// Type-level checks of the public nn/optim API: `npm run typecheck` fails if a line marked
// "ts-expect-error" starts compiling, or if an accepted call stops compiling.
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, optim, tensor, type Tensor } from "../../src/index.js";

class Pair extends nn.Module<[Tensor, Tensor], { sum: Tensor; product: Tensor }> {
  forward(a: Tensor, b: Tensor): { sum: Tensor; product: Tensor } {
    return { sum: a.add(b), product: a.mul(b) };
  }
}

test("modules are called with typed inputs and outputs", () => {
  const x = tensor([[1, 2]]);
  const linear: Tensor = new nn.Linear(2, 1).call(x);
  const pair = new Pair().call(x, x);
  const product: Tensor = pair.product;
  const loss: Tensor = new nn.CrossEntropyLoss().call(tensor([[1, 0]]), [0]);
  const anyOptimizer: optim.Optimizer<optim.BaseOptions, unknown> = new optim.Adam(new nn.Linear(2, 1).parameters());
  assert.deepEqual([linear.shape, product.toArray(), loss.shape, anyOptimizer.paramGroups.length], [[1, 1], [[1, 4]], [], 1]);
  if (Math.random() > 2) {
    // never run: these lines exist for the type checker
    // @ts-expect-error SGD needs a learning rate
    new optim.SGD([x], {});
    // @ts-expect-error a loss needs a target
    new nn.MSELoss().call(x);
    // @ts-expect-error Sequential chains modules, not tensors
    new nn.Sequential(x);
    // @ts-expect-error Pair takes two tensors
    new Pair().call(x);
    // @ts-expect-error unknown reduction
    new nn.BCELoss({ reduction: "avg" });
  }
});
