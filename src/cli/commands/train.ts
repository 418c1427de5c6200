/** `nabla train`: data → MLP → model directory with metrics and pictures. */
import { join } from "node:path";
import { Command, Option } from "commander";
import { io, tensor, viz, type Tensor } from "../../index.js";
import { loadData, type LoadedData } from "../data-source.js";
import { LOSSES } from "../objective.js";
import { fraction, integerAtLeast, nonNegativeNumber, oneOf, positiveNumber, sizeList } from "../option-parsers.js";
import { createProgress } from "../progress.js";
import { defaultRunDir, writeJson, writePicture } from "../run-files.js";
import { textTable } from "../text-table.js";
import { OPTIMIZERS, PRESETS, trainModel, type TrainResult, type TrainSettings } from "../train-run.js";
import { fail } from "../user-error.js";
import { dataOptions, type DataFlags } from "./data-flags.js";

interface TrainFlags extends DataFlags, Omit<TrainSettings, "standardize"> {
  standardize: boolean;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

const EXAMPLES = `
Examples:
  $ nabla train                                   # two moons, 2-16-16-2 ReLU MLP, Adam — a few seconds
  $ nabla train --data spiral --classes 3 --hidden 64,64 --epochs 200
  $ nabla train --data circles --layers 2-8-2 --activation tanh --optimizer sgd --lr 0.1 --momentum 0.9
  $ nabla train --data iris.csv --label species --val-split 0.3 --out runs/iris
  $ nabla train --data /usr/share/datasets/fashion-mnist --samples 5000 --hidden 128 --epochs 5
  $ nabla train --data fashion-mnist:/usr/share/datasets/fashion-mnist --model cnn   # W5's CNN, 2 epochs
  $ nabla train --json > summary.json`;

function preprocessWith(normalization: io.Normalization | undefined): ((x: Tensor) => Tensor) | undefined {
  if (normalization === undefined) return undefined;
  const mean = tensor(normalization.mean);
  const std = tensor(normalization.std);
  return (x) => x.sub(mean).div(std);
}

async function writeRun(out: string, dataset: LoadedData, flags: TrainFlags, result: TrainResult): Promise<{ files: string[]; boundary: string | null; curves: string }> {
  const config: io.ModelConfigInput = {
    inputShape: result.inputShape,
    classNames: dataset.classNames,
    training: {
      ...dataset.record, model: flags.model, loss: flags.loss, optimizer: result.optimizer, epochs: flags.epochs, batchSize: flags.batchSize, valSplit: flags.valSplit, seed: flags.seed,
      ...(flags.model === "mlp" ? { activation: flags.activation, dropout: flags.dropout, layers: result.sizes.join("-") } : {}),
    },
  };
  if (dataset.featureNames !== undefined) config.featureNames = dataset.featureNames;
  if (dataset.labelColumn !== undefined) config.labelColumn = dataset.labelColumn;
  if (result.normalization !== undefined) config.normalization = result.normalization;
  await io.save(result.model, out, config);
  const files = [join(out, io.CONFIG_FILE), join(out, io.WEIGHTS_FILE)];
  const metrics = { history: result.history, final: { train: result.train, validation: result.validation ?? null }, seconds: result.seconds, parameters: result.parameters };
  await writeJson(join(out, "metrics.json"), metrics);
  files.push(join(out, "metrics.json"));
  const curves = await writePicture(out, "curves", viz.lossCurve(result.history, { title: `${dataset.description.split(" (")[0]} — ${result.summary}` }));
  files.push(...curves);
  let boundary: string | null = null;
  if (dataset.inputShape.length === 1 && dataset.inputShape[0] === 2) {
    const preprocess = preprocessWith(result.normalization);
    const [set, metrics] = result.validation === undefined ? ["training", result.train] : ["validation", result.validation];
    const options: viz.DecisionBoundaryOptions = { title: `decision boundary — ${set} accuracy ${(100 * metrics.accuracy).toFixed(1)}%`, classNames: dataset.classNames };
    if (preprocess !== undefined) options.preprocess = preprocess;
    if (dataset.featureNames?.length === 2) options.axisLabels = [dataset.featureNames[0]!, dataset.featureNames[1]!];
    const pictures = await writePicture(out, "decision-boundary", viz.decisionBoundary(result.model, dataset, options));
    files.push(...pictures);
    boundary = pictures[1]!;
  }
  return { files, boundary, curves: curves[1]! };
}

function summary(result: TrainResult, flags: TrainFlags): string {
  const f4 = (v: number) => v.toFixed(4);
  const rows = [["", "loss", "accuracy"], ["training", f4(result.train.loss), f4(result.train.accuracy)]];
  if (result.validation !== undefined) rows.push(["validation", f4(result.validation.loss), f4(result.validation.accuracy)]);
  return [
    textTable(rows),
    `  ${flags.epochs} epochs in ${result.seconds.toFixed(1)} s · ${result.parameters} parameters · ${result.summary} · ${result.optimizer.name} lr ${result.optimizer.lr}`,
  ].join("\n");
}

/** The CNN preset's own defaults, and the MLP options it refuses. */
function presetFlags(flags: TrainFlags, command: Command): TrainFlags {
  if (flags.model === "mlp") return flags;
  const given = (name: string) => command.getOptionValueSource(name) === "cli";
  const mlpOnly = [["layers", "--layers"], ["hidden", "--hidden"], ["activation", "--activation"], ["dropout", "--dropout"]].find(([name]) => given(name!));
  if (mlpOnly !== undefined) fail(`${mlpOnly[1]} applies to --model mlp; --model cnn is W5's fixed network (conv 16, conv 32, hidden 128)`);
  return { ...flags, epochs: given("epochs") ? flags.epochs : 2, batchSize: given("batchSize") ? flags.batchSize : 64 };
}

async function run(rawFlags: TrainFlags, command: Command): Promise<void> {
  const flags = presetFlags(rawFlags, command);
  const dataset = loadData({ ...flags, split: "train" });
  const quiet = flags.json === true || flags.quiet === true;
  if (!quiet) process.stderr.write(`data: ${dataset.description}\n`);
  const result = trainModel(dataset, { ...flags, standardize: flags.standardize && dataset.standardize }, (batches) => createProgress(flags.epochs, batches, { quiet }));
  const out = flags.out ?? defaultRunDir();
  const written = await writeRun(out, dataset, flags, result);
  if (flags.json) {
    const report = { out, data: dataset.record, train: result.train, validation: result.validation ?? null, seconds: result.seconds, parameters: result.parameters, files: written.files };
    process.stdout.write(JSON.stringify(report, null, 2) + "\n");
    return;
  }
  process.stdout.write(`\n${summary(result, flags)}\n\nmodel saved to ${out}/ (config.json, model.safetensors, metrics.json)\n`);
  process.stdout.write(`pictures: ${written.curves}${written.boundary === null ? "" : `, ${written.boundary}`} (SVG beside each)\n`);
  process.stdout.write(`${nextHint(out, dataset)}\n`);
}

/** What to run next, on the kind of data the model was trained on. */
export function nextHint(out: string, dataset: LoadedData): string {
  const source = String(dataset.record.data);
  const graph = `nabla graph --model ${out}`;
  if (dataset.labelColumn !== undefined) {
    // a CSV: predict reads the same columns; eval wants rows the model has not seen
    return `next: nabla eval --model ${out} --data <held-out rows>.csv · nabla predict --model ${out} --input ${source} · ${graph}`;
  }
  if (dataset.featureNames === undefined) {
    // IDX images: eval takes the directory (its t10k test files); predict reads CSV rows only
    return `next: nabla eval --model ${out} --data ${source} · ${graph}`;
  }
  return `next: nabla eval --model ${out} · nabla predict --model ${out} --input points.csv (columns ${dataset.featureNames.join(",")}) · ${graph}`;
}

export function trainCommand(): Command {
  const command = new Command("train")
    .description("train a multilayer perceptron or a CNN and save it with its metrics and pictures")
    .addOption(new Option("--model <preset>", "mlp (a multilayer perceptron) or cnn (W5's convolutional net, for images)").argParser(oneOf("--model", PRESETS)).default("mlp"))
    .addOption(new Option("--layers <sizes>", "all layer sizes, input to output, e.g. 2-16-16-2").argParser(sizeList("--layers", "-")).conflicts("hidden"))
    .addOption(new Option("--hidden <sizes>", "hidden layer sizes, e.g. 16,16 (input and output sizes come from the data)").argParser(sizeList("--hidden", ",")).default([16, 16], "16,16"))
    .addOption(new Option("--activation <name>", "activation between layers").choices(io.ACTIVATIONS).default("relu"))
    .addOption(new Option("--dropout <p>", "dropout probability after each hidden activation").argParser(fraction("--dropout")).default(0))
    .addOption(new Option("--loss <name>", "cross-entropy (K outputs), bce (binary, 1 output) or mse (one-hot targets)").argParser(oneOf("--loss", LOSSES)).default("cross-entropy"))
    .addOption(new Option("--optimizer <name>", "sgd | adam | adamw | rmsprop").argParser(oneOf("--optimizer", OPTIMIZERS)).default("adam"))
    .addOption(new Option("--lr <rate>", "learning rate (default 0.1 for sgd, 0.01 otherwise)").argParser(positiveNumber("--lr")))
    .addOption(new Option("--momentum <m>", "momentum for sgd (default 0.9) and rmsprop (default 0)").argParser(nonNegativeNumber("--momentum")))
    .addOption(new Option("--weight-decay <w>", "L2 penalty (decoupled for adamw, default 0.01 there, 0 otherwise)").argParser(nonNegativeNumber("--weight-decay")))
    .addOption(new Option("--epochs <n>", "passes over the training data (2 with --model cnn)").argParser(integerAtLeast("--epochs", 1)).default(50))
    .addOption(new Option("--batch-size <n>", "samples per gradient step (64 with --model cnn)").argParser(integerAtLeast("--batch-size", 1)).default(32))
    .addOption(new Option("--val-split <fraction>", "share of the data held out for validation").argParser(fraction("--val-split")).default(0.2))
    .addOption(new Option("--seed <n>", "seed for data, initial weights, shuffling and dropout").argParser(integerAtLeast("--seed", 0)).default(0))
    .option("--no-standardize", "feed the raw features (default: standardise with the training set's mean and std, except IDX images)")
    .option("--no-compile", "run every training step eagerly (default: trace the step once with compile() and replay it)")
    .option("--out <dir>", "run directory (default runs/<date>_<time>)")
    .option("--json", "print the summary as JSON (no progress output)")
    .option("-q, --quiet", "no progress output");
  dataOptions(command, "moons");
  return command.addHelpText("after", EXAMPLES).action((flags: TrainFlags, command: Command) => run(flags, command));
}
