import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { data } from "../../src/index.js";

test("loadCsv from text: label column by name or index, the rest are features in order", () => {
  const text = "width, height ,\"kind\"\r\n1.5,2,0\r\n-3,4e1,2\r\n\r\n";
  const byName = data.loadCsv(text, { labelColumn: "kind" });
  assert.deepEqual(byName.x.toArray(), [[1.5, 2], [-3, 40]]);
  assert.deepEqual(byName.y.toArray(), [0, 2]);
  assert.deepEqual(byName.columns, ["width", "height"]);
  const byIndex = data.loadCsv(text, { labelColumn: 0, dtype: "float64" });
  assert.deepEqual(byIndex.x.toArray(), [[2, 0], [40, 2]]);
  assert.deepEqual(byIndex.y.toArray(), [1.5, -3]);
  assert.equal(byIndex.x.dtype, "float64");
  const noLabel = data.loadCsv(text);
  assert.deepEqual(noLabel.x.shape, [2, 3]);
  assert.equal(noLabel.y, undefined);
});

test("loadCsv from a file (with a byte-order mark); a missing file names the path", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-csv-"));
  try {
    const path = join(dir, "points.csv");
    writeFileSync(path, "\uFEFFa,b,label\n0,1,1\n2,3,0\n");
    const { x, y, columns } = data.loadCsv(path, { labelColumn: "label" });
    assert.deepEqual(columns, ["a", "b"]); // the byte-order mark is not part of the first name
    assert.deepEqual(x.toArray(), [[0, 1], [2, 3]]);
    assert.deepEqual(y.toArray(), [1, 0]);
    assert.throws(() => data.loadCsv(join(dir, "missing.csv")), /loadCsv: cannot read ".*missing\.csv": ENOENT/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("loadCsv: malformed rows name the line and column; unknown label column lists the columns", () => {
  const header = "a,b,c\n";
  assert.throws(() => data.loadCsv(`${header}1,2,3\n4,x,6\n`), /loadCsv: CSV text: line 3, column 2 \("b"\): "x" is not a number/);
  assert.throws(() => data.loadCsv(`${header}1,2,3\n4,,6\n`), /loadCsv: CSV text: line 3, column 2 \("b"\): "" is not a number/);
  assert.throws(() => data.loadCsv(`${header}1,2\n`), /loadCsv: CSV text: line 2 has 2 fields, expected 3 \(a,b,c\)/);
  assert.throws(() => data.loadCsv(`${header}1,2,3,4\n`), /line 2 has 4 fields, expected 3/);
  assert.throws(() => data.loadCsv(`${header}1,2,NaN\n`), /line 2, column 3 \("c"\): "NaN" is not a number/);
  assert.throws(() => data.loadCsv(`${header}1,2,3\n`, { labelColumn: "label" }), /loadCsv: CSV text: unknown label column "label"; the columns are "a", "b", "c"/);
  assert.throws(() => data.loadCsv(`${header}1,2,3\n`, { labelColumn: 3 }), /unknown label column 3/);
  assert.throws(() => data.loadCsv("\n1,2\n"), /loadCsv: CSV text: line 1 must be a header/);
});
