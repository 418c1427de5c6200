/**
 * Model directories: `config.json` (architecture, input shape, class names, normalisation,
 * training settings) beside `model.safetensors` (the weights, with PyTorch's dotted names).
 */
import type { Module } from "../nn/module.js";
import { Sequential } from "../nn/sequential.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { writeFileAtomic } from "./atomic-write.js";
import { parseJsonBounded } from "./bounded-json.js";
import { currentVersion, writeDirectoryAtomic } from "./directory-swap.js";
import { buildSequential, checkArchitecture, describeSequential } from "./layer-spec.js";
import { nodeBuiltin } from "./node-builtin.js";
import { checkModelConfig, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelConfig, type ModelConfigInput } from "./model-config.js";
import { decodeSafetensors, encodeSafetensors } from "./safetensors.js";

/** The name of a model directory's architecture and settings file. */
export const CONFIG_FILE = "config.json";
/** The name of a model directory's weights file. */
export const WEIGHTS_FILE = "model.safetensors";

/**
 * Throws, naming the layer and its size, when a layer of the config asks for a parameter or buffer
 * that model.safetensors does not hold with that shape (before anything is allocated: a 1 KB
 * config cannot ask for gigabytes).
 */
function checkImpliedSizes(config: ModelConfig, tensors: Record<string, Tensor>, configPath: string, weightsPath: string): void {
  const { state, labels } = checkArchitecture(config.architecture, config.inputShape);
  state.forEach((entries, index) => {
    for (const [field, shape] of Object.entries(entries)) {
      const key = `${index}.${field}`;
      const held = Object.hasOwn(tensors, key) ? tensors[key]! : undefined;
      if (held !== undefined && shapesEqual(held.shape, shape)) continue;
      const found = held === undefined ? `missing ${key}` : `size mismatch for ${key}: the file holds ${formatShape(held.shape)}`;
      const count = shape.reduce((a, b) => a * b, 1).toLocaleString("en-US");
      throw new Error(`io.load: ${weightsPath} does not fit the architecture in ${CONFIG_FILE}: ${found}, but layer ${index} of ${configPath} is ${labels[index]} with ${count} ${field === "weight" ? "weights" : `values in ${field} ${formatShape(shape)}`}`);
    }
  });
}

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
 * Saves `model` to `dir` (created if needed) as `config.json` + `model.safetensors`, switched
 * in together: a reader, or a process killed mid-save, sees the previous model or this one,
 * never a mix (the files are links into `dir/.versions/`; see directory-swap.ts). The architecture is read from the model when it is an `nn.Sequential`
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
  const first = architecture[0];
  const inputShape = config.inputShape ?? (first?.type === "linear" ? [first.inFeatures] : null);
  if (inputShape === null) throw new Error(`io.save: pass config.inputShape (the shape of one input sample)`);
  const full = checkModelConfig({ ...config, format: MODEL_FORMAT, version: MODEL_FORMAT_VERSION, architecture, inputShape }, "io.save: config");
  checkMatchesArchitecture(model, full);
  const { join } = nodeBuiltin("io.save", "node:path");
  const weights = encodeSafetensors(model.stateDict(), { metadata: { format: "pt" } });
  const configText = JSON.stringify(full, null, 2) + "\n";
  // Both files switch together (see directory-swap.ts): a reader or a killed save sees the
  // previous model or this one, never a mix.
  if (await writeDirectoryAtomic("io.save", dir, { [WEIGHTS_FILE]: weights, [CONFIG_FILE]: configText })) return full;
  // No symbolic links here (Windows without the privilege): each file atomically, weights first,
  // since config.json is what marks a directory as a model.
  await writeFileAtomic(join(dir, WEIGHTS_FILE), weights);
  await writeFileAtomic(join(dir, CONFIG_FILE), configText);
  return full;
}

/** A config.json larger than this is not one nabla wrote (they are a few KB): not read. */
const MAX_CONFIG_BYTES = 16 * 1024 * 1024;

async function readOrExplain(path: string, display: string, dir: string, what: string, maxBytes = Infinity): Promise<Uint8Array> {
  const { readFile, realpath, stat } = nodeBuiltin("io.load", "node:fs/promises");
  const { sep } = nodeBuiltin("io.load", "node:path");
  try {
    // A model directory may come from a stranger: a link in it must not make us read (and
    // report on) a file elsewhere on this machine.
    const [real, root] = await Promise.all([realpath(path), realpath(dir)]);
    if (!real.startsWith(root + sep)) throw new Error(`io.load: ${display} is a link to a file outside the model directory ${dir}; refusing to read it`);
    const size = (await stat(real)).size;
    if (size > maxBytes) throw new Error(`io.load: ${display} is ${size} bytes; a model's ${what} is at most ${maxBytes} (not a nabla model directory?)`);
    return await readFile(real);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === undefined) throw error;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw new Error(`io.load: cannot read ${display}: ${(error as Error).message}`);
    const exists = await stat(dir).then((s) => s.isDirectory(), () => null);
    if (exists === null) throw new Error(`io.load: model directory ${dir} does not exist`);
    if (exists === false) throw new Error(`io.load: ${dir} is a file, not a model directory`);
    throw new Error(`io.load: ${dir} is not a nabla model directory (${what} not found)`);
  }
}

/**
 * The bytes of config.json and model.safetensors, both from the same version: `.current` is
 * resolved once (a save switching it between the two reads cannot mix them); a version removed
 * by a save finishing meanwhile is resolved again.
 */
async function readModelFiles<C>(dir: string, parseConfig: (bytes: Uint8Array) => C): Promise<{ config: C; weights: Uint8Array }> {
  const { join } = nodeBuiltin("io.load", "node:path");
  for (let attempt = 0; ; attempt++) {
    const version = await currentVersion("io.load", dir);
    const base = version === null ? dir : join(dir, version);
    try {
      const config = parseConfig(await readOrExplain(join(base, CONFIG_FILE), join(dir, CONFIG_FILE), dir, CONFIG_FILE, MAX_CONFIG_BYTES));
      const weights = await readOrExplain(join(base, WEIGHTS_FILE), join(dir, WEIGHTS_FILE), dir, WEIGHTS_FILE);
      return { config, weights };
    } catch (error) {
      if (version === null || attempt >= 2 || (await currentVersion("io.load", dir)) === version) throw error;
    }
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
  const files = await readModelFiles(dir, (bytes) => checkModelConfig(parseJsonBounded(new TextDecoder().decode(bytes), `io.load: ${configPath}`), `io.load: ${configPath}`));
  const config = files.config;
  const weightsPath = join(dir, WEIGHTS_FILE);
  const { tensors } = decodeSafetensors(files.weights, { source: `io.load: ${weightsPath}` });
  // before building (which allocates every parameter): the sizes the config implies must be the
  // ones in the weights file, so a 1 KB config cannot ask for gigabytes
  checkImpliedSizes(config, tensors, configPath, weightsPath);
  let model: Sequential;
  try {
    model = buildSequential(config.architecture);
  } catch (error) {
    throw new Error(`io.load: ${configPath}: ${(error as Error).message}`);
  }
  const dtype = Object.values(tensors).find((t) => t.isFloatingPoint)?.dtype;
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
