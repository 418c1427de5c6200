// The published declarations (what `npm run build` writes to dist/*.d.ts) must not show
// members marked @internal: users would see and call storage handles and kernel plumbing.
// tsconfig.build.json strips them (stripInternal); this builds the declarations as the build
// does, into a scratch folder, and checks what a user of the package would see.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { backendUnderTest } from "../helpers.js";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const TSC = join(REPO, "node_modules/typescript/bin/tsc");

function declarationFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? declarationFiles(path) : path.endsWith(".d.ts") ? [path] : [];
  });
}

function tsc(args: string[]): void {
  try {
    execFileSync(process.execPath, [TSC, ...args], { cwd: REPO, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    assert.fail(`tsc ${args.filter((a) => !a.endsWith(".d.ts")).join(" ")} failed:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}

test("the published declarations hide every @internal member and still type-check on their own", { skip: backendUnderTest !== "js" && "backend-independent: tested in the js pass" }, () => {
  // inside the repository (test-output/ is git-ignored) so the declarations resolve node_modules
  mkdirSync(join(REPO, "test-output"), { recursive: true });
  const out = mkdtempSync(join(REPO, "test-output", "dts-"));
  try {
    const dist = join(out, "dist");
    tsc(["-p", "tsconfig.build.json", "--emitDeclarationOnly", "--declarationMap", "false", "--outDir", dist]);
    const files = declarationFiles(dist);
    assert.ok(files.some((f) => f.endsWith(join("tensor", "tensor.d.ts"))), "tensor.d.ts was emitted");
    const leaks = files.flatMap((f) => readFileSync(f, "utf8").split("\n").map((line, i) => [f, i + 1, line] as const)).filter(([, , line]) => line.includes("@internal"));
    assert.deepEqual(leaks.map(([f, n, line]) => `${f.slice(dist.length + 1)}:${n}: ${line.trim()}`), [], "declarations still carrying @internal");
    const tensorTypes = readFileSync(join(dist, "tensor", "tensor.d.ts"), "utf8");
    for (const member of ["storage:", "stridedRef(", "dataRef(", "static empty("]) {
      assert.ok(!tensorTypes.split("\n").some((line) => line.trim().startsWith(member)), `Tensor's ${member} is internal but published`);
    }
    // stripping must leave declarations that compile: nothing public may refer to a stripped name
    const consumer = join(out, "consumer.ts");
    writeFileSync(consumer, 'import { tensor, nn, optim } from "./dist/index.js";\nconst x = tensor([1, 2]);\nconst y: number = x.sum().item();\nvoid [y, nn, optim];\n');
    tsc(["--noEmit", "--strict", "--skipLibCheck", "false", "--module", "NodeNext", "--moduleResolution", "NodeNext", "--target", "ES2022", "--lib", "ES2022,DOM", "--types", "node", consumer, ...files]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
