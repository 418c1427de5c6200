// The browser bundle on `webgpu` in Chromium headless, on SwiftShader through Chromium's own
// WebGPU flags: a set of ops (element-wise, reductions, scans, sort, gather, matmul,
// convolution, layer norm, softmax) and a few training steps, eager and compiled, give the
// values the wasm backend gives on the same page. Skipped, saying why, where Chromium offers
// no adapter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { backendUnderTest } from "../helpers.js";
import { CHROMIUM, REPO, serve, skipReason } from "../playground/browser.js";
import { WEBGPU_FLAGS } from "./chromium-webgpu.js";

const skip = backendUnderTest !== "js" ? "the browser test runs once, in the js pass" : (skipReason() ?? false);
if (skip !== false) console.log(`# ${skip}`);

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>nabla webgpu</title>
<link rel="icon" href="data:,">
<script type="module">
  import { backendInfo, compile, data, manualSeed, nn, optim, setBackend, tensor } from "./nabla.js";
  const values = (n, seed) => Array.from({ length: n }, (_, i) => Math.fround(2 * Math.sin(seed * 13.7 + i * 1.3)));
  const read = async (t) => Array.from(await t.data());
  async function ops() {
    const a = tensor(values(20, 1), { shape: [4, 5] });
    const b = tensor(values(15, 2), { shape: [5, 3] });
    const image = tensor(values(2 * 3 * 6 * 6, 3), { shape: [2, 3, 6, 6] });
    const kernel = tensor(values(4 * 3 * 3 * 3, 4), { shape: [4, 3, 3, 3] });
    const index = tensor([[0, 4, 2], [1, 1, 3], [4, 0, 0], [2, 3, 1]], { dtype: "int32" });
    const out = {
      matmul: a.matmul(b), addBroadcast: a.add(tensor(values(5, 5))), exp: a.exp(), tanh: a.tanh(), sigmoid: a.sigmoid(),
      gelu: nn.functional.gelu(a), pow: a.abs().pow(1.5), where: a.where(a.gt(0), a.mul(-0.5)), clamp: a.clamp(-1, 1),
      sum: a.sum(1), mean: a.mean(0), max: a.max(1).values, argmax: a.argmax(1), logsumexp: a.logsumexp(1), var: a.var(1),
      cumsum: a.cumsum(1), sort: a.sort(1).values, softmax: a.softmax(-1), logSoftmax: a.logSoftmax(0),
      gather: a.gather(1, index), transposeCopy: a.t().contiguous(),
      conv2d: nn.functional.conv2d(image, kernel, null, { padding: 1, stride: 2 }),
      layerNorm: nn.functional.layerNorm(a, 5),
    };
    const result = {};
    for (const [name, t] of Object.entries(out)) result[name] = await read(t);
    return result;
  }
  /** W1's shape (MLP 2-16-16-2 on moons, SGD): the loss of each step, eager or compiled. */
  async function train(compiled) {
    manualSeed(0);
    const { x, y } = data.makeMoons({ nSamples: 100, noise: 0.1, seed: 0 });
    const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 2));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const criterion = new nn.CrossEntropyLoss();
    const step = (input, target) => {
      optimizer.zeroGrad();
      const loss = criterion.call(model.call(input), target);
      loss.backward();
      optimizer.step();
      return loss;
    };
    const run = compiled ? compile(step) : step;
    const losses = [];
    for (let i = 0; i < 12; i++) losses.push((await run(x, y).data())[0]);
    return { losses, stats: compiled ? { ...run.stats } : null };
  }
  async function main() {
    setBackend("wasm");
    const wasm = { ops: await ops(), train: await train(false) };
    try {
      await setBackend("webgpu");
    } catch (error) {
      return { noWebGpu: String(error.message) };
    }
    const info = backendInfo();
    const gpu = { ops: await ops(), train: await train(false), compiled: await train(true) };
    return { wasm, gpu, name: info.name, adapter: info.adapter };
  }
  main().then((result) => (window.result = result), (error) => (window.result = { error: String(error && error.stack || error) }));
</script>`;

interface Side {
  ops: Record<string, number[]>;
  train: { losses: number[]; stats: null };
}
interface PageResult {
  wasm: Side;
  gpu: Side & { compiled: { losses: number[]; stats: Record<string, number> } };
  name: string;
  adapter: string;
  noWebGpu?: string;
  error?: string;
}

// float32 on both backends; WGSL's exp/log/tanh/pow are a few ulp and the GPU sums in another
// order (webgpu-kernels.test.ts states each op's bound): 1e-5 absolute plus 1e-4 relative covers
// every op here (sort, argmax, gather and copies agree exactly).
const EXACT = new Set(["sort", "argmax", "gather", "transposeCopy", "where", "clamp", "max"]);

test("the bundle on webgpu in Chromium headless (SwiftShader): ops and training steps match wasm on the same page", { skip, timeout: 300_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-webgpu-"));
  const profile = mkdtempSync(join(tmpdir(), "nabla-chromium-"));
  try {
    execFileSync(process.execPath, [join(REPO, "scripts", "bundle-browser.mjs")], { env: { ...process.env, BUNDLE_OUT_DIR: dir }, stdio: "pipe" });
    writeFileSync(join(dir, "index.html"), PAGE);
    const { url, server } = await serve(dir);
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", ...WEBGPU_FLAGS],
    });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => void (message.type() === "error" && problems.push(`console error: ${message.text()}`)));
      await page.goto(url);
      await page.waitForFunction("window.result !== undefined", undefined, { timeout: 240_000 });
      const result = (await page.evaluate("window.result")) as PageResult;
      assert.equal(result.error, undefined, result.error);
      if (result.noWebGpu !== undefined) return t.skip(`Chromium gave no WebGPU adapter with ${WEBGPU_FLAGS.join(" ")}: ${result.noWebGpu}`);
      assert.deepEqual(problems, []);
      assert.equal(result.name, "webgpu");
      assert.match(result.adapter, /swiftshader/i);
      for (const [name, want] of Object.entries(result.wasm.ops)) {
        const got = result.gpu.ops[name]!;
        assert.equal(got.length, want.length, name);
        const [atol, rtol] = EXACT.has(name) ? [0, 0] : [1e-5, 1e-4];
        want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= atol + rtol * Math.abs(w), `${name}[${i}]: ${got[i]} on webgpu, ${w} on wasm`));
      }
      // training carries the last-bit differences along: 1e-4 relative over 12 steps (webgpu-training.test.ts)
      const close = (got: number[], want: number[], label: string) =>
        want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-4 * Math.abs(w) + 1e-6, `${label} step ${i}: ${got[i]}, wasm ${w}`));
      close(result.gpu.train.losses, result.wasm.train.losses, "eager webgpu");
      close(result.gpu.compiled.losses, result.wasm.train.losses, "compiled webgpu");
      assert.ok(result.wasm.train.losses.at(-1)! < result.wasm.train.losses[0]!, "the model trains");
      assert.deepEqual(result.gpu.compiled.stats, { traces: 2, replays: 10, eager: 0, evictions: 0 });
    } finally {
      await context.close();
      server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
});
