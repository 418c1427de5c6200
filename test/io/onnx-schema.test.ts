// The JSON descriptor nabla loads at run time is the one protobufjs makes from ONNX's onnx.proto.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
// @ts-expect-error: a plain .mjs script without type declarations
import { onnxSchemaSource } from "../../scripts/onnx-schema-source.mjs";

test("src/io/onnx/onnx-schema.ts is current with src/io/onnx/onnx.proto (run scripts/generate-onnx-schema.mjs)", () => {
  const proto = readFileSync(new URL("../../src/io/onnx/onnx.proto", import.meta.url), "utf8");
  const committed = readFileSync(new URL("../../src/io/onnx/onnx-schema.ts", import.meta.url), "utf8");
  assert.equal(committed, (onnxSchemaSource as (text: string) => string)(proto));
});
