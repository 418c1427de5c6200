// Model directories with nn.Upsample: config.json describes and rebuilds it, and checks its
// fields and the shapes it makes like every other layer's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, manualSeed, nn, randn } from "../../src/index.js";

test("Upsample layers save and load with their settings and the same outputs", async () => {
  manualSeed(84);
  const model = new nn.Sequential(
    new nn.Conv2d(2, 3, 3), new nn.Upsample({ scaleFactor: [2, 1.5], mode: "bilinear", alignCorners: true }), new nn.ReLU(),
    new nn.Upsample({ size: 5, mode: "area" }), new nn.Flatten(2), new nn.Upsample({ size: [7], mode: "linear" }), new nn.Upsample({ scaleFactor: 2, mode: "nearest-exact" }),
    new nn.Flatten(), new nn.Linear(42, 2),
  );
  const dir = mkdtempSync(join(tmpdir(), "nabla-model-upsample-"));
  const written = await io.save(model, dir, { inputShape: [2, 6, 6] });
  assert.deepEqual(written.architecture[1], { type: "upsample", size: null, scaleFactor: [2, 1.5], mode: "bilinear", alignCorners: true });
  assert.deepEqual(written.architecture[3], { type: "upsample", size: 5, scaleFactor: null, mode: "area", alignCorners: null });
  assert.deepEqual(io.checkArchitecture(written.architecture, [2, 6, 6]).outputShape, [2]);
  const { model: loaded } = await io.load(dir);
  const x = randn([3, 2, 6, 6]);
  assertClose(loaded.call(x), model.call(x).toArray() as number[][], 0, 0);
});

test("bad Upsample fields and shapes name the field's path and the layer", () => {
  const check = (architecture: unknown[], inputShape: number[], pattern: RegExp) => assert.throws(() => io.checkArchitecture(architecture, inputShape), pattern);
  check([{ type: "upsample" }], [1, 4, 4], /architecture\[0\] \(upsample\): give one of size and scaleFactor, got neither/);
  check([{ type: "upsample", size: 4, scaleFactor: 2 }], [1, 4, 4], /\(upsample\): give only one of size and scaleFactor, got both/);
  check([{ type: "upsample", scaleFactor: 1e9 }], [1, 4, 4], /\(upsample\)\.scaleFactor: must be a number in \(0, 65536\], or a list of 1 or 2 of them, got 1000000000/);
  check([{ type: "upsample", size: [2, 2, 2] }], [1, 4, 4], /\(upsample\)\.size: must be an integer in \[1, 16777216\], or a list of 1 or 2 of them/);
  check([{ type: "upsample", size: 2, mode: "bicubic" }], [1, 4, 4], /\(upsample\)\.mode: must be one of "nearest", "nearest-exact", "linear", "bilinear", "area", got "bicubic"/);
  check([{ type: "upsample", size: 2, alignCorners: true }], [1, 4, 4], /\(upsample\): alignCorners applies only to the linear modes/);
  check([{ type: "upsample", size: 2, mode: "linear" }], [1, 4, 4], /architecture\[0\] \(Upsample\(size=2, mode="linear"\)\) does not fit its input: mode "linear" needs a 3-D input, got 4-D/);
  check([{ type: "upsample", size: [2, 3] }], [1, 4], /does not fit its input: size must be a number or 1 of them/);
  check([{ type: "upsample", scaleFactor: 0.1 }], [1, 4, 4], /does not fit its input: scaleFactor 0.1 makes an empty output from spatial size \[4, 4\]/);
  check([{ type: "upsample", size: 2 }], [4], /does not fit its input: expects samples \[C, L\] or \[C, H, W\], got \[4\]/);
  check([{ type: "upsample", scaleFactor: 60000 }], [64, 64, 64], /makes samples of shape \[64, 3840000, 3840000\] \(943718400000000 values\); at most 268435456 are allowed/);
  check([{ type: "upsample", size: 2, alignCorners: "yes" }], [1, 4, 4], /\(upsample\)\.alignCorners: must be true or false, got "yes"/);
});
