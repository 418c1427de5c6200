import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { tensor } from "../../src/index.js";
import { nextHint } from "../../src/cli/commands/train.js";
import type { LoadedData } from "../../src/cli/data-source.js";

function loaded(extra: Partial<LoadedData>, record: Record<string, string | number>): LoadedData {
  return { x: tensor([[0, 0]]), y: tensor([0]), classNames: ["a", "b"], inputShape: [2], description: "", record, standardize: true, ...extra };
}

test("the next: hint after train suggests the data the model was trained on", () => {
  const idx = nextHint("runs/f", loaded({ inputShape: [784] }, { data: "/usr/share/datasets/fashion-mnist" }));
  assert.equal(idx, "next: nabla eval --model runs/f --data /usr/share/datasets/fashion-mnist · nabla graph --model runs/f");
  assert.doesNotMatch(idx, /points\.csv/);
  const csv = nextHint("runs/c", loaded({ featureNames: ["a", "b"], labelColumn: "species" }, { data: "iris.csv", label: "species" }));
  assert.match(csv, /nabla predict --model runs\/c --input iris\.csv/);
  const builtIn = nextHint("runs/m", loaded({ featureNames: ["x1", "x2"] }, { data: "moons" }));
  assert.match(builtIn, /nabla predict --model runs\/m --input points\.csv \(columns x1,x2\)/);
});
