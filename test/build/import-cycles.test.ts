// Guards the one import cycle the engine has on purpose: Tensor's methods delegate to the op
// modules (tensor/tensor.ts → ops/*), and the op modules construct and test for Tensor (ops/* →
// tensor/tensor.ts). ES modules allow that cycle as long as no module uses an import while the
// modules load; every further cycle is one more load order that can break with a TDZ error.
// The graph is read as the compiled JavaScript sees it: imports used only as types are gone.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { backendUnderTest } from "../helpers.js";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));
const skip = backendUnderTest !== "js" && "backend-independent: tested in the js pass";

/** Cycles that do not go through Tensor's methods, as they are today; this list must not grow. */
const PINNED_OTHER_CYCLES = [
  // movement's sumTo (expand's backward) sums; reduce's backward expands and reshapes (max and
  // its tie-sharing backward moved to min-max.ts, taking binary.ts out of this cycle)
  ["ops/movement.ts", "ops/reduce.ts"],
];
/** Modules in the tensor/ops cycle besides ops/*, as they are today; this list must not grow. */
// tensor-activations.ts, tensor-checks.ts, tensor-math.ts, tensor-reductions.ts, tensor-views.ts
// and tensor-data.ts are the base classes holding Tensor's activation, NaN-check, element-wise,
// reduction, view and reading methods: they delegate to ops/* as tensor.ts does (tensor-data.ts
// reads through the backend and is in the cycle only as the class tensor.ts extends)
const PINNED_NON_OP_MEMBERS = ["tensor/creation.ts", "tensor/tensor-activations.ts", "tensor/tensor-checks.ts", "tensor/tensor-data.ts", "tensor/tensor-math.ts", "tensor/tensor-reductions.ts", "tensor/tensor-views.ts", "tensor/tensor.ts"];
const METHOD_MODULES = ["tensor/tensor.ts", "tensor/tensor-activations.ts", "tensor/tensor-checks.ts", "tensor/tensor-data.ts", "tensor/tensor-math.ts", "tensor/tensor-reductions.ts", "tensor/tensor-views.ts"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "assembly" ? [] : sourceFiles(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

let cached: Map<string, string[]> | undefined;

/** module (path under src/, "/"-separated) → the modules it imports at run time (a fresh copy). */
function runtimeImports(): Map<string, string[]> {
  cached ??= readGraph();
  return new Map([...cached].map(([module, imports]) => [module, [...imports]]));
}

function readGraph(): Map<string, string[]> {
  const name = (path: string): string => relative(SRC, path).split(sep).join("/");
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const js = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const imports: string[] = [];
    for (const match of js.matchAll(/^\s*(?:import|export)\s[^;]*?\bfrom\s*["'](\.[^"']+)["']|^\s*import\s*["'](\.[^"']+)["']/gm)) {
      const specifier = (match[1] ?? match[2])!.replace(/\.js$/, ".ts");
      imports.push(name(resolve(dirname(file), specifier)));
    }
    graph.set(name(file), imports);
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan), each sorted. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

test("the graph walk sees the cycle Tensor's methods make (the check can fail)", { skip }, () => {
  const graph = runtimeImports();
  assert.ok(graph.get("tensor/tensor.ts")!.includes("ops/binary.ts"), "tensor.ts imports ops/binary.ts at run time");
  assert.ok(!graph.get("ops/binary.ts")!.includes("backend/backend.ts"), "a type-only import is not a run-time edge");
  assert.ok(cycles(graph).some((c) => c.includes("tensor/tensor.ts")));
});

test("only src/tensor and src/ops modules are in import cycles, and besides ops/* only the pinned ones", { skip }, () => {
  const all = cycles(runtimeImports());
  for (const component of all) {
    const outside = component.filter((m) => !m.startsWith("tensor/") && !m.startsWith("ops/"));
    assert.deepEqual(outside, [], `an import cycle reaches beyond tensor/ and ops/: ${component.join(" ↔ ")}`);
  }
  const members = all.flat().filter((m) => !m.startsWith("ops/")).sort();
  assert.deepEqual(members, PINNED_NON_OP_MEMBERS, "the tensor/ops import cycle took in another module (import it from ops/ lazily, or move what it needs down a layer)");
});

test("apart from Tensor's methods (tensor.ts → ops/*), the only import cycles are the pinned ones", { skip }, () => {
  const graph = runtimeImports();
  for (const module of METHOD_MODULES) graph.set(module, (graph.get(module) ?? []).filter((m) => !m.startsWith("ops/")));
  assert.deepEqual(cycles(graph), PINNED_OTHER_CYCLES, "a new import cycle that does not go through Tensor's methods");
});
