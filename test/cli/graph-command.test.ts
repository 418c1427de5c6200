import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendUnderTest } from "../helpers.js";
import { assertWellFormedSvg, pngSize } from "../viz/svg-check.js";
import { nabla } from "./run-nabla.js";

const work = mkdtempSync(join(tmpdir(), "nabla-cli-graph-"));
after(() => rmSync(work, { recursive: true, force: true }));

describe("nabla graph", { concurrency: 4, skip: backendUnderTest !== "js" && "the CLI runs on the default backend; tested in the js pass" }, () => {
  test("the lecture's example prints q = 3, f = −12 and the gradients −4, −4, 3, and draws the graph", async () => {
    const out = join(work, "lecture");
    const result = await nabla(["graph", "(x + y) * z", "--x", "-2", "--y", "5", "--z", "-4", "--out", out]);
    assert.equal(result.code, 0, result.stderr);
    for (const line of ["x = -2", "y = 5", "z = -4", "q = x + y = 3", "f = q * z = -12", "df/dq = -4", "df/dx = -4", "df/dy = -4", "df/dz = 3"]) {
      assert.ok(result.stdout.split("\n").some((l) => l.trim() === line), `missing line "${line}" in:\n${result.stdout}`);
    }
    const dot = readFileSync(join(out, "graph.dot"), "utf8");
    assert.match(dot, /<b>\+<\/b> → q<br\/><font color="#1e7b34">3<\/font>/);
    assert.match(dot, /label=<<font color="#c0392b">-4<\/font>>/);
    const svg = assertWellFormedSvg(readFileSync(join(out, "graph.svg"), "utf8"));
    const png = pngSize(readFileSync(join(out, "graph.png")));
    assert.ok(Math.abs(png.width - svg.width * 2) <= 1, `${png.width} vs ${svg.width}`);
  });

  test("--json with named steps, tensors, matmul and functions: values and gradients match hand computation", async () => {
    // f = sum(relu(W @ v + b)) with W = [[1, 2], [-3, 1]], v = [1, -1], b = [0.5, 0.5]:
    // W @ v = [-1, -4] → + b = [-0.5, -3.5] → relu → 0 … so use b = [2, 5]: [1, 1] → relu [1, 1] → f = 2.
    const result = await nabla(["graph", "h = relu(W @ v + b); f = sum(h)", "--W", "[[1,2],[-3,1]]", "--v", "[1,-1]", "--b", "[2,5]", "--json", "--out", join(work, "json")]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    type Entry = { name: string; value: unknown; grad: unknown };
    const byName: Record<string, Entry> = Object.fromEntries([...report.variables, ...report.intermediates].map((v: Entry) => [v.name, v]));
    assert.deepEqual(byName.h!.value, [1, 1]);
    assert.equal(report.output.value, 2);
    assert.deepEqual(byName.b!.grad, [1, 1]);
    assert.deepEqual(byName.W!.grad, [[1, -1], [1, -1]]); // df/dW = 1[z>0] vᵀ
    assert.deepEqual(byName.v!.grad, [-2, 3]); // Wᵀ 1[z>0]
    assert.equal(report.files.length, 3);
  });

  test("precedence: -x ** 2 is -(x²), and x - y - z is (x - y) - z", async () => {
    const result = await nabla(["graph", "f = -x ** 2 + (x - y - z)", "--x", "3", "--y", "1", "--z", "1", "--json", "--out", join(work, "precedence")]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.output.value, -9 + 1);
    assert.equal(report.variables.find((v: { name: string }) => v.name === "x").grad, -6 + 1);
  });

  test("softmax and W @ x are one node each, --expand shows the primitives, and the PNG fits a page", async () => {
    const args = (out: string, ...more: string[]) => ["graph", "z = W @ x + b; f = sum(softmax(z))", "--shape", "W=3,2", "--x", "[1,-1]", "--b", "[0.1,0.2,0.3]", "--out", out, ...more];
    const user = join(work, "user-ops");
    assert.equal((await nabla(args(user))).code, 0);
    const dot = readFileSync(join(user, "graph.dot"), "utf8");
    assert.deepEqual([...dot.matchAll(/<b>([^<]+)<\/b> →/g)].map((m) => m[1]), ["@", "+", "softmax", "sum"]);
    const expanded = join(work, "expanded");
    const result = await nabla(args(expanded, "--expand"));
    assert.equal(result.code, 0, result.stderr);
    const primitives = readFileSync(join(expanded, "graph.dot"), "utf8");
    assert.match(primitives, /<b>exp<\/b>/);
    assert.doesNotMatch(primitives, /softmax/);
    for (const dir of [user, expanded]) {
      const png = pngSize(readFileSync(join(dir, "graph.png")));
      assert.ok(png.width <= 2400, `${dir}: PNG ${png.width} px wide`);
    }
  });

  test("--help shows the seed's default as a number", async () => {
    const result = await nabla(["graph", "--help"]);
    assert.match(result.stdout, /--seed <n> +seed for --shape values \(default: 0\)/);
  });
});
