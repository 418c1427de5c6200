// The whole op and layer suite of test/webgpu (table-op-suites.ts: every element-wise op of the
// op table against the reference backend; fixture-suites.ts: every PyTorch fixture of test/ops
// and test/nn, forward and backward; each with the tolerances stated there) in
// Chromium headless on WebGPU through Chromium's own flags (SwiftShader), and on wasm in the
// same page against the same reference. One page runs every suite; Vite bundles the suites with
// the library's sources, the fixture files served in place of `readFileSync`. Skipped, saying
// why, where Chromium offers no adapter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendUnderTest } from "../helpers.js";
import { REPO, launchBrowser, serve, skipReason } from "../playground/browser.js";
import { WEBGPU_FLAGS } from "./chromium-webgpu.js";
import type { SuitesPageResult } from "./webgpu-suites-page.js";

const skip = backendUnderTest !== "js" ? "the browser test runs once, in the js pass" : (skipReason() ?? false);
if (skip !== false) console.log(`# ${skip}`);

const FS_SHIM = "\0fixture-fs";

/**
 * Bundles the page script. Vite's library mode inlines the fixture files the tables name with
 * `new URL("../fixtures/….json", import.meta.url)` as data: URLs; `node:fs` becomes a
 * `readFileSync` that decodes them.
 */
async function bundle(outDir: string): Promise<void> {
  const { build } = await import("vite");
  await build({
    root: REPO,
    configFile: false,
    logLevel: "warn",
    plugins: [
      {
        name: "fixture-fs",
        enforce: "pre",
        resolveId: (id: string) => (id === "node:fs" ? FS_SHIM : null),
        load: (id: string) =>
          id !== FS_SHIM
            ? null
            : `export function readFileSync(url) {
  const text = String(url);
  if (!text.startsWith("data:")) throw new Error("readFileSync in the page: " + text.slice(0, 80) + " is not a bundled fixture");
  const bytes = Uint8Array.from(atob(text.slice(text.indexOf(",") + 1)), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}`,
      },
    ],
    build: {
      outDir,
      emptyOutDir: true,
      target: "es2022",
      minify: false,
      assetsInlineLimit: () => true,
      lib: { entry: join(REPO, "test", "browser", "webgpu-suites-page.ts"), formats: ["es"], fileName: () => "suites.js" },
    },
  });
}

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>nabla webgpu suites</title>
<link rel="icon" href="data:,">
<script type="module">
  import("./suites.js").then((page) => page.main()).then((result) => (window.result = result), (error) => (window.result = { error: String(error && error.stack || error).slice(0, 2000) }));
</script>`;

test("the op table (against the reference backend) and the op and layer fixtures (against PyTorch) agree on webgpu in Chromium headless (SwiftShader), and on wasm in the same page", { skip, timeout: 420_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-webgpu-suites-"));
  try {
    await bundle(dir);
    writeFileSync(join(dir, "index.html"), PAGE);
    const { url, server } = await serve(dir);
    const browser = await launchBrowser(WEBGPU_FLAGS);
    try {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => void (message.type() === "error" && problems.push(`console error: ${message.text()}`)));
      await page.goto(url);
      await page.waitForFunction("window.result !== undefined", undefined, { timeout: 400_000, polling: 500 });
      const result = (await page.evaluate("window.result")) as SuitesPageResult & { error?: string };
      assert.equal(result.error, undefined, result.error);
      for (const [title, { failures, ms }] of Object.entries(result.wasm)) {
        await t.test(`wasm: ${title} (${ms} ms)`, () => assert.deepEqual(failures, []));
      }
      if (result.gpu === undefined) return t.skip(`Chromium gave no WebGPU adapter with ${WEBGPU_FLAGS.join(" ")}: ${result.noWebGpu}`);
      assert.match(result.adapter ?? "", /swiftshader/i);
      assert.equal(Object.keys(result.gpu).length, Object.keys(result.wasm).length);
      for (const [title, { failures, ms }] of Object.entries(result.gpu)) {
        await t.test(`webgpu: ${title} (${ms} ms)`, () => assert.deepEqual(failures, []));
      }
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
      server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
