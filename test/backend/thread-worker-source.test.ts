import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { runInNewContext } from "node:vm";
import { BATCHED, CONTROL_BYTES, CONV, FUSED, MATMUL, POOL, SOFTMAX, WORK_SOURCE, type work } from "../../src/backend/wasm/thread-worker.js";
import type { Kernels } from "../../src/backend/wasm/wasm-module.js";

// A worker runs `work` from its source text (thread-worker.ts WORK_SOURCE), where nothing from
// this module or the bundler exists. A reference to anything outside (a helper, or a bundler's
// `__name` that esbuild adds to a named closure) throws there after the worker joined a job, and
// the caller then waits for it forever. So `work` runs here the same way, compiled from its text
// in a fresh context, on a control block for each kind of job, and must claim every task once.

const isolated = runInNewContext(`${WORK_SOURCE}\nwork`) as typeof work;

/** Kernels that record each call as its name and arguments. */
function recording(): { kernels: Kernels; calls: [string, number[]][] } {
  const calls: [string, number[]][] = [];
  const record = (name: string) => (...args: (number | boolean)[]): void => void calls.push([name, args.map(Number)]);
  const kernels = new Proxy({} as Kernels, {
    get: (_, name: string) => (name === "thinProductF32" || name === "smallProductF32" ? () => false : record(name)),
  });
  return { kernels, calls };
}

/** A control block for a job of `kind` with `tasks` row tasks and `args` from ARGS (16) on. */
function control(kind: number, tasks: number, args: number[]): Int32Array {
  const c = new Int32Array(CONTROL_BYTES / 4);
  c[13] = kind;
  c[11] = tasks;
  c.set(args, 16);
  return c;
}

test("work runs from its source text alone: every kind of job claims each task once and counts it done", () => {
  const fused = recording();
  const c = control(FUSED, 3, [4096, 2, 2500, 1024]);
  isolated(fused.kernels, c, 0);
  assert.deepEqual(fused.calls.map(([name, [, , begin, end]]) => [name, begin, end]), [["fusedRangeF32", 0, 1024], ["fusedRangeF32", 1024, 2048], ["fusedRangeF32", 2048, 2500]]);
  assert.deepEqual([c[10], c[4]], [3, 0]);

  const softmax = recording();
  const s = control(SOFTMAX, 2, [0, 1000, 0, 12, 6, 1, 5000, 6, 8]);
  isolated(softmax.kernels, s, 0);
  // rows 0–7 and 8–11, each at its byte offset (6 floats a row)
  assert.deepEqual(softmax.calls.map(([, [, x, dy, outer, , , out]]) => [x, dy, outer, out]), [[1000, 0, 8, 5000], [1192, 0, 4, 5192]]);

  const conv = recording();
  isolated(conv.kernels, control(CONV, 2, [0, 100, 200, 0, 4, 300, 7, 8, 10, 0, 20, 0, 0, 0, 0]), 0);
  assert.deepEqual(conv.calls.map(([, [, a, , , spec, , out]]) => [a, spec, out]), [[100, 7, 300], [110, 8, 320]]);

  // max pooling (which 0) and its gradient (which 1): 3 tasks, the last with its own spec
  const pooled = recording();
  isolated(pooled.kernels, control(POOL, 3, [0, 100, 200, 300, 7, 8, 40, 10, 5]), 0);
  assert.deepEqual(pooled.calls.map(([name, args]) => [name, ...args]), [["maxPool2dF32", 100, 7, 200, 300], ["maxPool2dF32", 140, 7, 210, 305], ["maxPool2dF32", 180, 8, 220, 310]]);
  const pooledGrad = recording();
  isolated(pooledGrad.kernels, control(POOL, 2, [1, 100, 200, 300, 7, 8, 40, 10, 5]), 0);
  assert.deepEqual(pooledGrad.calls.map(([name, args]) => [name, ...args]), [["maxPool2dGradF32", 100, 300, 7, 200], ["maxPool2dGradF32", 140, 305, 8, 210]]);

  const batched = recording();
  isolated(batched.kernels, control(BATCHED, 2, [0, 1000, 2000, 5, 4, 4, 4, 0, 0, 16, 16, 3, 0, 0]), 0);
  assert.deepEqual(batched.calls.map(([name, [a, , , count]]) => [name, a, count]), [["matmulF32", 0, 3], ["matmulF32", 192, 2]]);

  const product = recording();
  // m = 10 rows: one chunk of 4, then strips of 2
  const p = control(MATMUL, 4, [0, 1000, 2000, 10, 4, 8, 0, 0, 0, 8, 3000, 1, 2]);
  [p[7], p[8], p[12]] = [2, 1, 4]; // two panel tasks of one panel, row chunks of 4
  isolated(product.kernels, p, 0);
  const panels = product.calls.filter(([name]) => name === "packPanelsF32").map(([, args]) => args.slice(6, 8));
  const rows = product.calls.filter(([name]) => name === "productRowsF32").map(([, args]) => args.slice(-2));
  assert.deepEqual(panels, [[0, 1], [1, 2]]);
  assert.deepEqual(rows, [[0, 4], [4, 6], [6, 8], [8, 10]]);
  assert.deepEqual([p[6], p[10], p[4]], [2, 4, 0]);
});
