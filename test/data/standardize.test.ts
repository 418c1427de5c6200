import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

test("standardize: columns get mean 0 and population std 1; the stats re-apply to new data", () => {
  const x = tensor([[1, 10, 5], [2, 30, 5], [6, 20, 5]], { dtype: "float64" });
  const result = data.standardize(x);
  const mean = [3, 20, 5];
  const std = [Math.sqrt(14 / 3), Math.sqrt(200 / 3), 1]; // constant column: left unscaled
  assertClose(result.mean, mean, 1e-12);
  assertClose(result.std, std, 1e-12);
  assertClose(result.x, [[-2 / std[0]!, -10 / std[1]!, 0], [-1 / std[0]!, 10 / std[1]!, 0], [3 / std[0]!, 0, 0]], 1e-12);
  const test2 = data.standardize(tensor([[3, 20, 6]], { dtype: "float64" }), { mean: result.mean, std: result.std });
  assertClose(test2.x, [[0, 0, 1]], 1e-12);
});

test("standardize: wrong shapes are errors", () => {
  assert.throws(() => data.standardize(tensor([1, 2, 3])), /standardize: expected data of shape \[n, features\] with n ≥ 1, got \[3\]/);
  const stats = data.standardize(tensor([[1, 2], [3, 4]]));
  assert.throws(() => data.standardize(tensor([[1, 2, 3]]), stats), /standardize: mean has shape \[2\], expected \[3\] for data \[1,3\]/);
});
