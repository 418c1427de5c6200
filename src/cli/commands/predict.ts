/** `nabla predict`: classes and probabilities for the rows of a CSV file (or stdin). */
import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { data, noGrad, tensor, type Tensor } from "../../index.js";
import { checkHeader } from "../data-source.js";
import { predictClasses } from "../objective.js";
import { loadSavedModel, refuseColumns, type SavedModel } from "../saved-model.js";
import { fail } from "../user-error.js";

const EXAMPLES = `
The input is CSV with a header. Columns are matched by the names the model was trained on
(other columns, such as the label, are ignored); without names, every column is a feature.

Examples:
  $ nabla predict --model runs/<run> --input points.csv
  $ printf 'x1,x2\\n0.5,0.25\\n1.5,-0.4\\n' | nabla predict --model runs/<run> --input -
  $ nabla predict --model runs/<run> --input points.csv --format json > predictions.json`;

interface PredictFlags {
  model: string;
  input: string;
  format: "csv" | "json";
  json?: boolean;
}

/**
 * The model's features from the CSV: by name when the model knows them, else every column. A
 * model trained on a CSV refuses other column names, as eval does; built-in data's x1, x2 are
 * no names worth matching, so there the columns count by position.
 */
function featureColumns(saved: SavedModel, columns: string[], source: string): number[] {
  const names = saved.config.featureNames;
  if (names !== undefined && names.every((name) => columns.includes(name))) return names.map((name) => columns.indexOf(name));
  const label = saved.config.labelColumn;
  if (names !== undefined && label !== undefined) refuseColumns(columns.filter((column) => column !== label), names);
  const candidates = columns.map((_, i) => i).filter((i) => columns[i] !== label);
  if (candidates.length === saved.features) return candidates;
  const expected = names === undefined ? `${saved.features} feature columns` : `${saved.features} features (${names.join(", ")})`;
  return fail(`${source} has columns ${columns.join(", ")}; the model expects ${expected}`);
}

function readInput(input: string): { text: string; source: string } {
  if (input !== "-") return { text: input, source: input };
  const text = readFileSync(0, "utf8");
  // loadCsv takes text with a line break as the contents, not as a path.
  return { text: text.endsWith("\n") ? text : `${text}\n`, source: "stdin" };
}

function loadFeatures(saved: SavedModel, input: string): Tensor {
  const { text, source } = readInput(input);
  if (input === "-" && text.trim() === "") fail("stdin is empty: expected CSV with a header line");
  const { x, columns } = data.loadCsv(text, {});
  checkHeader(columns, source);
  if (x.shape[0] === 0) fail(`${source} has a header but no rows`);
  const picked = featureColumns(saved, columns, source);
  if (picked.length === columns.length && picked.every((c, i) => c === i)) return x;
  const rows = x.toArray() as number[][];
  return tensor(rows.map((row) => picked.map((c) => row[c]!)));
}

function csvField(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

async function run(flags: PredictFlags): Promise<void> {
  const saved = await loadSavedModel(flags.model);
  const x = loadFeatures(saved, flags.input);
  const { classes, probabilities } = noGrad(() => predictClasses(saved.objective, saved.model.call(saved.prepare(x))));
  const names = saved.classNames;
  if (flags.json || flags.format === "json") {
    const rows = classes.map((c, i) => ({ class: names[c], classIndex: c, probabilities: Object.fromEntries(names.map((name, k) => [name, probabilities[i]![k]])) }));
    process.stdout.write(JSON.stringify(rows, null, 2) + "\n");
    return;
  }
  const lines = [["class", ...names.map((name) => `p_${name}`)].map(csvField).join(",")];
  classes.forEach((c, i) => lines.push([csvField(names[c]!), ...probabilities[i]!.map((p) => String(Number(p.toPrecision(6))))].join(",")));
  process.stdout.write(lines.join("\n") + "\n");
}

export function predictCommand(): Command {
  return new Command("predict")
    .description("predict the class and class probabilities of each CSV row")
    .requiredOption("--model <dir>", "model directory (from nabla train)")
    .requiredOption("--input <file|->", "CSV file with a header, or - for standard input")
    .addOption(new Option("--format <format>", "output format").choices(["csv", "json"]).default("csv"))
    .option("--json", "same as --format json")
    .addHelpText("after", EXAMPLES)
    .action((flags: PredictFlags) => run(flags));
}
