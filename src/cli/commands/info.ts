/** `nabla info`: what a model directory holds. */
import { statSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { io } from "../../index.js";
import { loadSavedModel } from "../saved-model.js";

const EXAMPLES = `
Examples:
  $ nabla info --model runs/<run>
  $ nabla info --model runs/<run> --json | jq .training`;

function describeValue(value: unknown): string {
  if (typeof value === "object" && value !== null) return Object.entries(value).map(([k, v]) => `${k} ${String(v)}`).join(", ");
  return String(value);
}

async function run(flags: { model: string; json?: boolean }): Promise<void> {
  const saved = await loadSavedModel(flags.model);
  const { config, model } = saved;
  const parameters = model.parameters().reduce((total, p) => total + p.size, 0);
  const weightsBytes = statSync(join(flags.model, io.WEIGHTS_FILE)).size;
  if (flags.json) {
    process.stdout.write(JSON.stringify({ model: flags.model, parameters, weightsBytes, dtype: model.parameters()[0]?.dtype ?? null, config }, null, 2) + "\n");
    return;
  }
  const lines = [
    `model:        ${flags.model}`,
    `architecture: ${saved.summary} (${parameters} parameters, ${model.parameters()[0]?.dtype ?? "no weights"}, ${weightsBytes} bytes of weights)`,
    ...model.toString().split("\n").map((line) => `  ${line}`),
    `input shape:  [${config.inputShape.join(", ")}]${config.featureNames === undefined ? "" : ` (${config.featureNames.join(", ")})`}`,
    `classes:      ${saved.classNames.join(", ")}`,
  ];
  if (config.labelColumn !== undefined) lines.push(`label column: ${config.labelColumn}`);
  if (config.normalization !== undefined) {
    const fmt = (values: number[]) => values.length > 6 ? `${values.length} values` : values.map((v) => v.toPrecision(4)).join(", ");
    lines.push(`standardised: mean [${fmt(config.normalization.mean)}], std [${fmt(config.normalization.std)}]`);
  }
  if (config.training !== undefined) {
    lines.push("training:");
    for (const [key, value] of Object.entries(config.training)) lines.push(`  ${key.padEnd(11)} ${describeValue(value)}`);
  }
  process.stdout.write(lines.join("\n") + "\n");
}

export function infoCommand(): Command {
  return new Command("info")
    .description("show a model directory's architecture, parameter count and training settings")
    .requiredOption("--model <dir>", "model directory (from nabla train)")
    .option("--json", "print as JSON")
    .addHelpText("after", EXAMPLES)
    .action((flags: { model: string; json?: boolean }) => run(flags));
}
