// Runs every *.test.ts under src/ and test/ with Node's test runner (through tsx),
// once per backend listed in NABLA_TEST_BACKENDS (default: every backend this build has).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

function findTests(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(findTests(path));
    else if (name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = ["src", "test"].flatMap((d) => findTests(d)).sort();
if (filter.length > 0) files = files.filter((f) => filter.some((p) => f.includes(p)));
const backends = (process.env.NABLA_TEST_BACKENDS ?? "js,wasm").split(",");
let failed = false;
const totals = { passed: 0, failed: 0, skipped: 0 };
const tapDir = mkdtempSync(join(tmpdir(), "nabla-tests-"));
for (const backend of backends) {
  console.log(`\n# backend: ${backend} (${files.length} test files)`);
  const tapFile = join(tapDir, `${backend}.tap`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=tap", `--test-reporter-destination=${tapFile}`, ...files],
    { stdio: "inherit", env: { ...process.env, NABLA_BACKEND: backend } },
  );
  if (result.status !== 0) failed = true;
  // the TAP copy of the run gives the counts for the one summary line over all backends
  const tap = existsSync(tapFile) ? readFileSync(tapFile, "utf8") : "";
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, "m").exec(tap)?.[1] ?? 0);
  totals.passed += count("pass");
  totals.failed += count("fail") + count("cancelled");
  totals.skipped += count("skipped");
}
rmSync(tapDir, { recursive: true, force: true });
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failed || totals.failed > 0 ? 1 : 0);
