import "../helpers.js";
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseVariables } from "../../playground/src/variables.js";

test("variables: name=value pairs, with errors for malformed entries", () => {
  assert.deepEqual([...parseVariables("x=-2, y=5; z = -4")], [["x", -2], ["y", 5], ["z", -4]]);
  assert.deepEqual([...parseVariables(" , ")], []);
  assert.throws(() => parseVariables("x=two"), /expected "name=number", got "x=two"/);
  assert.throws(() => parseVariables("=3"), /got "=3"/);
});
