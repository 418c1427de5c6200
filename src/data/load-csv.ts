import { tensor } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { readFileBytes } from "./node-modules.js";

export interface LoadCsvOptions {
  /** The column holding the labels, by header name or 0-based index; the others become `x`. */
  labelColumn?: string | number;
  /** Element type of the tensors (default "float32"). */
  dtype?: DType;
}

export interface CsvData {
  /** Feature columns, shape [rows, features]. */
  x: Tensor;
  /** The label column, shape [rows] (present when `labelColumn` was given). */
  y?: Tensor;
  /** Header names of the columns in `x`. */
  columns: string[];
  /** When the label column holds names (setosa, versicolor, …): the names in sorted order; `y` holds indices into it. */
  classNames?: string[];
}

function splitLine(line: string): string[] {
  return line.split(",").map((cell) => cell.trim().replace(/^"(.*)"$/, "$1"));
}

function resolveLabel(labelColumn: string | number | undefined, header: string[], source: string): number {
  if (labelColumn === undefined) return -1;
  const index = typeof labelColumn === "number" ? labelColumn : header.indexOf(labelColumn);
  if (!Number.isInteger(index) || index < 0 || index >= header.length) {
    throw new Error(`loadCsv: ${source}: unknown label column ${JSON.stringify(labelColumn)}; the columns are ${header.map((h) => JSON.stringify(h)).join(", ")}`);
  }
  return index;
}

/** A label column holding any non-number: its distinct names, sorted (sklearn's LabelEncoder order); else null. */
function labelNames(lines: string[], label: number): string[] | null {
  if (label < 0) return null;
  const names = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    const cell = splitLine(lines[i]!)[label];
    if (cell !== undefined && cell !== "") names.add(cell);
  }
  return [...names].some((name) => !Number.isFinite(Number(name))) ? [...names].sort() : null;
}

/** Parses the rows after the header into one flat array, checking every cell is a number (or a label name). */
function parseRows(lines: string[], header: string[], source: string, label = -1, classNames: readonly string[] | null = null): number[] {
  const values: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i]!.trim() === "") continue;
    const cells = splitLine(lines[i]!);
    if (cells.length !== header.length) {
      throw new Error(`loadCsv: ${source}: line ${i + 1} has ${cells.length} fields, expected ${header.length} (${header.join(",")})`);
    }
    cells.forEach((cell, column) => {
      const value = cell === "" ? NaN : column === label && classNames !== null ? classNames.indexOf(cell) : Number(cell);
      if (!Number.isFinite(value)) {
        throw new Error(`loadCsv: ${source}: line ${i + 1}, column ${column + 1} (${JSON.stringify(header[column])}): ${JSON.stringify(cell)} is not a number`);
      }
      values.push(value);
    });
  }
  return values;
}

/**
 * Reads a numeric CSV file with a header line — from a path, or from the text itself (anything
 * containing a line break is taken as the text). A row that is short, long or holds a
 * non-number is an error naming its line and column — except in a label column of names
 * (`setosa`, `versicolor`, …), whose sorted distinct names become `classNames` and `y` their
 * indices. Cells are split at every comma: quotes
 * around a name or number are dropped, but a quoted cell containing a comma is not supported.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const { x, y, columns } = data.loadCsv("a,b,label\n1,2,0\n3,4,1\n", { labelColumn: "label" });
 * console.log(x.toArray(), y.toArray(), columns); // [[1, 2], [3, 4]] [0, 1] ["a", "b"]
 * const iris = data.loadCsv("petal,species\n1.4,setosa\n4.7,versicolor\n1.3,setosa\n", { labelColumn: "species" });
 * console.log(iris.y.toArray(), iris.classNames); // [0, 1, 0] ["setosa", "versicolor"]
 * ```
 */
export function loadCsv(pathOrText: string, options: LoadCsvOptions & { labelColumn: string | number }): CsvData & { y: Tensor };
export function loadCsv(pathOrText: string, options?: LoadCsvOptions): CsvData;
export function loadCsv(pathOrText: string, options: LoadCsvOptions = {}): CsvData {
  const isText = /[\r\n]/.test(pathOrText);
  const source = isText ? "CSV text" : pathOrText;
  const text = isText ? pathOrText : new TextDecoder().decode(readFileBytes("loadCsv", pathOrText));
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/); // spreadsheets often start files with a byte-order mark
  if (lines[0]!.trim() === "") throw new Error(`loadCsv: ${source}: line 1 must be a header naming the columns, found an empty line`);
  const header = splitLine(lines[0]!);
  const label = resolveLabel(options.labelColumn, header, source);
  const classNames = labelNames(lines, label);
  const values = parseRows(lines, header, source, label, classNames);
  const rows = values.length / header.length;
  const width = header.length - (label >= 0 ? 1 : 0);
  const features = new Float64Array(rows * width);
  const labels = new Float64Array(rows);
  for (let r = 0, k = 0; r < rows; r++) {
    for (let c = 0; c < header.length; c++) {
      if (c === label) labels[r] = values[r * header.length + c]!;
      else features[k++] = values[r * header.length + c]!;
    }
  }
  const dtype = options.dtype ?? "float32";
  const result: CsvData = { x: tensor(features, { shape: [rows, width], dtype }), columns: header.filter((_, c) => c !== label) };
  if (label >= 0) result.y = tensor(labels, { dtype });
  if (classNames !== null) result.classNames = classNames;
  return result;
}
