import { removeStaleTemporariesOf } from "./directory-swap.js";
import { nodeBuiltin } from "./node-builtin.js";

/**
 * Writes a file so that readers see either the old contents or the complete new ones, never a
 * half-written file: the bytes go to a temporary file in the same directory (same filesystem,
 * so the rename is atomic), which is flushed and then renamed over the target. Temporaries
 * that writers killed earlier left beside the file are removed (only those whose process is
 * gone).
 *
 * @example
 * ```ts
 * import { io } from "nabla";
 * await io.writeFileAtomic("/tmp/example.txt", new TextEncoder().encode("hello"));
 * ```
 */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const { open, rename, rm } = nodeBuiltin("writeFileAtomic", "node:fs/promises");
  const { randomBytes } = nodeBuiltin("writeFileAtomic", "node:crypto");
  const temporary = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const handle = await open(temporary, "wx");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    // what writers killed before their rename left beside this file
    await removeStaleTemporariesOf("writeFileAtomic", path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
