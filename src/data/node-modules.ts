// Node's built-in modules, reached at call time through `process.getBuiltinModule` so that
// importing nabla in a browser never pulls in `node:fs` (only calling a file loader there fails,
// with a clear message). A line comment, not TSDoc: an `@internal` tag here would attach to the
// first import and stripInternal would drop it from the declarations.
import type * as fs from "node:fs";
import type * as zlib from "node:zlib";

interface BuiltinModules {
  fs: typeof fs;
  zlib: typeof zlib;
}

/** @internal Node's built-in module `name`, or an error naming `op` where there is none. */
export function nodeModule<K extends keyof BuiltinModules>(op: string, name: K): BuiltinModules[K] {
  const lookup = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof lookup !== "function") throw new Error(`${op}: reading files needs Node.js ≥ 20.16 (no node:${name} here); pass the contents instead`);
  return lookup(`node:${name}`) as BuiltinModules[K];
}

/** @internal Reads a whole file, turning Node's error into one that names the operation and path. */
export function readFileBytes(op: string, path: string): Uint8Array {
  try {
    return nodeModule(op, "fs").readFileSync(path);
  } catch (error) {
    throw new Error(`${op}: cannot read ${JSON.stringify(path)}: ${(error as Error).message}`);
  }
}
