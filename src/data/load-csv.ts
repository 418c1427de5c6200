import { tensor } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
// the browser build (it carries its own Buffer): the same code runs in Node and in the playground
import { parse } from "csv-parse/browser/esm/sync";
import { readFileBytes } from "./node-modules.js";

/** Options of `loadCsv`. */
export interface LoadCsvOptions {
  /** The column holding the labels, by header name or 0-based index; the others become `x`. */
  labelColumn?: string | number;
  /** Element type of the tensors (default "float32"). */
  dtype?: DType;
  /**
   * Whether line 1 names the columns (default true; a first line of numbers is then an error,
   * not silently taken as names). With `false` every line is data and the columns are named
   * "0", "1", …; pick the label column by index.
   */
  header?: boolean;
}

/** A CSV file as tensors: numeric feature columns, and labels when a label column was named. */
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

function resolveLabel(labelColumn: string | number | undefined, header: string[], source: string): number {
  if (labelColumn === undefined) return -1;
  const index = typeof labelColumn === "number" ? labelColumn : header.indexOf(labelColumn);
  if (!Number.isInteger(index) || index < 0 || index >= header.length) {
    throw new Error(`loadCsv: ${source}: unknown label column ${JSON.stringify(labelColumn)}; the columns are ${header.map((h) => JSON.stringify(h)).join(", ")}`);
  }
  return index;
}

/**
 * A decimal number as a CSV cell writes one (spaces around it allowed): digits, an optional
 * fraction and exponent. Not bare `Number(cell)`, which also takes "0x10", "0b11", "0o7",
 * "Infinity" and an empty cell (0).
 */
const DECIMAL = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

// csv-parse reads CSV (RFC 4180: quoted cells with commas, line breaks and doubled quotes;
// \n, \r\n or \r line endings; a byte-order mark). Its browser build (which runs in Node too)
// parses 2-4× slower than splitting lines at commas (README, "Reliability", has the
// measurement), so data rows without a quote and with one kind of line ending (\n or \r\n
// throughout: nearly every numeric CSV, whose header alone may be quoted) are split directly,
// which gives the same records; anything else goes to csv-parse (with `trim`, so a space before
// a quote is allowed). Line numbers for messages come from csv-parse with `info` (which costs
// as much as the parse) only when there is an error to report.
const PARSE_OPTIONS = { bom: true, trim: true, skip_empty_lines: true, relax_column_count: true } as const;

/** The records of text whose data rows hold no quote, with one kind of line ending; null when csv-parse must read all of it. */
function splitPlain(text: string): string[][] | null {
  const body = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const ending = body.includes("\r\n") ? "\r\n" : "\n";
  const lines = body.split(ending);
  if (ending === "\r\n" ? lines.some((line) => /[\r\n]/.test(line)) : body.includes("\r")) return null;
  const records: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    if (!line.includes('"')) records.push(line.split(","));
    // only the first line (a header) may be quoted, and must close its quotes on that line
    else if (records.length > 0 || (line.match(/"/g)!.length & 1) === 1) return null;
    else records.push((parse(line, PARSE_OPTIONS) as string[][])[0] ?? [""]);
  }
  return records;
}

/** A line of spaces only is as empty as an empty one. */
const isBlank = (record: readonly string[]): boolean => record.length === 1 && record[0]!.trim() === "";

function parseRecords(text: string, source: string, withLines = false): string[][] {
  try {
    if (!withLines) return (splitPlain(text) ?? (parse(text, PARSE_OPTIONS) as string[][])).filter((record) => !isBlank(record));
    const records = parse(text, { ...PARSE_OPTIONS, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.filter(({ record }) => !isBlank(record)).map(({ record, info }) => Object.assign(record, { line: info.lines }));
  } catch (error) {
    // csv-parse's message names the line; the record text it may hold is not echoed
    throw new Error(`loadCsv: ${source}: not valid CSV: ${(error as Error).message}`);
  }
}

/** The line on which record `index` ends (empty lines and quoted line breaks make it differ from index + 1). */
function lineOf(text: string, source: string, index: number): number {
  return (parseRecords(text, source, true)[index] as string[] & { line: number }).line;
}

/** A label column holding any non-number: its distinct names, sorted (sklearn's LabelEncoder order); else null. */
function labelNames(records: string[][], first: number, label: number): string[] | null {
  if (label < 0) return null;
  const names = new Set<string>();
  for (let r = first; r < records.length; r++) {
    const cell = records[r]![label]?.trim();
    if (cell !== undefined && cell !== "") names.add(cell);
  }
  return [...names].some((name) => !DECIMAL.test(name)) ? [...names].sort() : null;
}

/** The rows after the header (records `first`…) as one flat array, checking every cell is a number (or a label name). */
function parseRows(records: string[][], first: number, header: string[], text: string, source: string, label = -1, classNames: readonly string[] | null = null): number[] {
  const values: number[] = [];
  for (let r = first; r < records.length; r++) {
    const record = records[r]!;
    if (record.length !== header.length) {
      throw new Error(`loadCsv: ${source}: line ${lineOf(text, source, r)} has ${record.length} fields, expected ${header.length} (${header.join(",")})`);
    }
    for (let column = 0; column < record.length; column++) {
      const cell = record[column]!;
      // a label name is its index in classNames (every non-empty label cell is one of them)
      const value = column === label && classNames !== null && cell.trim() !== "" ? classNames.indexOf(cell.trim()) : DECIMAL.test(cell) ? Number(cell) : NaN;
      if (!Number.isFinite(value)) {
        throw new Error(`loadCsv: ${source}: line ${lineOf(text, source, r)}, column ${column + 1} (${JSON.stringify(header[column])}): ${JSON.stringify(cell.trim().slice(0, 40))} is not a number`);
      }
      values.push(value);
    }
  }
  return values;
}

/**
 * Reads a numeric CSV file with a header line — from a path, or from the text itself (anything
 * containing a line break is taken as the text). The CSV rules are RFC 4180's, by `csv-parse`:
 * quoted cells may hold commas, line breaks and doubled quotes; lines end in \n, \r\n or \r.
 * Cells are decimal numbers ("0x10", "Infinity" and empty cells are not), except in a label
 * column of names (`setosa`, `versicolor`, …), whose sorted distinct names become `classNames`
 * and `y` their indices. A row that is short, long or holds a non-number is an error naming its
 * line and column; a first line of numbers is an error too (pass `header: false` for a file
 * without a header line).
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
  const records = parseRecords(text, source);
  if (records.length === 0 || (options.header !== false && /^\uFEFF?[ \t]*[\r\n]/.test(text))) {
    throw new Error(`loadCsv: ${source}: line 1 must be a header naming the columns, found ${records.length === 0 ? "no lines" : "an empty line"}`);
  }
  const firstLine = records[0]!.map((cell) => cell.trim());
  const hasHeader = options.header !== false;
  // a header of numbers is a data row: taking it as names would lose a sample silently
  if (hasHeader && firstLine.every((cell) => DECIMAL.test(cell))) {
    throw new Error(`loadCsv: ${source}: the first line (${firstLine.join(",")}) looks like data; the CSV needs a header line naming the columns`);
  }
  const header = hasHeader ? firstLine : firstLine.map((_, c) => String(c));
  const label = resolveLabel(options.labelColumn, header, source);
  const first = hasHeader ? 1 : 0;
  const classNames = labelNames(records, first, label);
  const values = parseRows(records, first, header, text, source, label, classNames);
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
