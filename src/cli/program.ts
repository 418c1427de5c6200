/** The `nabla` command tree. */
import { Command, Option } from "commander";
import { setBackend, type BackendName } from "../index.js";
import { evalCommand } from "./commands/eval.js";
import { exportCommand } from "./commands/export.js";
import { graphCommand } from "./commands/graph.js";
import { infoCommand } from "./commands/info.js";
import { predictCommand } from "./commands/predict.js";
import { trainCommand } from "./commands/train.js";

const EXAMPLES = `
Examples:
  $ nabla train                                    # two moons in a few seconds; prints where the pictures are
  $ nabla eval --model runs/<run> --data moons --samples 1000 --seed 7
  $ nabla predict --model runs/<run> --input points.csv
  $ nabla graph "(x + y) * z" --x -2 --y 5 --z -4  # the lecture's example: f = -12, gradients -4, -4, 3
  $ nabla info --model runs/<run>
  $ nabla export --model runs/<run> --format onnx --out model.onnx

Set NABLA_DEBUG=1 to see stack traces.`;

export function createProgram(): Command {
  const program = new Command("nabla")
    .description("deep learning from first principles: train, evaluate, predict and draw")
    .version("0.1.0")
    .showSuggestionAfterError(true)
    .addOption(new Option("--backend <name>", "compute backend (default: wasm where WebAssembly SIMD runs, else js)").choices(["wasm", "js"]))
    .hook("preAction", (command) => {
      const backend = command.opts<{ backend?: BackendName }>().backend;
      if (backend !== undefined) setBackend(backend);
    })
    .addHelpText("after", EXAMPLES);
  for (const command of [trainCommand(), evalCommand(), predictCommand(), graphCommand(), infoCommand(), exportCommand()]) program.addCommand(command);
  return program;
}
