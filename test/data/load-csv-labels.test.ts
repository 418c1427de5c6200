import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { data } from "../../src/index.js";

test("loadCsv: a label column of names gives sorted classNames and y as their indices", () => {
  const { x, y, classNames, columns } = data.loadCsv("a,species,b\n1,virginica,2\n3,setosa,4\n5,versicolor,6\n7,setosa,8\n", { labelColumn: "species" });
  assert.deepEqual(classNames, ["setosa", "versicolor", "virginica"]);
  assert.deepEqual(y.toArray(), [2, 0, 1, 0]);
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4], [5, 6], [7, 8]]);
  assert.deepEqual(columns, ["a", "b"]);
});

test("loadCsv: numeric labels give no classNames; a name in a feature column is still an error", () => {
  assert.equal(data.loadCsv("a,label\n1,0\n2,1\n", { labelColumn: "label" }).classNames, undefined);
  assert.throws(() => data.loadCsv("a,label\nbig,0\n2,1\n", { labelColumn: "label" }), /line 2, column 1 \("a"\): "big" is not a number/);
  assert.throws(() => data.loadCsv("a,label\n1,cat\n2,\n", { labelColumn: "label" }), /line 3, column 2 \("label"\): "" is not a number/);
});
