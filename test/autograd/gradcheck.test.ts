import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, noGrad, tensor, type Tensor } from "../../src/index.js";
import { record } from "../../src/autograd/grad-fn.js";

const f64 = { dtype: "float64", requiresGrad: true } as const;

/** x², with a deliberately wrong backward rule dy·x (the right one is dy·2x) plus `offset`. */
function wrongSquare(x: Tensor, offset?: Tensor): Tensor {
  const out = noGrad(() => x.mul(x));
  return record(out, "wrongSquare", [x], (dy) => [offset === undefined ? dy.mul(x) : dy.mul(x).mul(2).add(offset)]);
}

/** The same op with the right rule: gradcheck must accept it. */
function square(x: Tensor): Tensor {
  const out = noGrad(() => x.mul(x));
  return record(out, "square", [x], (dy) => [dy.mul(x).mul(2)]);
}

test("gradcheck returns true for correct gradients, several inputs and broadcasting", () => {
  const a = tensor([[0.5, -1.2, 0.3], [2.0, 0.7, -0.4]], f64);
  const b = tensor([0.9, -0.6, 1.1], f64);
  assert.equal(gradcheck((x, y) => x.mul(y).tanh().add(y.exp()).sum(1), [a, b]), true);
  assert.equal(gradcheck((x) => square(x), [b]), true);
  assert.equal(a.grad, null, "gradcheck works on its own copies of the inputs");
});

test("gradcheck throws naming the input, the element and both values for a wrong backward", () => {
  const a = tensor([1.5, -0.5], f64);
  const b = tensor([[0.8, -1.3], [0.4, 2.2]], f64);
  let message = "";
  assert.throws(() => gradcheck((x, y) => x.sum().add(wrongSquare(y).sum()), [a, b]), (error: unknown) => {
    message = (error as Error).message;
    return true;
  });
  const match = /^gradcheck: gradient mismatch for input 1 \(shape \[2,2\]\) at element \[0,0\]: analytical (\S+) vs numerical (\S+)$/.exec(message);
  assert.ok(match !== null, message);
  const [analytical, numerical] = [Number(match[1]), Number(match[2])];
  // the wrong rule gives half the true derivative 2x (both scaled by gradcheck's output weight)
  assert.ok(analytical > 0 && Math.abs(numerical - 2 * analytical) < 1e-6, message);
});

test("gradcheck points at the one wrong element", () => {
  const x = tensor([[0.8, -1.3, 0.5], [0.4, 2.2, -0.7]], f64);
  const offset = tensor([[0, 0, 0], [0, 0, 0.01]], { dtype: "float64" });
  assert.throws(() => gradcheck((v) => wrongSquare(v, offset), [x]), /for input 0 \(shape \[2,3\]\) at element \[1,2\]: analytical/);
  // below the tolerance (atol 1e-5 + rtol 1e-3·|g|) the same rule passes
  const tiny = tensor([[0, 0, 0], [0, 0, 1e-7]], { dtype: "float64" });
  assert.equal(gradcheck((v) => wrongSquare(v, tiny), [x]), true);
  assert.throws(() => gradcheck((v) => wrongSquare(v, tiny), [x], { atol: 0, rtol: 1e-9 }), /at element \[1,2\]/);
});

test("gradcheck skips inputs that do not require grad", () => {
  const x = tensor([0.3, 0.6], f64);
  const frozen = tensor([0.5, 1.5], { dtype: "float64" });
  assert.equal(gradcheck((v, w) => v.mul(wrongSquare(w)), [x, frozen]), true);
});

test("gradcheck warns when an input that requires grad is float32", (t) => {
  const warn = t.mock.method(console, "warn", () => undefined);
  const x = tensor([0.25, 0.5], { requiresGrad: true });
  gradcheck((v) => v.mul(3), [x], { eps: 1e-2, atol: 1e-3 });
  assert.equal(warn.mock.callCount(), 1);
  assert.match(String(warn.mock.calls[0]!.arguments[0]), /gradcheck: input 0 requires grad but is float32, not float64/);
});
