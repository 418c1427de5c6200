/** `nabla eval`: loss, accuracy, per-class precision/recall and the confusion matrix of a saved model. */
import { resolve } from "node:path";
import { Command } from "commander";
import { noGrad } from "../../index.js";
import { classificationReport, type ClassificationReport } from "../classification-report.js";
import { BUILT_IN, loadData, type DataRequest, type LoadedData } from "../data-source.js";
import { predictClasses } from "../objective.js";
import { integerAtLeast } from "../option-parsers.js";
import { loadSavedModel, refuseColumns, type SavedModel } from "../saved-model.js";
import { textTable } from "../text-table.js";
import { fail } from "../user-error.js";
import { dataOptions, type DataFlags } from "./data-flags.js";

const EXAMPLES = `
Without --data, a model trained on built-in data is evaluated on fresh samples of the same
generator (the training seed + 1), so the numbers are not those of the training points.

Examples:
  $ nabla eval --model runs/<run>
  $ nabla eval --model runs/<run> --data moons --samples 2000 --noise 0.3 --seed 7
  $ nabla eval --model runs/iris --data iris-test.csv --label species --json`;

interface EvalFlags extends Partial<DataFlags> {
  model: string;
  seed?: number;
  json?: boolean;
}

/** The data to evaluate on: as asked, or fresh samples from the training generator. */
function evaluationData(saved: SavedModel, flags: EvalFlags): LoadedData {
  const training = saved.config.training ?? {};
  const recorded = typeof training.data === "string" ? training.data : undefined;
  if (flags.data === undefined && recorded !== undefined && !(BUILT_IN as readonly string[]).includes(recorded)) {
    // a model directory may come from a stranger: a path in its config.json is never read
    // unless the user names it
    fail(`give --data: ${saved.dir} was trained on a file (${JSON.stringify(recorded.slice(0, 200))}); eval reads a data file only when you name it with --data`);
  }
  const data = flags.data ?? recorded;
  if (data === undefined) fail(`give --data: ${saved.dir} does not record its training data`);
  const builtIn = (BUILT_IN as readonly string[]).includes(data);
  const same = flags.data === undefined;
  const pick = (flag: number | undefined, key: string): number | undefined => flag ?? (same && typeof training[key] === "number" ? (training[key] as number) : undefined);
  const request: DataRequest = { data, seed: flags.seed ?? (same && builtIn ? ((training.seed as number | undefined) ?? 0) + 1 : 0), split: "test" };
  const [samples, noise, classes] = [pick(flags.samples, "samples"), pick(flags.noise, "noise"), pick(flags.classes, "classes")];
  if (samples !== undefined) request.samples = samples;
  if (builtIn && noise !== undefined) request.noise = noise;
  if (builtIn && classes !== undefined) request.classes = classes;
  const label = flags.label ?? saved.config.labelColumn;
  if (label !== undefined) request.label = label;
  request.classNames = saved.classNames;
  return loadData(request);
}

function checkCompatible(saved: SavedModel, dataset: LoadedData): void {
  const features = dataset.inputShape.reduce((a, b) => a * b, 1);
  if (features !== saved.features) fail(`the data has ${features} features but ${saved.dir} expects ${saved.features}`);
  const expected = saved.config.featureNames;
  // CSV columns are matched by name; built-in data has no names worth matching.
  const fromCsv = dataset.labelColumn !== undefined;
  if (fromCsv && expected !== undefined && dataset.featureNames !== undefined && expected.join() !== dataset.featureNames.join()) {
    refuseColumns(dataset.featureNames, expected);
  }
  if (dataset.classNames.length > saved.classNames.length) fail(`the data has ${dataset.classNames.length} classes but the model predicts ${saved.classNames.length}`);
}

/** Samples per forward pass. */
const EVAL_BATCH = 1000;

export interface EvalResult extends ClassificationReport {
  loss: number;
}

export function evaluateSaved(saved: SavedModel, dataset: LoadedData): EvalResult {
  checkCompatible(saved, dataset);
  return noGrad(() => {
    // in batches: a CNN's activations on 10,000 images at once would not fit
    const n = dataset.x.shape[0]!;
    let lossSum = 0;
    const classes: number[] = [];
    for (let start = 0; start < n; start += EVAL_BATCH) {
      const size = Math.min(EVAL_BATCH, n - start);
      const outputs = saved.model.call(saved.prepare(dataset.x.narrow(0, start, size)));
      lossSum += saved.objective.lossOf(outputs, saved.objective.target(dataset.y.narrow(0, start, size))).item() * size;
      classes.push(...predictClasses(saved.objective, outputs).classes);
    }
    return { loss: lossSum / n, ...classificationReport(dataset.y.toTypedArray(), classes, saved.classNames) };
  });
}

/** Whether eval reads the very file the model was trained on (by path: nothing is opened to compare). */
function rescoresTrainingFile(saved: SavedModel, flags: EvalFlags, dataset: LoadedData): boolean {
  const recorded = saved.config.training?.data;
  if (dataset.testFiles === true) return false; // an IDX directory's t10k files, never trained on
  if (typeof recorded !== "string" || (BUILT_IN as readonly string[]).includes(recorded)) return false;
  return resolve(flags.data ?? recorded) === resolve(recorded);
}

function report(saved: SavedModel, dataset: LoadedData, result: EvalResult, trainingFile: boolean): string {
  const f = (v: number | null) => (v === null ? "—" : v.toFixed(4));
  const perClass = [["class", "precision", "recall", "support"], ...result.classes.map((c) => [c.name, f(c.precision), f(c.recall), String(c.support)])];
  const confusion = [["true \\ predicted", ...saved.classNames], ...result.confusion.map((row, t) => [saved.classNames[t]!, ...row.map(String)])];
  return [
    `model: ${saved.dir} (${saved.summary})`,
    `data:  ${dataset.description}`,
    ...(trainingFile ? ["note:  the file the model was trained on (its training and validation rows): not a held-out score; pass --data <held-out rows>.csv for one"] : []),
    "",
    `loss ${result.loss.toFixed(4)} · accuracy ${result.accuracy.toFixed(4)} (${result.correct}/${result.total})`,
    "",
    textTable(perClass),
    "",
    "confusion matrix (rows: true class, columns: predicted)",
    textTable(confusion),
    "",
  ].join("\n");
}

async function run(flags: EvalFlags): Promise<void> {
  const saved = await loadSavedModel(flags.model);
  const dataset = evaluationData(saved, flags);
  const result = evaluateSaved(saved, dataset);
  const trainingFile = rescoresTrainingFile(saved, flags, dataset);
  if (flags.json) process.stdout.write(JSON.stringify({ model: flags.model, data: dataset.record, trainingData: trainingFile, ...result }, null, 2) + "\n");
  else process.stdout.write(report(saved, dataset, result, trainingFile));
}

export function evalCommand(): Command {
  const command = new Command("eval").description("evaluate a saved model: loss, accuracy, per-class precision/recall, confusion matrix").requiredOption("--model <dir>", "model directory (from nabla train)");
  dataOptions(command);
  return command
    .option("--seed <n>", "seed of built-in data (default: the training seed + 1)", integerAtLeast("--seed", 0))
    .option("--json", "print the results as JSON")
    .addHelpText("after", EXAMPLES)
    .action((flags: EvalFlags) => run(flags));
}
