import "../../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, tensor, viz, type Tensor } from "../../../src/index.js";
import { assertClose } from "../../helpers.js";

const scalar = (value: number): Tensor => tensor(value, { dtype: "float64", requiresGrad: true });

test("the lecture's (x + y) * z: q = 3, f = −12, and after backward df/dq = −4, df/dx = df/dy = −4, df/dz = 3", () => {
  const { variables, intermediates, values, output } = viz.evaluateExpression("(x + y) * z", new Map([["x", scalar(-2)], ["y", scalar(5)], ["z", scalar(-4)]]));
  assert.deepEqual(intermediates.map((v) => `${v.name} = ${v.formula} = ${v.tensor.item()}`), ["q = x + y = 3", "f = q * z = -12"]);
  assert.equal(output, intermediates[1]);
  assert.deepEqual(values.map((v) => `${v.kind} ${v.name}`), ["variable x", "variable y", "operation q", "variable z", "operation f"], "the order the evaluation met them");
  assert.deepEqual(intermediates.map((v) => v.operation), ["+", "*"]);
  assert.deepEqual(output.operands.map((v) => v.name), ["q", "z"]);
  output.tensor.backward();
  assert.deepEqual([intermediates[0]!, ...variables].map((v) => [v.name, v.tensor.grad!.item()]), [["q", -4], ["x", -4], ["y", -4], ["z", 3]]);
});

test("named statements are variables for later ones; further results take the letters after q", () => {
  const named = viz.evaluateExpression("s = x * y; out = exp(s) + s", { x: 1, y: 0 });
  assert.deepEqual(named.intermediates.map((v) => `${v.name} = ${v.formula}`), ["s = x * y", "q = exp(s)", "out = q + s"]);
  assert.equal(named.output.name, "out");
  const taken = viz.evaluateExpression("-(q + r) * 2", { q: 1, r: 2 });
  assert.deepEqual(taken.intermediates.map((v) => `${v.name} = ${v.formula}`), ["s = q + r", "t = -s", "f = t * 2"], "given names are not reused");
});

test("a value used twice gets the sum of both gradients; numbers are constants without a gradient", () => {
  const { variables, values, output } = viz.evaluateExpression("x * x + 1", { x: -2 });
  output.tensor.backward();
  assert.equal(output.tensor.item(), 5);
  assert.equal(variables[0]!.tensor.grad!.item(), -4);
  const constant = values.find((v) => v.kind === "constant")!;
  assert.equal(constant.name, "1");
  assert.equal(constant.tensor.requiresGrad, false);
  assert.equal(values.filter((v) => v.kind === "variable").length, 1, "a variable is one value however often it is used");
});

test("naming an existing value (f = x) is an alias of the same tensor", () => {
  const { intermediates, output } = viz.evaluateExpression("x", { x: 2 });
  assert.deepEqual(intermediates.map((v) => [v.kind, v.name, v.formula]), [["alias", "f", "x"]]);
  assert.equal(output.operands[0]!.tensor, output.tensor);
});

test("tensors, matmul and every function: gradients match finite differences in float64", () => {
  const source = "h = relu(W @ v + b) ** 2; g = softmax(h) * log(abs(v) + 1) / sqrt(exp(-v) + 1); sum(tanh(g)) + mean(sigmoid(h)) - mean(v) ^ 2";
  const parsed = viz.parseExpression(source);
  assert.deepEqual(parsed.variables, ["W", "v", "b"]);
  const W = tensor([[0.5, -1.2], [2.0, 0.3]], { dtype: "float64", requiresGrad: true });
  const v = tensor([0.7, -0.4], { dtype: "float64", requiresGrad: true });
  const b = tensor([0.3, 0.9], { dtype: "float64", requiresGrad: true });
  assert.equal(gradcheck((w, x, c) => viz.evaluateExpression(parsed, { W: w!, v: x!, b: c! }).output.tensor, [W, v, b]), true);
  // Forward value against the same formula written with tensor methods.
  const h = W.matmul(v).add(b).relu().pow(2);
  const g = h.softmax(-1).mul(v.abs().add(1).log()).div(v.neg().exp().add(1).sqrt());
  const expected = g.tanh().sum().add(h.sigmoid().mean()).sub(v.mean().pow(2));
  assertClose(viz.evaluateExpression(parsed, { W, v, b }).output.tensor, expected.item(), 1e-12, 1e-12);
});

test("unused variables are ignored; variables list the used ones in the order given", () => {
  const { variables } = viz.evaluateExpression("z * x", { x: 1, unused: 3, z: 2 });
  assert.deepEqual(variables.map((v) => v.name), ["x", "z"]);
});

test("errors name the missing variable, or the formula whose op failed", () => {
  assert.throws(() => viz.evaluateExpression("x * y", { x: 1 }), /^Error: evaluateExpression: y has no value \(variables given: x\)$/);
  assert.throws(() => viz.evaluateExpression("x + y", { x: tensor([1, 2]), y: tensor([1, 2, 3]) }), /^Error: evaluateExpression: x \+ y: add: cannot broadcast \[2\] with \[3\]$/);
  assert.throws(() => viz.evaluateExpression("x +", {}), /^Error: parseExpression: expected a number/);
});

test("applyExpressionOperation re-runs one step, and refuses the wrong number of operands", () => {
  assert.equal(viz.applyExpressionOperation("-", [tensor(5), tensor(3)]).item(), 2);
  assert.equal(viz.applyExpressionOperation("neg", [tensor(5)]).item(), -5);
  assertClose(viz.applyExpressionOperation("softmax", [tensor([0, 0])]), [0.5, 0.5]);
  assert.throws(() => viz.applyExpressionOperation("+", [tensor(1)]), /applyExpressionOperation: \+ takes 2 operand\(s\), got 1/);
  assert.throws(() => viz.applyExpressionOperation("exp", [tensor(1), tensor(2)]), /exp takes 1 operand\(s\), got 2/);
});
