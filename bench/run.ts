// `npm run bench`: runs W1–W5 (../shared/bench/WORKLOADS.md) through nabla on each backend and
// through the peers (TF.js cpu and wasm, PyTorch when /usr/bin/python3 can import torch), each
// run in its own process; checks every framework reached the same losses; prints medians and
// the ratios nabla ÷ peer; writes the JSON to bench/results/.
//
// Options: --reps N (processes per framework and workload, default 3), --slow-reps N (for W3 and W5 on
// nabla-js and tfjs-cpu, default 1), --only W1,W3, --frameworks nabla-wasm,pytorch (nabla-webgpu,
// for a machine with a GPU, runs only when named there: W3–W6, W4 with n = 2,048 and 4,096 too), and
// --baseline DIR: another checkout of nabla (a git worktree of an older commit, with its
// node_modules) raced on wasm as the peer "baseline-wasm", so a change is measured against the
// code before it side by side in one run.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { benchDataDir, fashionMnistAvailable, type WorkerResult } from "./data.js";
import { formatTable, summarize, type Summary } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1]! : fallback;
};
const reps = Number(option("reps", "3"));
const slowReps = Number(option("slow-reps", "1"));
const workloads = option("only", "W1,W2,W3,W4,W5,W6").split(",");
/** Workloads on Fashion-MNIST, and those run `--slow-reps` times on nabla-js and tfjs-cpu. */
const needsMnist = new Set(["W3", "W5"]);
const slowOnes = new Set(["W3", "W5", "W6"]);
const dataDir = benchDataDir();

interface Framework {
  name: string;
  command: string[];
  env?: NodeJS.ProcessEnv;
}

const node = (script: string, backend: string): string[] => [process.execPath, "--import", "tsx", join(here, script), backend];
const torchEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  delete env.OPENBLAS_CORETYPE; // these force an older OpenBLAS kernel (see WORKLOADS.md)
  delete env.OPENBLAS_L2_SIZE;
  return env;
};
const hasTorch = spawnSync("/usr/bin/python3", ["-c", "import torch"], { env: torchEnv() }).status === 0;
// which BLAS PyTorch's libblas.so.3 resolves to decides its W3/W4 speed: say so next to the numbers
const torchBlas = hasTorch
  ? spawnSync("/usr/bin/python3", ["-c", "import ctypes.util, os; name = ctypes.util.find_library('blas'); print(os.path.realpath('/usr/lib/x86_64-linux-gnu/' + name) if name else 'unknown')"], { encoding: "utf8" }).stdout.trim()
  : "";

const all: Framework[] = [
  { name: "nabla-wasm", command: node("nabla-worker.ts", "wasm") },
  { name: "nabla-wasm-compiled", command: [...node("nabla-worker.ts", "wasm"), "compiled"] },
  { name: "nabla-js", command: node("nabla-worker.ts", "js") },
  // the webgpu worker's W4 adds n = 2,048 and 4,096 (NABLA_BENCH_SIZES overrides, as for the others)
  { name: "nabla-webgpu", command: node("nabla-worker.ts", "webgpu"), env: { ...process.env, NABLA_BENCH_SIZES: process.env.NABLA_BENCH_SIZES ?? "128,256,512,1024,2048,4096" } },
  { name: "tfjs-wasm", command: node("tfjs-worker.ts", "wasm") },
  { name: "tfjs-cpu", command: node("tfjs-worker.ts", "cpu") },
];
const baseline = option("baseline", "");
if (baseline !== "") all.push({ name: "baseline-wasm", command: [process.execPath, "--import", "tsx", join(resolve(baseline), "bench", "nabla-worker.ts"), "wasm"] });
if (hasTorch) all.push({ name: "pytorch", command: ["/usr/bin/python3", join(here, "torch_worker.py")], env: torchEnv() });
else console.log("bench: PyTorch skipped (/usr/bin/python3 cannot import torch)");
/** Frameworks that run only when --frameworks names them (a CPU machine would run webgpu on a software driver). */
const onRequest = new Set(["nabla-webgpu"]);
const chosen = option("frameworks", all.filter((f) => !onRequest.has(f.name)).map((f) => f.name).join(",")).split(",");
const frameworks = all.filter((f) => chosen.includes(f.name));

