import "../../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { viz } from "../../../src/index.js";

/** Fully parenthesised form, to read precedence and associativity off the tree. */
function show(e: viz.ExpressionNode): string {
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
  ["a - b * 2", "(a - (b * 2))"],
  ["x - y - z", "((x - y) - z)"],
  ["x / y * z", "((x / y) * z)"],
  ["-x ** 2", "(-(x ** 2))"],
  ["x ** y ** 2", "(x ** (y ** 2))"],
  ["2 ** -x", "(2 ** (-x))"],
  ["2^3^x", "(2 ** (3 ** x))"],
  ["-x^2", "(-(x ** 2))"],
  ["+x", "x"],
  ["W @ x + b", "((W @ x) + b)"],
  ["exp(-x) * 1.5e-3", "(exp((-x)) * 1.5e-3)"],
  ["-sigmoid(w1*x1 + .5)", "(-sigmoid(((w1 * x1) + .5)))"],
  ["sum(softmax(x) * y)", "sum((softmax(x) * y))"],
  ["mean(sqrt(abs(log(tanh(relu(x))))))", "mean(sqrt(abs(log(tanh(relu(x))))))"],
];
for (const [source, expected] of cases) {
  test(`parses ${source} as ${expected}`, () => {
    const { statements } = viz.parseExpression(source);
    assert.equal(statements.length, 1);
    assert.equal(show(statements[0]!.expression), expected);
  });
}

test("numbers keep their value and the text they were written as", () => {
  assert.deepEqual(viz.parseExpression(".5 + 2E3").statements[0]!.expression, {
    kind: "binary", operator: "+", left: { kind: "number", value: 0.5, text: ".5" }, right: { kind: "number", value: 2000, text: "2E3" },
  });
});

test("statements: names in order; variables are the names read before any statement assigns them", () => {
  const parsed = viz.parseExpression("q = x + y; f = q * z;");
  assert.deepEqual(parsed.statements.map((s) => s.name), ["q", "f"]);
  assert.deepEqual(parsed.variables, ["x", "y", "z"]);
  assert.equal(parsed.source, "q = x + y; f = q * z;");
  assert.deepEqual(viz.parseExpression("x = x * 2; y * x").variables, ["x", "y"], "x is read before it is assigned");
  assert.deepEqual(viz.parseExpression("exp(b) * a + b").variables, ["b", "a"]);
  assert.deepEqual(viz.parseExpression("2 * 3").variables, []);
});

const errors: [string, RegExp][] = [
  ["", /^Error: parseExpression: the expression is empty$/],
  [" ; ", /^Error: parseExpression: expected a number, a variable, a function or "\(" but found ";" at column 2/],
  ["x +", /^Error: parseExpression: expected a number, a variable, a function or "\(" but found the end at column 4 of "x \+"$/],
  ["x + * y", /expected a number, a variable, a function or "\(" but found "\*" at column 5/],
  ["(x", /expected "\)" but found the end at column 3/],
  ["x y", /expected an operator or ";" but found "y" at column 3/],
  ["x $ y", /^Error: parseExpression: unexpected character "\$" at column 3 of "x \$ y"$/],
  ["exp x", /expected "\(" after exp but found "x" at column 5/],
  ["foo(x)", /unknown function foo\(\) at column 1; the functions are exp, log, sqrt, abs, tanh, sigmoid, relu, softmax, sum, mean/],
  ["x; exp = 2", /cannot assign to exp at column 4: it is a function name/],
];
for (const [source, message] of errors) {
  test(`syntax error in ${JSON.stringify(source)} names the place`, () => {
    assert.throws(() => viz.parseExpression(source), message);
  });
}
