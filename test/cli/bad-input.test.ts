import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendUnderTest } from "../helpers.js";
import { io, nn } from "../../src/index.js";
import { createProgram } from "../../src/cli/program.js";
import { nabla } from "./run-nabla.js";

const work = mkdtempSync(join(tmpdir(), "nabla-cli-bad-"));
after(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(work, name), text);
  return join(work, name);
};
const notAModel = join(work, "empty-dir");
mkdirSync(notAModel);
const model = join(work, "model");
before(() => io.save(new nn.Sequential(new nn.Linear(2, 2)), model, { classNames: ["a", "b"], featureNames: ["x1", "x2"] }));

const cases: [string, () => string[], RegExp][] = [
  ["unknown dataset", () => ["train", "--data", "nosuch"], /^nabla train: unknown data "nosuch": not a built-in dataset \(moons, circles, xor, spiral, blobs\) nor an existing CSV file or IDX directory$/],
  ["CSV row with a non-number", () => ["train", "--data", file("bad.csv", "a,b,label\n1,2,0\n3,oops,1\n")], /^nabla train: loadCsv: .*bad\.csv: line 3, column 2 \("b"\): "oops" is not a number$/],
  ["label column that does not exist", () => ["train", "--data", file("ok.csv", "a,b,label\n1,2,0\n3,4,1\n"), "--label", "species"], /^nabla train: loadCsv: .*ok\.csv: unknown label column "species"; the columns are "a", "b", "label"$/],
  ["CSV without a label column and no --label", () => ["train", "--data", file("nolabel.csv", "a,b,y\n1,2,0\n3,4,1\n")], /unknown label column "label"; the columns are "a", "b", "y" \(name the label column with --label\)$/],
  ["predict input without a header", () => ["predict", "--model", model, "--input", file("noheader.csv", "0.5,0.25\n1,2\n")], /^nabla predict: .*noheader\.csv: the first line \(0\.5,0\.25\) looks like data; the CSV needs a header line naming the columns$/],
  ["predict input with the wrong columns", () => ["predict", "--model", model, "--input", file("wrong.csv", "a,b,c\n1,2,3\n")], /^nabla predict: .*wrong\.csv has columns a, b, c; the model expects 2 features \(x1, x2\)$/],
  ["labels that are not class indices", () => ["train", "--data", file("frac.csv", "a,label\n1,0.5\n3,1\n")], /label column "label" holds 0\.5 on data row 1; labels must be class indices/],
  ["a model directory that is not one (eval)", () => ["eval", "--model", notAModel, "--data", "moons"], /^nabla eval: io\.load: .*empty-dir is not a nabla model directory \(config\.json not found\)$/],
  ["a model directory that does not exist (predict)", () => ["predict", "--model", join(work, "missing"), "--input", "-"], /^nabla predict: io\.load: model directory .*missing does not exist$/],
  ["a model directory that is not one (info)", () => ["info", "--model", notAModel], /not a nabla model directory/],
  ["--lr -1", () => ["train", "--lr", "-1"], /^nabla train: --lr must be a positive number, got -1$/],
  ["--epochs 2.5", () => ["train", "--epochs", "2.5"], /^nabla train: --epochs must be an integer ≥ 1, got 2\.5$/],
  ["--layers that do not fit the data", () => ["train", "--layers", "3-8-2"], /^nabla train: --layers starts with 3 inputs but the data has 2 features$/],
  ["--momentum with adam", () => ["train", "--momentum", "0.9"], /^nabla train: --momentum applies to sgd and rmsprop, not adam$/],
  ["--loss bce on three classes", () => ["train", "--data", "spiral", "--loss", "bce"], /--loss bce is for two classes/],
  ["unknown backend", () => ["train", "--backend", "gpu"], /^error: option '--backend <name>' argument 'gpu' is invalid\. Allowed choices are wasm, js\.$/],
  ["unknown option", () => ["train", "--learning-rate", "0.1"], /^error: unknown option '--learning-rate'/],
  ["expression syntax error", () => ["graph", "(x + y * z", "--x", "1", "--y", "2", "--z", "3"], /^nabla graph: expected "\)" but found the end at column 11 of "\(x \+ y \* z"$/],
  ["expression variable without a value", () => ["graph", "x * y", "--x", "1"], /^nabla graph: y has no value: pass --y <number or JSON array>/],
  ["unknown function", () => ["graph", "gelu(x)", "--x", "1"], /^nabla graph: unknown function gelu\(\) at column 1/],
  ["shapes that do not broadcast", () => ["graph", "x + y", "--x", "[1,2]", "--y", "[1,2,3]"], /^nabla graph: x \+ y: add: cannot broadcast \[2\] with \[3\]$/],
  ["expression variable given but unused", () => ["graph", "x * 2", "--x", "1", "--y", "2"], /^nabla graph: --y is given but y does not appear in the expression$/],
  ["expression variable given but assigned first", () => ["graph", "x = 2; f = x * y", "--x", "1", "--y", "2"], /^nabla graph: --x is given but the expression assigns x before reading it$/],
];

describe("bad input: non-zero exit, one line naming the problem, no stack trace", { concurrency: 4, skip: backendUnderTest !== "js" && "the CLI runs on the default backend; tested in the js pass" }, () => {
  for (const [what, args, message] of cases) {
    test(what, async () => {
      const result = await nabla(args());
      assert.notEqual(result.code, 0);
      const lines = result.stderr.trimEnd().split("\n").filter((line) => !/^(data:|\(Did you mean)/.test(line));
      assert.equal(lines.length, 1, `stderr: ${result.stderr}`);
      assert.match(lines[0]!, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }
});

describe("--help", { concurrency: 2, skip: backendUnderTest !== "js" && "tested in the js pass" }, () => {
  for (const command of ["", "train"]) {
    test(`nabla ${command} --help exits 0 with examples`, async () => {
      const result = await nabla(command === "" ? ["--help"] : [command, "--help"]);
      assert.equal(result.code, 0);
      assert.match(result.stdout, /Examples:\n\s+\$ nabla/);
    });
  }

  test("every command's help has examples (in-process, the same program the binary builds)", () => {
    const program = createProgram();
    assert.deepEqual(program.commands.map((c) => c.name()), ["train", "eval", "predict", "graph", "info", "export"]);
    for (const command of program.commands) {
      let help = "";
      command.configureOutput({ writeOut: (text) => (help += text) });
      command.outputHelp();
      assert.match(help, /Examples:\n\s+\$ nabla/, command.name());
    }
  });
});