function runOnce(framework: Framework, workload: string): WorkerResult[] {
  const command = framework.name === "pytorch" ? [...framework.command, workload, "1", dataDir] : [...framework.command, workload];
  const result = spawnSync(command[0]!, command.slice(1), { env: { ...(framework.env ?? process.env), NABLA_BENCH_DATA: dataDir }, encoding: "utf8", maxBuffer: 1 << 26 });
  const lines = (result.stdout ?? "").split("\n").filter((line) => line.startsWith("{"));
  if (result.status !== 0 || lines.length === 0) {
    console.log(`bench: ${framework.name} ${workload} failed (exit ${result.status}): ${(result.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
    return [];
  }
  // labelled by the runner: a baseline checkout's worker calls itself nabla-wasm too
  return lines.map((line) => ({ ...(JSON.parse(line) as WorkerResult), framework: framework.name }));
}

const results: WorkerResult[] = [];
for (const workload of workloads) {
  if (needsMnist.has(workload) && !fashionMnistAvailable()) {
    console.log(`bench: ${workload} skipped: Fashion-MNIST not found in /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist)`);
    continue;
  }
  // rounds interleave the frameworks, so a burst of load from elsewhere hits all of them alike
  for (let r = 0; r < Math.max(reps, slowReps); r++) {
    for (const framework of frameworks) {
      if (workload === "W6" && framework.name.startsWith("tfjs")) continue; // no TF.js W6 worker (the issue asks TF.js for W5)
      // W1 and W2 measure per-step overhead with synchronous loops (no await to free GPU memory in)
      if (framework.name === "nabla-webgpu" && ["W1", "W2"].includes(workload)) continue;
      // the compiled worker compiles W1–W3's steps only: its W4–W6 would be eager numbers under a compiled label
      if (framework.name.endsWith("-compiled") && !["W1", "W2", "W3"].includes(workload)) continue;
      const slow = slowOnes.has(workload) && (framework.name === "nabla-js" || framework.name === "tfjs-cpu");
      const count = slow ? slowReps : reps;
      if (r >= count) continue;
      const started = performance.now();
      const got = runOnce(framework, workload);
      results.push(...got);
      const shown = got.map((g) => `${g.workload} ${g.value.toPrecision(4)} ${g.unit}`).join(", ");
      console.log(`  ${framework.name.padEnd(10)} ${workload} run ${r + 1}/${count}: ${shown} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  }
}

const summary: Summary = summarize(results, frameworks.map((f) => f.name));
console.log("\n" + formatTable(summary));
console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? "unknown"}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} at the end; medians of ${reps} processes (${slowReps} for W3, W5 and W6 on nabla-js and tfjs-cpu)`);
if (hasTorch) console.log(`PyTorch: 1 thread (torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1), OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE unset; libblas.so.3 is ${torchBlas}`);
const record = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? "unknown", node: process.version, loadAverage: loadavg() },
  pytorch: hasTorch ? `/usr/bin/python3, torch.set_num_threads(1), OPENBLAS_NUM_THREADS=1, OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset; libblas.so.3 -> ${torchBlas}` : "not available",
  reps,
  slowReps,
  summary,
  runs: results,
};
const out = join(here, "results");
mkdirSync(out, { recursive: true });
const file = join(out, `bench-${record.date.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(record, null, 1));
writeFileSync(join(out, "latest.json"), JSON.stringify(record, null, 1));
console.log(`\nbench: wrote ${file}`);
if (summary.mismatches.length > 0) {
  console.log(`bench: losses disagree:\n  ${summary.mismatches.join("\n  ")}`);
  process.exitCode = 1;
}
