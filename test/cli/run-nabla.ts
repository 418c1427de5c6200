/** Runs the real `nabla` entry point (src/cli/main.ts through tsx) as a child process. */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const ENTRY = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
// Resolved here, so the child finds tsx whatever its working directory.
const TSX = import.meta.resolve("tsx");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function nabla(args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--import", TSX, ENTRY, ...args],
      { cwd: options.cwd ?? REPO, env: { ...process.env, NABLA_DEBUG: "" }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr }),
    );
    child.stdin!.end(options.input ?? "");
  });
}
