// Regenerates src/io/onnx/onnx-schema.ts, the JSON descriptor of ONNX's published schema
// (src/io/onnx/onnx.proto, copied unchanged from the onnx 1.12 Python package:
// /usr/lib/python3/dist-packages/onnx/onnx.proto), with protobufjs's own .proto parser.
// At run time nabla loads the descriptor with protobufjs/light (no .proto parser in the bundle).
// test/io/onnx-schema.test.ts fails when the committed descriptor and the .proto disagree.
//
// Run: node scripts/generate-onnx-schema.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { onnxSchemaSource } from "./onnx-schema-source.mjs";

const target = fileURLToPath(new URL("../src/io/onnx/onnx-schema.ts", import.meta.url));
const proto = readFileSync(fileURLToPath(new URL("../src/io/onnx/onnx.proto", import.meta.url)), "utf8");
writeFileSync(target, onnxSchemaSource(proto));
console.log(`wrote ${target}`);
