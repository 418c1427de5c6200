import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, manualSeed, nn, optim, randint, randn, tensor, type Tensor } from "../../src/index.js";
import { Code, encodeModule, OP, VALUE } from "../../src/compile/wasm-binary.js";
import { exportedSignatures } from "../../src/compile/wasm-signatures.js";
import { kernelModuleBytes } from "../../src/backend/wasm/wasm-module.js";
import { fusedCodegen } from "../../src/compile/wasm-generated.js";
import { trainingStep } from "./eager-vs-compiled.js";
import { TinyGPT } from "../../examples/tiny-gpt.js";

// A replay's steps that only call kernels with fixed arguments run, once generated, as one
// WebAssembly function per run of them (wasm-generated.ts), which imports each kernel with the
// type the kernel module declares (wasm-signatures.ts reads them from its bytes).

const onWasm = { skip: backendUnderTest !== "wasm" ? "generated code runs on the wasm backend's plans" : false };

test("exportedSignatures reads each exported function's types, imported functions counted first", () => {
  const body = new Code().op(OP.i32Const).i32(7);
  const bytes = encodeModule({
    memory: { pages: 1, shared: false },
    imports: [{ module: "m", name: "f", params: [VALUE.f64], results: [] }],
    functions: [
      { name: "seven", params: [VALUE.i32, VALUE.f32], results: [VALUE.i32], locals: [], body },
      { name: "nothing", params: [], results: [], locals: [VALUE.f64], body: new Code() },
    ],
  });
  const signatures = exportedSignatures(bytes);
  assert.deepEqual([...signatures.keys()], ["seven", "nothing"]);
  assert.deepEqual(signatures.get("seven"), { params: [VALUE.i32, VALUE.f32], results: [VALUE.i32] });
  assert.deepEqual(signatures.get("nothing"), { params: [], results: [] });
  assert.throws(() => exportedSignatures(new Uint8Array([0, 0x61, 0x73, 0x6e, 1, 0, 0, 0])), /not a WebAssembly module/);
});

test("the kernel module's signatures are the ones its source declares", () => {
  const signatures = exportedSignatures(kernelModuleBytes());
  // unaryF32(op: i32, x: usize, y: usize, n: i32, alpha: f64, beta: f64): void (assembly/index.ts)
  assert.deepEqual(signatures.get("unaryF32"), { params: [VALUE.i32, VALUE.i32, VALUE.i32, VALUE.i32, VALUE.f64, VALUE.f64], results: [] });
  // fillF32(out: usize, value: f64, n: i32): void
  assert.deepEqual(signatures.get("fillF32"), { params: [VALUE.i32, VALUE.f64, VALUE.i32], results: [] });
  assert.deepEqual(signatures.get("heapBase"), { params: [], results: [VALUE.i32] });
});

/** Losses and parameters of `steps` calls, eager or compiled with every step generated at once; the generated runs counted. */
function lossesOf(setup: () => { model: nn.Module<[Tensor], Tensor>; step: (x: Tensor, y: Tensor) => Tensor }, x: Tensor, y: Tensor, steps: number, compiled: boolean) {
  manualSeed(3);
  const { model, step } = setup();
  const segments: number[] = [];
  fusedCodegen.mode = "generated";
  fusedCodegen.onModule = (report) => void segments.push(report.segments);
  try {
    const call = compiled ? compile(step) : step;
    const losses = Array.from({ length: steps }, () => call(x, y).item());
    return { losses, params: model.parameters().map((p) => Array.from(p.toTypedArray())), segments };
  } finally {
    fusedCodegen.mode = "auto";
    fusedCodegen.onModule = null;
  }
}

