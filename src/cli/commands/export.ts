/** `nabla export`: a model directory as an ONNX file, to serve with onnxruntime and friends. */
import { Command, Option } from "commander";
import { io, nn, noGrad, tensor } from "../../index.js";
import { integerAtLeast } from "../option-parsers.js";
import { fail } from "../user-error.js";

const EXAMPLES = `
The ONNX model takes the raw features: a standardisation recorded in config.json is folded into
the first Linear layer. It outputs what the network outputs (logits for a classifier trained with
cross-entropy: apply softmax for probabilities).

Examples:
  $ nabla export --model runs/<run> --format onnx --out model.onnx
  $ nabla export --model runs/<run> --out model.onnx --batch-size 1 --input-name features`;

interface ExportFlags {
  model: string;
  format: "onnx";
  out: string;
  opset: number;
  batchSize?: number;
  inputName: string;
  outputName: string;
}

/**
 * The model with (x − mean) / std folded into its first Linear layer: W' = W / std and
 * b' = b − W'·mean, so the exported graph reads the raw features as the CLI does.
 */
function foldStandardization(model: nn.Sequential, normalization: io.Normalization, dir: string): nn.Sequential {
  const layers = model.children() as nn.TensorModule[];
  const first = layers[0];
  if (!(first instanceof nn.Linear) || first.inFeatures !== normalization.mean.length) {
    return fail(`${dir}: the standardisation in config.json can only be folded into a first Linear layer of ${normalization.mean.length} inputs, but the first layer is ${first?.toString() ?? "missing"}`);
  }
  const folded = new nn.Linear(first.inFeatures, first.outFeatures).to(first.weight.dtype);
  noGrad(() => {
    const dtype = first.weight.dtype;
    const weight = first.weight.div(tensor(normalization.std, { dtype }));
    const shift = weight.matmul(tensor(normalization.mean, { dtype }));
    folded.weight.copy_(weight);
    folded.bias!.copy_(first.bias === null ? shift.neg() : first.bias.sub(shift));
  });
  return new nn.Sequential(folded, ...layers.slice(1));
}

async function run(flags: ExportFlags): Promise<void> {
  const { model, config } = await io.load(flags.model);
  const ready = config.normalization === undefined ? model : foldStandardization(model, config.normalization, flags.model);
  const dtype = model.parameters()[0]?.dtype ?? "float32";
  const size = await io.saveOnnx(ready, flags.out, {
    inputShape: config.inputShape,
    opset: flags.opset,
    dynamicBatch: flags.batchSize === undefined,
    batchSize: flags.batchSize,
    inputNames: [flags.inputName],
    outputNames: [flags.outputName],
  });
  const batch = flags.batchSize === undefined ? "batch" : String(flags.batchSize);
  const lines = [
    `wrote ${flags.out} (${size} bytes): ONNX opset ${flags.opset}, input "${flags.inputName}" [${[batch, ...config.inputShape].join(", ")}] ${dtype}, output "${flags.outputName}"`,
  ];
  if (config.normalization !== undefined) lines.push("the standardisation from config.json is folded into the first layer: feed raw features");
  process.stdout.write(lines.join("\n") + "\n");
}

export function exportCommand(): Command {
  return new Command("export")
    .description("write a model directory as an ONNX file (for onnxruntime, PyTorch, …)")
    .requiredOption("--model <dir>", "model directory (from nabla train)")
    .addOption(new Option("--format <format>", "file format").choices(["onnx"]).default("onnx"))
    .requiredOption("--out <file>", "the file to write")
    .addOption(new Option("--opset <n>", "ONNX opset (17 to 21)").argParser(integerAtLeast("--opset", 17)).default(17))
    .addOption(new Option("--batch-size <n>", "fix the batch size (default: dynamic)").argParser(integerAtLeast("--batch-size", 1)))
    .option("--input-name <name>", "the graph's input name", "input")
    .option("--output-name <name>", "the graph's output name", "output")
    .addHelpText("after", EXAMPLES)
    .action((flags: ExportFlags) => run(flags));
}
