import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { JsBackend } from "../../src/backend/js-backend.js";
import type { MatmulSpec } from "../../src/backend/backend.js";

// Large products are split into tasks that the caller and the workers claim: panels of op(B),
// packed once into shared scratch, then row chunks of C. The tasks must tile the output exactly
// (row counts that are not multiples of the 4-row strip, column blocks of a wide op(B)).

const threaded = new WasmBackend(2);
const reference = new JsBackend();
// products run on the calling thread until a worker has booted: wait, so the workers take part
assert.ok(await threaded.threadsStarted(), "the workers started");

function values(size: number, seed: number): Float64Array {
  return Float64Array.from({ length: size }, (_, i) => Math.sin(seed * 7.1 + i * 0.37));
}

for (const [m, k, n, transA, transB] of [
  [131, 300, 130, false, false],
  [257, 129, 133, true, false],
  [70, 300, 260, false, true],
  [203, 203, 203, true, true],
  [8, 2100, 1100, false, true], // op(B) packed in column blocks (k·n above 2²¹), 8 rows in 4-row chunks
] as const) {
  test(`threaded matmul [${m}×${k}]${transA ? "ᵀ" : ""}·[${k}×${n}]${transB ? "ᵀ" : ""} matches the TS backend`, () => {
    assert.equal(threaded.threads, 3);
    for (const dtype of ["float32", "float64"] as const) {
      const spec: MatmulSpec = { batch: 1, m, k, n, transA, transB, batchStrideA: m * k, batchStrideB: k * n };
      const a = values(m * k, m);
      const b = values(k * n, n);
      const got = threaded.allocate(m * n, dtype);
      threaded.fill(got, Number.NaN);
      threaded.matmul(threaded.fromValues(a, dtype), threaded.fromValues(b, dtype), spec, got);
      const want = reference.allocate(m * n, dtype);
      reference.matmul(reference.fromValues(a, dtype), reference.fromValues(b, dtype), spec, want);
      const [x, y] = [threaded.read(got), reference.read(want)];
      const tolerance = dtype === "float32" ? 1e-4 : 1e-11;
      for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tolerance * (1 + Math.abs(y[i]!)), `${dtype} element ${i}: ${x[i]} vs ${y[i]}`);
    }
  });
}

/**
 * Runs, in a child process, `prelude` and then one 256×256 product on a backend with one worker,
 * and checks that the process exits by itself with the product's first element (256) and two threads, the worker started.
 */
function childProductExits(prelude: string): void {
  const script = `
    ${prelude}
    const { WasmBackend } = await import("./src/backend/wasm/wasm-backend.ts");
    const backend = new WasmBackend(1);
    const started = await backend.threadsStarted();
    const a = backend.fromValues(new Float32Array(256 * 256).fill(1), "float32");
    const out = backend.allocate(256 * 256, "float32");
    backend.matmul(a, a, { batch: 1, m: 256, k: 256, n: 256, transA: false, transB: false, batchStrideA: 0, batchStrideB: 0 }, out);
    console.log(backend.threads, started, backend.read(out)[0]);
  `;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // else the child reports to the test runner instead of exiting
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 20_000, env });
  assert.equal(result.signal, null, "the process had to be killed: it did not exit");
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), "2 true 256");
}

test("a process that used worker threads exits by itself", () => {
  childProductExits("");
});

test("workers start in a process where gc is already exposed (as the webgpu collector does)", () => {
  // --expose-gc set before the workers start gives each worker's global object a non-configurable
  // gc; the worker source once declared its own top-level gc and failed with a SyntaxError there.
  childProductExits(`import v8 from "node:v8"; v8.setFlagsFromString("--expose-gc");`);
});

test("until a worker has booted, a product's tasks run on the calling thread at once (not posted, no wait), with the same values; then it is posted", async () => {
  const backend = new WasmBackend(1);
  backend.threadTuner.mode = "threads";
  const pool = backend.threadPool()!.pool;
  const n = 256; // 2²⁴ multiply-adds: a product split over the threads
  const spec: MatmulSpec = { batch: 1, m: n, k: n, n, transA: false, transB: false, batchStrideA: n * n, batchStrideB: n * n };
  const [a, b] = [values(n * n, 1), values(n * n, 2)];
  const product = (): Float64Array => {
    const out = backend.allocate(n * n, "float32");
    backend.matmul(backend.fromValues(a, "float32"), backend.fromValues(b, "float32"), spec, out);
    return Float64Array.from(backend.read(out));
  };
  const early = product();
  // a worker boots in tens of milliseconds, usually after the product: if it finished booting
  // during it, the product's later jobs were rightly posted (so the check reads it after)
  if (pool.started === 0) assert.equal(pool.posted, 0, "not posted before a worker started");
  assert.ok(await backend.threadsStarted());
  assert.deepEqual(product(), early, "the same values on the workers");
  assert.equal(pool.posted, 1, "posted once a worker started");
  assert.equal(backend.threadsRunning, 2);
});

test("the pool counts the jobs its workers worked on: none before a worker has booted, then those it joined", async () => {
  const backend = new WasmBackend(1);
  backend.threadTuner.mode = "threads";
  const pool = backend.threadPool()!.pool;
  const n = 384; // about 5.7e7 multiply-adds: milliseconds, long enough for a woken worker to join
  const spec: MatmulSpec = { batch: 1, m: n, k: n, n, transA: false, transB: false, batchStrideA: n * n, batchStrideB: n * n };
  const [a, b] = [backend.fromValues(values(n * n, 1), "float32"), backend.fromValues(values(n * n, 2), "float32")];
  const product = (): void => backend.matmul(a, b, spec, backend.allocate(n * n, "float32"));
  product();
  // (as above: a worker that finished booting during the product may have joined its later jobs)
  if (pool.started === 0) assert.equal(pool.joined, 0, "the caller ran the tasks alone");
  assert.ok(await backend.threadsStarted());
  for (let i = 0; i < 20 && pool.joined === 0; i++) product();
  assert.ok(pool.joined > 0, "a worker joined a posted product");
  assert.ok(pool.joined <= pool.posted, "at most once per job (one worker)");
  const joined = pool.joined;
  pool.solo = true;
  product();
  pool.solo = false;
  assert.equal(pool.joined, joined, "a job the caller runs alone is not joined");
});
