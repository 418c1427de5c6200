import "../helpers.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseExpression, parseVariables } from "../../playground/src/expression.js";

test("expression parser: precedence, right-associative power, unary minus and calls", () => {
  assert.deepEqual(parseExpression("(x + y) * z"), {
    kind: "binary", op: "*",
    left: { kind: "binary", op: "+", left: { kind: "variable", name: "x" }, right: { kind: "variable", name: "y" } },
    right: { kind: "variable", name: "z" },
  });
  assert.deepEqual(parseExpression("a - b * 2"), {
    kind: "binary", op: "-",
    left: { kind: "variable", name: "a" },
    right: { kind: "binary", op: "*", left: { kind: "variable", name: "b" }, right: { kind: "number", value: 2 } },
  });
  assert.deepEqual(parseExpression("2^3^x"), {
    kind: "binary", op: "^",
    left: { kind: "number", value: 2 },
    right: { kind: "binary", op: "^", left: { kind: "number", value: 3 }, right: { kind: "variable", name: "x" } },
  });
  assert.deepEqual(parseExpression("-sigmoid(w1*x1 + .5)"), {
    kind: "negate",
    argument: {
      kind: "call", name: "sigmoid",
      argument: {
        kind: "binary", op: "+",
        left: { kind: "binary", op: "*", left: { kind: "variable", name: "w1" }, right: { kind: "variable", name: "x1" } },
        right: { kind: "number", value: 0.5 },
      },
    },
  });
});

test("expression parser: errors name the position and what was expected", () => {
  assert.throws(() => parseExpression("(x + y"), /expected "\)" at the end/);
  assert.throws(() => parseExpression("x + * y"), /position 5, found "\*"/);
  assert.throws(() => parseExpression("x y"), /expected an operator at position 3, found "y"/);
  assert.throws(() => parseExpression("cosh(x)"), /unknown function "cosh"/);
  assert.throws(() => parseExpression(""), /at the end/);
});

test("variables: name=value pairs, with errors for malformed entries", () => {
  assert.deepEqual([...parseVariables("x=-2, y=5; z = -4")], [["x", -2], ["y", 5], ["z", -4]]);
  assert.throws(() => parseVariables("x=two"), /expected "name=number", got "x=two"/);
  assert.throws(() => parseVariables("=3"), /got "=3"/);
});