test("runs of kernel calls as generated functions: a transformer block's and a CNN's training steps stay eager's bits", onWasm, () => {
  const block = () => {
    const model = new nn.Sequential(new nn.Linear(12, 16), new nn.LayerNorm(16), new nn.GELU(), new nn.Dropout(0.1), new nn.Linear(16, 5));
    return { model, step: trainingStep(model, new optim.AdamW(model.parameters(), { lr: 1e-2 })) };
  };
  const x = randn([24, 12]);
  const y = tensor(Array.from({ length: 24 }, (_, i) => (i * 3) % 5));
  const eager = lossesOf(block, x, y, 6, false);
  const compiled = lossesOf(block, x, y, 6, true);
  assert.ok(compiled.segments.length === 1 && compiled.segments[0]! > 0, `segments: ${compiled.segments.join(", ")}`);
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);

  const cnn = () => {
    const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(64, 3));
    return { model, step: trainingStep(model, new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 })) };
  };
  const images = randn([6, 1, 8, 8]);
  const labels = tensor([0, 1, 2, 2, 1, 0]);
  const eagerCnn = lossesOf(cnn, images, labels, 5, false);
  const compiledCnn = lossesOf(cnn, images, labels, 5, true);
  assert.ok(compiledCnn.segments[0]! > 0);
  assert.deepEqual(compiledCnn.losses, eagerCnn.losses);
  assert.deepEqual(compiledCnn.params, eagerCnn.params);
});

test("runs of kernel calls as generated functions: the tiny GPT's step (attention's split heads copied dense inside a run) stays eager's bits", onWasm, () => {
  const gpt = () => {
    const model = new TinyGPT();
    const lossOf = (logits: Tensor, target: Tensor) => nn.functional.crossEntropy(logits.reshape([2 * 64, 65]), target.reshape([2 * 64]));
    return { model, step: trainingStep(model, new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 }), lossOf) };
  };
  const [x, y] = [randint(0, 65, [2, 64]), randint(0, 65, [2, 64])];
  const eager = lossesOf(gpt, x, y, 3, false);
  const compiled = lossesOf(gpt, x, y, 3, true);
  assert.ok(compiled.segments[0]! > 0);
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
});

test("an out-of-range class target between generated runs is still the replay's error, and the plan runs on after it", onWasm, () => {
  const model = new nn.Sequential(new nn.Linear(3, 8), new nn.ReLU(), new nn.Linear(8, 4));
  const step = trainingStep(model, new optim.SGD(model.parameters(), { lr: 0.1 }));
  fusedCodegen.mode = "generated";
  try {
    const compiled = compile(step);
    const x = randn([5, 3]);
    const good = tensor([0, 1, 2, 3, 0]);
    for (let i = 0; i < 3; i++) compiled(x, good);
    assert.throws(() => compiled(x, tensor([0, 1, 9, 3, 0])), /index 9 at position 2 is out of range/);
    assert.ok(Number.isFinite(compiled(x, good).item()));
  } finally {
    fusedCodegen.mode = "auto";
  }
});

test("where the engine refuses to compile the module with its runs synchronously (a browser's size limit), the groups alone are generated", onWasm, () => {
  const mlp = () => {
    const model = new nn.Sequential(new nn.Linear(3, 16), new nn.ReLU(), new nn.Linear(16, 2));
    return { model, step: trainingStep(model, new optim.SGD(model.parameters(), { lr: 0.1 })) };
  };
  const x = randn([40, 3]);
  const y = tensor(Array.from({ length: 40 }, (_, i) => i % 2));
  const eager = lossesOf(mlp, x, y, 4, false);
  // a stand-in for Chrome's main-thread limit: a module that imports the products (only the runs do) is refused
  const Original = WebAssembly.Module;
  const refusing = function (bytes: BufferSource) {
    if (Buffer.from(bytes as Uint8Array).includes("matmul")) throw new RangeError("WebAssembly.Module is disallowed on the main thread, if the buffer size is larger than 4KB");
    return new Original(bytes);
  } as unknown as typeof WebAssembly.Module;
  WebAssembly.Module = refusing;
  let compiled: ReturnType<typeof lossesOf>;
  try {
    compiled = lossesOf(mlp, x, y, 4, true);
  } finally {
    WebAssembly.Module = Original;
  }
  assert.deepEqual(compiled.segments, [0]); // one module, generated with no runs
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
});
