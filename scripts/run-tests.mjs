// Runs every *.test.ts under src/ and test/ with Node's test runner (through tsx),
// once per backend listed in NABLA_TEST_BACKENDS (default: every backend this build has).
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
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
for (const backend of backends) {
  console.log(`\n# backend: ${backend} (${files.length} test files)`);
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=spec", ...files],
    { stdio: "inherit", env: { ...process.env, NABLA_BACKEND: backend } },
  );
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
