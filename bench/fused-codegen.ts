// Generated code against the blocked interpreter for compile()'s fused element-wise groups
// (src/compile/wasm-generated.ts), on a workload's compiled plans on wasm.
// Usage: node --import tsx bench/fused-codegen.ts <W1|W2|W3|W5|W6> groups [reps = 300]
//          runs the workload once with every group generated, each generated group's step and
//          the interpreter's step of the same group over the same memory kept side by side;
//          then times them alternating (reps calls of one, reps of the other, 5 rounds), in
//          process CPU time, and prints each group and the sums per step
//          (a step runs each group of its plan once), plus the one-time cost of the modules.
//        node --import tsx bench/fused-codegen.ts <W…> whole <interpreter|generated|auto>
//          runs the workload (bench/nabla-worker.ts, compiled) with that executor and prints
//          its results and the process's CPU time; alternate the two in separate runs.
// NABLA_BENCH_STEPS caps W3's batches, W5's and W6's steps as in nabla-worker.ts.
import { fusedCodegen } from "../src/compile/wasm-generated.js";
import type { FusedGroup } from "../src/compile/fuse.js";

const [workload = "W2", what = "groups", option] = process.argv.slice(2);
const modules: { groups: number; bytes: number; shared: boolean; encodeMilliseconds: number; compileMilliseconds: number }[] = [];
fusedCodegen.onModule = (report) => void modules.push(report);
/** The process's CPU time in ms (getrusage: exact for the running thread, unlike schedstat, which moves at scheduler ticks). */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const runWorkload = async (): Promise<void> => {
  process.argv = [process.argv[0]!, "bench/nabla-worker.ts", "wasm", "compiled", workload];
  await import("./nabla-worker.js");
};

if (what === "whole") {
  fusedCodegen.mode = option as typeof fusedCodegen.mode;
  const cpu = process.cpuUsage();
  await runWorkload();
  const used = process.cpuUsage(cpu);
  console.log(JSON.stringify({ workload, executor: option, cpuSeconds: (used.user + used.system) / 1e6, modules }));
} else {
  const reps = Number(option ?? 300);
  fusedCodegen.mode = "generated";
  const pairs: { group: FusedGroup; interpreter: () => void; generated: () => void }[] = [];
  fusedCodegen.onGroup = (group, interpreter, generated) => void pairs.push({ group, interpreter, generated });
  await runWorkload();
  const describe = (group: FusedGroup): string =>
    `${group.dtype} ${group.size}: ${group.ops.map((op) => `${op.op || op.kind}(${op.a.kind}${op.b === null ? "" : `,${op.b.kind}${op.b.kind === "mod" || op.b.kind === "div" ? op.b.c : ""}`})`).join(" ")}`;
  /** CPU ms of `count` calls. */
  const timed = (fn: () => void, count: number): number => {
    const start = cpuMs();
    for (let r = 0; r < count; r++) fn();
    return cpuMs() - start;
  };
  const rows = pairs.map(({ group, interpreter, generated }) => {
    // calls per batch: enough for about 20 ms of the interpreter's
    let count = 8;
    for (let start = performance.now(); performance.now() - start < 5; count *= 2) for (let r = 0; r < count; r++) interpreter();
    count = Math.max(reps, count * 4);
    let [a, b] = [0, 0];
    for (let round = 0; round < 5; round++) {
      a += timed(interpreter, count);
      b += timed(generated, count);
    }
    const calls = 5 * count;
    return { group: describe(group), interpreterUs: (a / calls) * 1000, generatedUs: (b / calls) * 1000 };
  });
  for (const row of rows) console.log(`${row.interpreterUs.toFixed(2).padStart(8)} µs  ${row.generatedUs.toFixed(2).padStart(8)} µs  ${(row.interpreterUs / row.generatedUs).toFixed(2)}x  ${row.group}`);
  const sum = (key: "interpreterUs" | "generatedUs"): number => rows.reduce((total, row) => total + row[key], 0);
  console.log(
    JSON.stringify({
      workload,
      groups: rows.length,
      interpreterUsPerStep: +sum("interpreterUs").toFixed(2),
      generatedUsPerStep: +sum("generatedUs").toFixed(2),
      modules: modules.map((m) => ({ ...m, encodeMilliseconds: +m.encodeMilliseconds.toFixed(2), compileMilliseconds: +m.compileMilliseconds.toFixed(2) })),
    }),
  );
}
