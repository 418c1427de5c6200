// Node's built-in modules, fetched when a file function runs (`process.getBuiltinModule`), so a
// browser bundle of nabla never references `node:fs`: only calling a file function there fails,
// with a message saying so.
import type * as crypto from "node:crypto";
import type * as fs from "node:fs/promises";
import type * as nodeModule from "node:module";
import type * as path from "node:path";

interface Builtins {
  "node:crypto": typeof crypto;
  "node:fs/promises": typeof fs;
  "node:module": typeof nodeModule;
  "node:path": typeof path;
}

export function nodeBuiltin<K extends keyof Builtins>(op: string, id: K): Builtins[K] {
  const lookup = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof lookup !== "function") throw new Error(`${op}: needs Node.js ≥ 20.16 (${id} is not available here)`);
  return lookup(id) as Builtins[K];
}
