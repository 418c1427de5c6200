import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendUnderTest } from "../helpers.js";
import { nabla, type Run } from "./run-nabla.js";

const work = mkdtempSync(join(tmpdir(), "nabla-cli-labels-"));
after(() => rmSync(work, { recursive: true, force: true }));
const once = { concurrency: 3, skip: backendUnderTest !== "js" && "the CLI runs on the default backend; tested in the js pass" };

/** Three well-separated flower species on two measurements, named in the label column. */
function flowers(rows: number, species: readonly string[]): string {
  const centres: Record<string, [number, number]> = { setosa: [1.4, 0.2], versicolor: [4.3, 1.3], virginica: [5.6, 2.1] };
  const lines = ["petal_length,species,petal_width"];
  for (let i = 0; i < rows; i++) {
    const name = species[i % species.length]!;
    const [length, width] = centres[name]!;
    lines.push(`${(length + 0.2 * Math.sin(i * 1.7)).toFixed(3)},${name},${(width + 0.1 * Math.cos(i * 2.3)).toFixed(3)}`);
  }
  return lines.join("\n") + "\n";
}

describe("nabla with text labels and named columns", once, () => {
  const train = join(work, "flowers.csv");
  const heldOut = join(work, "held-out.csv");
  const run = join(work, "run");
  let trained: Run;
  before(async () => {
    writeFileSync(train, flowers(90, ["virginica", "setosa", "versicolor"]));
    writeFileSync(heldOut, flowers(20, ["versicolor", "virginica"]));
    trained = await nabla(["train", "--data", train, "--label", "species", "--epochs", "30", "--hidden", "8", "--out", run]);
  });

  test("text labels become the model's classes, sorted; info prints them; the next hint names the training file", () => {
    assert.equal(trained.code, 0, trained.stderr);
    const config = JSON.parse(readFileSync(join(run, "config.json"), "utf8"));
    assert.deepEqual(config.classNames, ["setosa", "versicolor", "virginica"]);
    assert.match(trained.stdout, new RegExp(`nabla predict --model ${run} --input ${train.replace(/[.]/g, "\\.")}`));
  });

  test("info prints the class names", async () => {
    const info = await nabla(["info", "--model", run]);
    assert.match(info.stdout, /^classes: +setosa, versicolor, virginica$/m);
  });

  test("eval maps a held-out file's names to the model's classes, even with one class missing", async () => {
    const result = await nabla(["eval", "--model", run, "--data", heldOut, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(report.classes.map((c: { name: string; support: number }) => [c.name, c.support]), [["setosa", 0], ["versicolor", 10], ["virginica", 10]]);
    assert.equal(report.accuracy, 1);
    assert.equal(report.trainingData, false);
  });

  test("eval on the training file itself says it is no held-out score", async () => {
    const result = await nabla(["eval", "--model", run, "--data", train]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^note: +the file the model was trained on .*not a held-out score/m);
  });

  test("a label name the model does not know is refused, naming it", async () => {
    const strange = join(work, "strange.csv");
    writeFileSync(strange, "petal_length,species,petal_width\n1.4,setosa,0.2\n3.0,daisy,1.0\n");
    const result = await nabla(["eval", "--model", run, "--data", strange]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /label column "species" holds "daisy", not among the model's classes \(setosa, versicolor, virginica\)/);
  });

  test("predict prints the names, and refuses other column names with eval's message", async () => {
    const good = await nabla(["predict", "--model", run, "--input", "-"], { input: "petal_width,petal_length\n0.2,1.4\n2.1,5.6\n" });
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual(good.stdout.trim().split("\n").map((line) => line.split(",")[0]), ["class", "setosa", "virginica"]);
    const renamed = "petal_length,sepal_width\n1.4,0.2\n";
    const predicted = await nabla(["predict", "--model", run, "--input", "-"], { input: renamed });
    assert.notEqual(predicted.code, 0);
    const message = "the data's columns are petal_length, sepal_width but the model was trained on petal_length, petal_width";
    assert.ok(predicted.stderr.includes(message), predicted.stderr);
    const renamedFile = join(work, "renamed.csv");
    writeFileSync(renamedFile, "petal_length,species,sepal_width\n1.4,setosa,0.2\n5.6,virginica,2.1\n");
    const evaluated = await nabla(["eval", "--model", run, "--data", renamedFile]);
    assert.ok(evaluated.stderr.includes(message), evaluated.stderr);
  });
});
