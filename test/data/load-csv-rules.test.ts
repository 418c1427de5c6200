// Issue 11: the hand-written CSV splitter read CR-only files as one row of mangled names, took
// a headerless numeric file's first row as column names, accepted "0x10" and "0b11" as numbers
// and left doubled quotes in a quoted header. loadCsv now reads CSV with csv-parse (quote-free
// files with one kind of line ending are split directly: the same records, faster).
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data } from "../../src/index.js";

test("CR-only line endings (old Mac, some exports) read as lines", () => {
  const { x, y, columns } = data.loadCsv("a,b,label\r1,2,0\r3,4,1\r", { labelColumn: "label" });
  assert.deepEqual(columns, ["a", "b"]);
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(y.toArray(), [0, 1]);
});

test("a headerless numeric file is an error, or read as data with header: false", () => {
  assert.throws(() => data.loadCsv("1,2,0\n3,4,1\n"), /^Error: loadCsv: CSV text: the first line \(1,2,0\) looks like data; the CSV needs a header line naming the columns$/);
  const { x, y, columns } = data.loadCsv("1,2,0\n3,4,1\n", { header: false, labelColumn: 2 });
  assert.deepEqual(columns, ["0", "1"]);
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(y.toArray(), [0, 1]);
});

test("only decimal numbers are numbers: 0x10, 0b11, 0o7, Infinity and empty cells are not", () => {
  for (const cell of ["0x10", "0b11", "0o7", "Infinity", "-Infinity", "NaN", "1e", "1_000", "", "--1", "1.2.3"]) {
    assert.throws(() => data.loadCsv(`a,b\n1,${cell}\n`), new RegExp(`line 2, column 2 \\("b"\\): ${JSON.stringify(cell).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not a number`), cell);
  }
  const { x } = data.loadCsv("a,b,c,d,e\n+1, -2.5 ,.5,3.,1e-3\n");
  assert.deepEqual(x.toArray(), [[1, -2.5, 0.5, 3, Math.fround(1e-3)]]);
});

test("quoted cells: doubled quotes unescaped, commas and line breaks inside quotes, a space before a quote", () => {
  const { columns, x } = data.loadCsv('"width ""cm""","a, b", "c\nd",label\n1,2,3,0\n"4",5,6,1\n', { labelColumn: "label" });
  assert.deepEqual(columns, ['width "cm"', "a, b", "c\nd"]);
  assert.deepEqual(x.toArray(), [[1, 2, 3], [4, 5, 6]]);
  // the line named in an error counts the line break inside the quoted header cell
  assert.throws(() => data.loadCsv('"a\nb",c\n1,2\n3,x\n'), /line 4, column 2 \("c"\): "x" is not a number/);
  assert.throws(() => data.loadCsv('a,b\n1,"2\n'), /loadCsv: CSV text: not valid CSV: .*quote/i);
});

test("the direct split and csv-parse give the same records (blank lines, CRLF, a byte-order mark)", () => {
  const plain = "\uFEFFa,b\r\n1,2\r\n\r\n   \r\n3,4\r\n";
  const quoted = '\uFEFF"a",b\r\n1,2\r\n\r\n   \r\n3,"4"\r\n';
  for (const text of [plain, quoted]) {
    const { x, columns } = data.loadCsv(text);
    assert.deepEqual(columns, ["a", "b"]);
    assert.deepEqual(x.toArray(), [[1, 2], [3, 4]]);
  }
  // an error's line number is the same on both paths (line 5: after an empty and a blank line)
  assert.throws(() => data.loadCsv("a,b\n1,2\n\n  \n3,y\n"), /line 5, column 2/);
  assert.throws(() => data.loadCsv('a,b\n1,2\n\n  \n3,"y"\n'), /line 5, column 2/);
});
