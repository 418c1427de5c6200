import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendUnderTest } from "../helpers.js";
import { data, io, nn, noGrad, tensor, type Tensor } from "../../src/index.js";
import { assertWellFormedSvg, pngSize } from "../viz/svg-check.js";
import { nabla } from "./run-nabla.js";

const work = mkdtempSync(join(tmpdir(), "nabla-cli-"));
const run = join(work, "run");
after(() => rmSync(work, { recursive: true, force: true }));

/** The model's class probabilities for raw points, computed with the library. */
async function libraryProbabilities(points: Tensor): Promise<{ probabilities: number[][]; model: nn.Sequential; config: io.ModelConfig; logits: Tensor }> {
  const { model, config } = await io.load(run);
  const { mean, std } = config.normalization!;
  const logits = noGrad(() => model.call(points.sub(tensor(mean)).div(tensor(std))));
  return { probabilities: logits.softmax(1).toArray() as number[][], model, config, logits };
}

// The CLI always runs on its default backend, so running these per backend would repeat them.
const once = { concurrency: 4, skip: backendUnderTest !== "js" && "the CLI runs on the default backend; tested in the js pass" };

describe("nabla train → eval → predict on built-in data", once, () => {
  let trained: { code: number; stdout: string; stderr: string };
  before(async () => {
    trained = await nabla(["train", "--data", "moons", "--samples", "200", "--epochs", "8", "--hidden", "8", "--seed", "1", "--out", run]);
  });

  test("train exits 0, logs epochs (not a TTY), prints the summary and where the pictures are", () => {
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stderr, /^data: moons \(200 samples, noise 0\.2, seed 1\)$/m);
    assert.match(trained.stderr, /^epoch 1\/8  loss [\d.]+  acc [\d.]+  val_loss [\d.]+  val_acc [\d.]+/m);
    assert.match(trained.stderr, /^epoch 8\/8 /m);
    assert.match(trained.stdout, /training +[\d.]+ +[\d.]+\n +validation +[\d.]+ +[\d.]+/);
    assert.match(trained.stdout, /8 epochs in [\d.]+ s · 42 parameters · 2-8-2 relu · adam lr 0\.01/);
    assert.ok(trained.stdout.includes(`pictures: ${join(run, "curves.png")}, ${join(run, "decision-boundary.png")}`));
  });

  test("the run directory holds the model, metrics and valid SVG and PNG pictures", () => {
    // (hidden: .current and .versions/, behind config.json and model.safetensors; see src/io/directory-swap.ts)
    assert.deepEqual(readdirSync(run).filter((name) => !name.startsWith(".")).sort(), ["config.json", "curves.png", "curves.svg", "decision-boundary.png", "decision-boundary.svg", "metrics.json", "model.safetensors"]);
    const metrics = JSON.parse(readFileSync(join(run, "metrics.json"), "utf8"));
    assert.equal(metrics.history.length, 8);
    assert.equal(metrics.parameters, 42);
    for (const name of ["curves", "decision-boundary"]) {
      const svg = assertWellFormedSvg(readFileSync(join(run, `${name}.svg`), "utf8"));
      const png = pngSize(readFileSync(join(run, `${name}.png`)));
      assert.deepEqual(png, { width: svg.width * 2, height: svg.height * 2 }, name);
    }
  });

  test("eval --json equals the library's loss, accuracy and confusion matrix on the same data", async () => {
    // On the pure-TS backend, as the library here: the same kernels, so the numbers agree to 1e-6.
    const result = await nabla(["eval", "--backend", "js", "--model", run, "--data", "moons", "--samples", "150", "--noise", "0.3", "--seed", "9", "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    const { x, y } = data.makeMoons({ nSamples: 150, noise: 0.3, seed: 9 });
    const { logits } = await libraryProbabilities(x);
    const loss = nn.functional.crossEntropy(logits, y).item();
    const predicted = (logits.argmax(1).toArray() as number[]);
    const truth = y.toArray() as number[];
    const confusion = [[0, 0], [0, 0]];
    truth.forEach((t, i) => confusion[t]![predicted[i]!]! += 1);
    assert.ok(Math.abs(report.loss - loss) < 1e-6, `${report.loss} vs ${loss}`);
    assert.equal(report.correct, predicted.filter((p, i) => p === truth[i]).length);
    assert.deepEqual(report.confusion, confusion);
    assert.equal(report.classes[1].recall, confusion[1]![1]! / (confusion[1]![0]! + confusion[1]![1]!));
  });

  test("eval without --data uses fresh samples of the training generator and prints a report", async () => {
    const result = await nabla(["eval", "--model", run]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /data: +moons \(200 samples, noise 0\.2, seed 2\)/);
    assert.match(result.stdout, /loss [\d.]+ · accuracy [\d.]+ \(\d+\/200\)/);
    assert.match(result.stdout, /confusion matrix \(rows: true class, columns: predicted\)/);
  });

  test("predict (CSV file, label column ignored) equals the library's probabilities; stdin works too", async () => {
    const points = [[0.5, 0.25], [1.5, -0.4], [-1, 0.3], [2, 1]];
    const csv = join(work, "points.csv");
    writeFileSync(csv, "label,x2,x1\n" + points.map(([a, b]) => `7,${b},${a}`).join("\n") + "\n");
    const json = await nabla(["predict", "--model", run, "--input", csv, "--json"]);
    assert.equal(json.code, 0, json.stderr);
    const rows = JSON.parse(json.stdout) as { class: string; classIndex: number; probabilities: Record<string, number> }[];
    const { probabilities } = await libraryProbabilities(tensor(points));
    rows.forEach((row, i) => {
      assert.ok(Math.abs(row.probabilities.upper! - probabilities[i]![0]!) < 1e-6);
      assert.equal(row.classIndex, probabilities[i]![0]! > probabilities[i]![1]! ? 0 : 1);
      assert.equal(row.class, ["upper", "lower"][row.classIndex]);
    });
    const piped = await nabla(["predict", "--model", run, "--input", "-"], { input: "x1,x2\n" + points.map((p) => p.join(",")).join("\n") });
    assert.equal(piped.code, 0, piped.stderr);
    const lines = piped.stdout.trim().split("\n");
    assert.equal(lines[0], "class,p_upper,p_lower");
    lines.slice(1).forEach((line, i) => {
      const [name, p0] = line.split(",");
      assert.equal(name, rows[i]!.class);
      assert.ok(Math.abs(Number(p0) - probabilities[i]![0]!) < 1e-5);
    });
  });

  test("info --json reports the architecture, parameter count and training settings", async () => {
    const result = await nabla(["info", "--model", run, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const info = JSON.parse(result.stdout);
    const { model, config } = await libraryProbabilities(tensor([[0, 0]]));
    assert.equal(info.parameters, model.parameters().reduce((n, p) => n + p.size, 0));
    assert.deepEqual(info.config, config);
    assert.equal(info.config.training.optimizer.name, "adam");
    const text = await nabla(["info", "--model", run]);
    assert.match(text.stdout, /architecture: 2-8-2 relu \(42 parameters, float32/);
  });

  test("graph --model draws the network's layers", async () => {
    const out = join(work, "model-graph");
    const result = await nabla(["graph", "--model", run, "--out", out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(readFileSync(join(out, "model-graph.dot"), "utf8"), /0: Linear/);
    assertWellFormedSvg(readFileSync(join(out, "model-graph.svg"), "utf8"));
    pngSize(readFileSync(join(out, "model-graph.png")));
  });

  test("nabla train with no arguments trains on moons and says where the pictures are", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "nabla-cli-default-"));
    try {
      const result = await nabla(["train"], { cwd });
      assert.equal(result.code, 0, result.stderr);
      const [runDir] = readdirSync(join(cwd, "runs"));
      assert.match(runDir!, /^\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d$/);
      assert.ok(result.stdout.includes(join("runs", runDir!, "decision-boundary.png")));
      assert.ok(existsSync(join(cwd, "runs", runDir!, "decision-boundary.png")));
      const validation = Number(/validation +[\d.]+ +([\d.]+)/.exec(result.stdout)![1]);
      assert.ok(validation > 0.9, `validation accuracy ${validation}`);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
