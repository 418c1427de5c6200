import "../helpers.js";
import { testDocument } from "./code-blocks.js";

// On a machine without a WebGPU adapter the blocks run on wasm and print the same.
testDocument("docs/webgpu.md", 2);
