/** Reading and writing safetensors files in Node (the codec itself is in `safetensors.ts`). */
import type { Tensor } from "../tensor/tensor.js";
import { writeFileAtomic } from "./atomic-write.js";
import { nodeBuiltin } from "./node-builtin.js";
import { decodeSafetensors, encodeSafetensors, type SafetensorsContents } from "./safetensors.js";

/**
 * Writes named tensors to a safetensors file atomically (temp file + rename).
 *
 * @example
 * ```ts
 * import { nn, io } from "nabla";
 * const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 2));
 * await io.saveSafetensors("/tmp/model.safetensors", model.stateDict(), { format: "pt" });
 * ```
 */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata: Record<string, string> = {}): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, { metadata }));
}

/**
 * Reads a safetensors file; a missing, truncated or corrupted file is an error naming the path.
 *
 * @example
 * ```ts
 * import { io } from "nabla";
 * const { tensors } = await io.loadSafetensors("/tmp/model.safetensors");
 * console.log(Object.keys(tensors)); // ["0.bias", "0.weight", "2.bias", "2.weight"]
 * ```
 */
export async function loadSafetensors(path: string): Promise<SafetensorsContents> {
  const { readFile } = nodeBuiltin("loadSafetensors", "node:fs/promises");
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new Error(`loadSafetensors: cannot read ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
  return decodeSafetensors(bytes, { source: path });
}
