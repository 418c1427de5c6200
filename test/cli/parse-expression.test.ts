import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { tensor, type Tensor } from "../../src/index.js";
import { evaluateStatements } from "../../src/cli/expression/evaluate-expression.js";
import { parseExpression, type Expression } from "../../src/cli/expression/parse-expression.js";

/** Fully parenthesised form, to read precedence and associativity off the tree. */
function show(e: Expression): string {
  switch (e.kind) {
    case "number": return e.text;
    case "variable": return e.name;
    case "negate": return `(-${show(e.operand)})`;
    case "call": return `${e.name}(${show(e.argument)})`;
    case "binary": return `(${show(e.left)} ${e.operator} ${show(e.right)})`;
  }
}

const cases: [string, string][] = [
  ["(x + y) * z", "((x + y) * z)"],
  ["x + y * z", "(x + (y * z))"],
  ["x - y - z", "((x - y) - z)"],
  ["x / y * z", "((x / y) * z)"],
  ["-x ** 2", "(-(x ** 2))"],
  ["x ** y ** 2", "(x ** (y ** 2))"],
  ["2 ** -x", "(2 ** (-x))"],
  ["W @ x + b", "((W @ x) + b)"],
  ["exp(-x) * 1.5e-3", "(exp((-x)) * 1.5e-3)"],
  ["sum(softmax(x) * y)", "sum((softmax(x) * y))"],
];
for (const [source, expected] of cases) {
  test(`parses ${source} as ${expected}`, () => {
    const [statement] = parseExpression(source);
    assert.equal(show(statement!.expression), expected);
  });
}

test("statements: names, order, and the auto-names q, r … of the lecture", () => {
  const values = new Map<string, Tensor>([["x", tensor(-2, { dtype: "float64", requiresGrad: true })], ["y", tensor(5, { dtype: "float64", requiresGrad: true })], ["z", tensor(-4, { dtype: "float64", requiresGrad: true })]]);
  const { intermediates, output } = evaluateStatements(parseExpression("(x + y) * z"), values);
  assert.deepEqual(intermediates.map((v) => `${v.name} = ${v.formula} = ${v.tensor.item()}`), ["q = x + y = 3", "f = q * z = -12"]);
  assert.equal(output.name, "f");
  const named = evaluateStatements(parseExpression("s = x * y; out = exp(s) + s"), new Map([["x", tensor(1, { requiresGrad: true })], ["y", tensor(0, { requiresGrad: true })]]));
  assert.deepEqual(named.intermediates.map((v) => `${v.name} = ${v.formula}`), ["s = x * y", "q = exp(s)", "out = q + s"]);
});

const errors: [string, RegExp][] = [
  ["", /the expression is empty/],
  ["x +", /expected a number, a variable, a function or "\(" but found the end at column 4/],
  ["(x", /expected "\)" but found the end at column 3/],
  ["x y", /expected an operator or ";" but found "y" at column 3/],
  ["x $ y", /unexpected character "\$" at column 3/],
  ["exp x", /expected "\(" after exp but found "x" at column 5/],
  ["foo(x)", /unknown function foo\(\) at column 1/],
  ["exp = 2", /cannot assign to exp: it is a function name/],
];
for (const [source, message] of errors) {
  test(`syntax error in ${JSON.stringify(source)} names the place`, () => {
    assert.throws(() => parseExpression(source), message);
  });
}
