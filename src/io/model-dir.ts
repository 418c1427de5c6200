/**
 * Model directories: `config.json` (architecture, input shape, class names, normalisation,
 * training settings) beside `model.safetensors` (the weights, with PyTorch's dotted names).
 */
import type { Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { writeFileAtomic } from "./atomic-write.js";
import { buildSequential, describeSequential } from "./layer-spec.js";
import { nodeBuiltin } from "./node-builtin.js";
import { checkModelConfig, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelConfig, type ModelConfigInput } from "./model-config.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";

/** The name of a model directory's architecture and settings file. */
export const CONFIG_FILE = "config.json";
/** The name of a model directory's weights file. */
export const WEIGHTS_FILE = "model.safetensors";

/** Throws unless `model` has exactly the parameter names and shapes `architecture` builds. */
function checkMatchesArchitecture(model: Module<[Tensor], Tensor>, config: ModelConfig): void {
  const expected = buildSequential(config.architecture).stateDict();
  const actual = model.stateDict();
  const problems: string[] = [];
  for (const [name, t] of Object.entries(expected)) {
    if (!(name in actual)) problems.push(`missing ${name} ${formatShape(t.shape)}`);
    else if (!shapesEqual(actual[name]!.shape, t.shape)) problems.push(`${name} is ${formatShape(actual[name]!.shape)}, the architecture says ${formatShape(t.shape)}`);
  }
  for (const name of Object.keys(actual)) if (!(name in expected)) problems.push(`unexpected ${name}`);
  if (problems.length > 0) throw new Error(`io.save: the model's parameters do not match config.architecture: ${problems.join("; ")}`);
}

/**
 * Saves `model` to `dir` (created if needed) as `config.json` + `model.safetensors`, each
 * written atomically. The architecture is read from the model when it is an `nn.Sequential`
 * of supported layers; otherwise pass `config.architecture`. Returns the config written.
 *
 * @example
 * ```ts
 * import { nn, io } from "nabla";
 * const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * await io.save(model, "/tmp/moons-model", { classNames: ["upper", "lower"] });
 * const { model: again, config } = await io.load("/tmp/moons-model");
 * console.log(config.inputShape); // [2]
 * ```
 */
export async function save(model: Module<[Tensor], Tensor>, dir: string, config: ModelConfigInput = {}): Promise<ModelConfig> {
  const architecture = config.architecture ?? (model instanceof Sequential ? describeSequential(model) : null);
  if (architecture === null) throw new Error(`io.save: cannot describe a ${model.constructor.name}; pass config.architecture (a list of layers), or save a nn.Sequential`);
  const first = architecture.find((layer) => layer.type === "linear");
  const inputShape = config.inputShape ?? (first?.type === "linear" ? [first.inFeatures] : null);
  if (inputShape === null) throw new Error(`io.save: pass config.inputShape (the shape of one input sample)`);
  const full = checkModelConfig({ ...config, format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, architecture, inputShape }, "io.save: config");
  checkMatchesArchitecture(model, full);
  const { mkdir } = nodeBuiltin("io.save", "node:fs/promises");
  const { join } = nodeBuiltin("io.save", "node:path");
  await mkdir(dir, { recursive: true });
  // Weights first: config.json is what marks a directory as a model, so it is written last.
  await writeFileAtomic(join(dir, WEIGHTS_FILE), encodeSafetensors(model.stateDict(), { metadata: { format: "pt" } }));
  await writeFileAtomic(join(dir, CONFIG_FILE), JSON.stringify(full, null, 2) + "\n");
  return full;
}

async function readOrExplain(path: string, dir: string, what: string): Promise<Uint8Array> {
  const { readFile, stat } = nodeBuiltin("io.load", "node:fs/promises");
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw new Error(`io.load: cannot read ${path}: ${(error as Error).message}`);
    const exists = await stat(dir).then((s) => s.isDirectory(), () => null);
    if (exists === null) throw new Error(`io.load: model directory ${dir} does not exist`);
    if (exists === false) throw new Error(`io.load: ${dir} is a file, not a model directory`);
    throw new Error(`io.load: ${dir} is not a nabla model directory (${what} not found)`);
  }
}

/**
 * Loads a model directory written by {@link save}: rebuilds the `nn.Sequential` from
 * `config.json` and loads `model.safetensors` into it (in eval mode). A missing file, invalid
 * config or weights that do not fit the architecture is an error naming the file.
 *
 * @example
 * ```ts
 * import { io, tensor } from "nabla";
 * const { model, config } = await io.load("/tmp/moons-model");
 * console.log(model.call(tensor([[0.5, 0.2]])).shape, config.classNames); // [1, 2] ["upper", "lower"]
 * ```
 */
export async function load(dir: string): Promise<{ model: Sequential; config: ModelConfig }> {
  const { join } = nodeBuiltin("io.load", "node:path");
  const configPath = join(dir, CONFIG_FILE);
  const configText = new TextDecoder().decode(await readOrExplain(configPath, dir, CONFIG_FILE));
  let parsed: unknown;
  try {
    parsed = JSON.parse(configText);
  } catch (error) {
    throw new Error(`io.load: ${configPath} is not valid JSON (${(error as Error).message})`);
  }
  const config = checkModelConfig(parsed, `io.load: ${configPath}`);
  const weightsPath = join(dir, WEIGHTS_FILE);
  const { tensors } = decodeSafetensors(await readOrExplain(weightsPath, dir, WEIGHTS_FILE), { source: `io.load: ${weightsPath}` });
  let model: Sequential;
  try {
    model = buildSequential(config.architecture);
  } catch (error) {
    throw new Error(`io.load: ${configPath}: ${(error as Error).message}`);
  }
  const dtype = Object.values(tensors)[0]?.dtype;
  if (dtype !== undefined) model.to(dtype);
  try {
    model.loadStateDict(tensors);
  } catch (error) {
    // One line: the reasons loadStateDict lists one per line become a "; "-separated list.
    const reasons = (error as Error).message.replace(/:\n\s*/, ": ").replace(/\n\s*/g, "; ");
    throw new Error(`io.load: ${weightsPath} does not fit the architecture in ${CONFIG_FILE}: ${reasons}`);
  }
  return { model: model.eval(), config };
}
