/** ONNX files in Node: {@link exportOnnx} and {@link importOnnx} with an atomic write and a checked read. */
import type { Module } from "../../nn/module.js";
import type { Tensor } from "../../tensor/tensor.js";
import { writeFileAtomic } from "../atomic-write.js";
import { nodeBuiltin } from "../node-builtin.js";
import { exportOnnx, type OnnxExportOptions } from "./export-onnx.js";
import { importOnnx, type ImportedOnnx } from "./import-onnx.js";

/**
 * Exports `model` as ONNX ({@link exportOnnx}) and writes the file atomically (temp file +
 * rename): readers see the old file or the whole new one. Returns the number of bytes written.
 *
 * @example
 * ```ts
 * import { nn, io } from "nabla";
 * const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * const size = await io.saveOnnx(model, "/tmp/moons.onnx");
 * console.log(size > 0); // true
 * ```
 */
export async function saveOnnx(model: Module<[Tensor], Tensor>, path: string, options: OnnxExportOptions = {}): Promise<number> {
  const bytes = exportOnnx(model, options);
  await writeFileAtomic(path, bytes);
  return bytes.length;
}

/**
 * Reads an `.onnx` file and builds the nabla model ({@link importOnnx}); errors name the path.
 *
 * @example
 * ```ts
 * import { io } from "nabla";
 * const { model, inputShape } = await io.loadOnnx("/tmp/moons.onnx");
 * console.log(inputShape, model.length); // [2] 3
 * ```
 */
export async function loadOnnx(path: string): Promise<ImportedOnnx> {
  const { readFile } = nodeBuiltin("loadOnnx", "node:fs/promises");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`loadOnnx: cannot read ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  try {
    return importOnnx(bytes);
  } catch (error) {
    throw new Error(`loadOnnx: ${path}: ${(error as Error).message.replace(/^importOnnx: /, "")}`);
  }
}
