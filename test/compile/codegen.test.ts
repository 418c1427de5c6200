import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, manualSeed, nn, noGrad, optim, randn, tensor, type Tensor } from "../../src/index.js";
import type { DataRef } from "../../src/backend/backend.js";
import type { JsBuffer } from "../../src/backend/js-buffer.js";
import { Code, encodeModule, OP, SIMD, VALUE } from "../../src/compile/wasm-binary.js";
import { fusedCodegen, GENERATE_AFTER, GENERATE_AFTER_MILLISECONDS } from "../../src/compile/wasm-generated.js";
import { trainingStep } from "./eager-vs-compiled.js";

const bytesOf = (code: Code): number[] => Array.from(code.toBytes());

test("the encoder writes LEB128 as the format defines it (unsigned and signed, one to five bytes)", () => {
  assert.deepEqual(bytesOf(new Code().u32(0)), [0]);
  assert.deepEqual(bytesOf(new Code().u32(127)), [0x7f]);
  assert.deepEqual(bytesOf(new Code().u32(128)), [0x80, 0x01]);
  assert.deepEqual(bytesOf(new Code().u32(624485)), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(bytesOf(new Code().u32(0xffffffff)), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(bytesOf(new Code().i32(63)), [0x3f]);
  assert.deepEqual(bytesOf(new Code().i32(64)), [0xc0, 0x00]);
  assert.deepEqual(bytesOf(new Code().i32(-1)), [0x7f]);
  assert.deepEqual(bytesOf(new Code().i32(-64)), [0x40]);
  assert.deepEqual(bytesOf(new Code().i32(-65)), [0xbf, 0x7f]);
  assert.deepEqual(bytesOf(new Code().i32(-123456)), [0xc0, 0xbb, 0x78]);
  assert.throws(() => new Code().u32(-1), /not a u32/);
  assert.throws(() => new Code().u32(2 ** 32), /not a u32/);
});

test("an encoded module validates and runs: an import called, locals, a loop over the imported memory with f32x4", () => {
  // add(a, b) = twice(a) + b, twice imported
  const add = new Code().op(OP.localGet).u32(0).op(OP.call).u32(0).op(OP.localGet).u32(1).op(OP.i32Add);
  // sum4(p, n): out[i] = x[i] + y[i] for i < n (n a multiple of four), x at p, y at p + 16n bytes… as f32x4
  const sum = new Code();
  sum.op(OP.block).byte(0x40).op(OP.loop).byte(0x40);
  sum.op(OP.localGet).u32(2).op(OP.localGet).u32(1).op(OP.i32GeU).op(OP.brIf).u32(1);
  sum.op(OP.localGet).u32(2).op(OP.i32Const).i32(16).op(OP.i32Mul).op(OP.localTee).u32(3);
  sum.op(OP.localGet).u32(3).simd(SIMD.load).memarg(2, 0).op(OP.localGet).u32(3).simd(SIMD.load).memarg(2, 1024).simd(SIMD.f32.add).simd(SIMD.store).memarg(2, 2048);
  sum.op(OP.localGet).u32(2).op(OP.i32Const).i32(1).op(OP.i32Add).op(OP.localSet).u32(2).op(OP.br).u32(0).op(OP.end).op(OP.end);
  for (const shared of [false, true]) {
    const bytes = encodeModule({
      memory: { pages: 1, shared },
      imports: [{ module: "host", name: "twice", params: [VALUE.i32], results: [VALUE.i32] }],
      functions: [
        { name: "add", params: [VALUE.i32, VALUE.i32], results: [VALUE.i32], locals: [], body: add },
        { name: "sum4", params: [VALUE.i32, VALUE.i32], results: [], locals: [VALUE.i32, VALUE.i32], body: sum },
      ],
    });
    assert.ok(WebAssembly.validate(bytes), `shared ${shared}`);
    const memory = new WebAssembly.Memory(shared ? { initial: 1, maximum: 1, shared } : { initial: 1 });
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory }, host: { twice: (x: number) => 2 * x } }).exports as { add: (a: number, b: number) => number; sum4: (p: number, n: number) => void };
    assert.equal(exports.add(7, 35), 49);
    const view = new Float32Array(memory.buffer);
    for (let i = 0; i < 12; i++) [view[i], view[256 + i]] = [i + 0.5, 10 * i];
    exports.sum4(0, 3);
    assert.deepEqual(Array.from(view.subarray(512, 524)), Array.from({ length: 12 }, (_, i) => Math.fround(i + 0.5 + 10 * i)));
  }
  // a body that leaves a value where none is declared does not validate
  const wrong = encodeModule({ memory: null, imports: [], functions: [{ name: "f", params: [], results: [], locals: [], body: new Code().op(OP.i32Const).i32(1) }] });
  assert.equal(WebAssembly.validate(wrong), false);
});

const onWasm = { skip: backendUnderTest !== "wasm" ? "the generated code runs on the wasm backend's plans" : false };

/**
 * Losses and parameters of `steps` calls: eagerly, and compiled with the fused groups on the
 * interpreter and on generated code; the modules generated in each run are counted.
 */
function threeWays(setup: () => { parameters: () => Tensor[]; step: (x: Tensor, y: Tensor) => Tensor }, x: Tensor, y: Tensor, steps: number) {
  const run = (mode: "eager" | "interpreter" | "generated") => {
    manualSeed(5);
    const { parameters, step } = setup();
    const modules: number[] = [];
    fusedCodegen.mode = mode === "eager" ? "auto" : mode;
    fusedCodegen.onModule = (report) => void modules.push(report.groups);
    try {
      const compiled = mode === "eager" ? null : compile(step);
      const losses: number[] = [];
      for (let i = 0; i < steps; i++) losses.push((compiled ?? step)(x, y).item());
      if (compiled !== null) assert.equal(compiled.stats.eager, 0);
      return { losses, params: parameters().map((p) => Array.from(p.toTypedArray())), modules };
    } finally {
      fusedCodegen.mode = "auto";
      fusedCodegen.onModule = null;
    }
  };
  return { eager: run("eager"), interpreter: run("interpreter"), generated: run("generated") };
}

function assertSame(runs: ReturnType<typeof threeWays>): void {
  const { eager, interpreter, generated } = runs;
  assert.equal(interpreter.modules.length, 0, "the interpreter's run generates nothing");
  assert.ok(generated.modules.length > 0 && generated.modules[0]! > 0, "the generated run generates its groups");
  assert.deepEqual(interpreter.losses, eager.losses);
  assert.deepEqual(generated.losses, eager.losses);
  assert.deepEqual(generated.params, eager.params);
  assert.ok(eager.losses[eager.losses.length - 1]! < eager.losses[0]!, "it trains");
}

test("generated code: bias + ReLU, softmax cross-entropy's backward, SGD with momentum, bit for bit with eager (rows of 24 in place, rows of 5 lane by lane)", onWasm, () => {
  const x = randn([37, 6]);
  const y = tensor(Array.from({ length: 37 }, (_, i) => i % 5));
  const setup = () => {
    const model = new nn.Sequential(new nn.Linear(6, 24), new nn.ReLU(), new nn.Linear(24, 24), new nn.ReLU(), new nn.Linear(24, 5));
    const step = trainingStep(model, new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }));
    return { parameters: () => model.parameters(), step };
  };
  assertSame(threeWays(setup, x, y, 40));
});

test("generated code: GELU (erf) and its gradient called block by block between inline ops, under Adam, bit for bit with eager", onWasm, () => {
  const x = randn([50, 20]);
  const y = tensor(Array.from({ length: 50 }, (_, i) => i % 3));
  const setup = () => {
    const model = new nn.Sequential(new nn.Linear(20, 64), new nn.GELU(), new nn.Linear(64, 64), new nn.GELU(), new nn.Linear(64, 3));
    const step = trainingStep(model, new optim.Adam(model.parameters(), { lr: 0.01 }));
    return { parameters: () => model.parameters(), step };
  };
  assertSame(threeWays(setup, x, y, 25));
});

for (const dtype of ["float32", "float64"] as const) {
  test(`generated code (${dtype}): row and column broadcasts of 29, tanh and exp called, clamp, abs, sqrt, reciprocal, relu, a tail of one element, bit for bit with eager`, onWasm, () => {
    // [37, 29] = 1073 elements: three blocks where a call splits the group, then one element
    const x = randn([37, 29]).to(dtype);
    const y = randn([37, 1]).sigmoid().to(dtype);
    const setup = () => {
      const w = tensor(Array.from(randn([29]).toTypedArray()), { dtype, requiresGrad: true });
      const v = tensor(Array.from(randn([37, 1]).toTypedArray()), { dtype, requiresGrad: true, shape: [37, 1] });
      const optimizer = new optim.SGD([w, v], { lr: 0.05, momentum: 0.5 });
      const step = (input: Tensor, target: Tensor) => {
        optimizer.zeroGrad();
        const h = input.mul(w).add(v).tanh().mul(2).sub(input.exp().clamp(0.5, 2)).add(input.abs().add(1).sqrt().reciprocal()).relu();
        const p = h.sum(1, true).div(29).sigmoid().clamp(1e-6, 1 - 1e-6);
        const loss = nn.functional.binaryCrossEntropy(p, target).add(h.square().mean().mul(0.01));
        loss.backward();
        optimizer.step();
        return loss;
      };
      return { parameters: () => [w, v], step };
    };
    assertSame(threeWays(setup, x, y, 25));
  });
}

/** A small training run, eager or compiled, with the call at which each generated module was made (calls 0 and 1 trace; replay r is call r + 1). */
function codegenRun(compiled: boolean, calls: number): { losses: number[]; generatedAt: number[] } {
  manualSeed(4);
  const x = randn([40, 3]);
  const y = tensor(Array.from({ length: 40 }, (_, i) => i % 2));
  const model = new nn.Sequential(new nn.Linear(3, 16), new nn.ReLU(), new nn.Linear(16, 2));
  const step = trainingStep(model, new optim.SGD(model.parameters(), { lr: 0.1 }));
  const call = compiled ? compile(step) : step;
  const losses: number[] = [];
  const generatedAt: number[] = [];
  fusedCodegen.onModule = () => void generatedAt.push(losses.length);
  try {
    for (let i = 0; i < calls; i++) losses.push(call(x, y).item());
  } finally {
    fusedCodegen.onModule = null;
  }
  return { losses, generatedAt };
}

test(`"auto" runs a plan's groups on the interpreter for ${GENERATE_AFTER} replays and as generated code after, bit for bit with eager across the switch`, onWasm, () => {
  const eager = codegenRun(false, GENERATE_AFTER + 20);
  fusedCodegen.afterMilliseconds = Infinity; // the count alone, however slow the machine
  try {
    const compiled = codegenRun(true, GENERATE_AFTER + 20);
    assert.deepEqual(compiled.generatedAt, [GENERATE_AFTER + 1]);
    assert.deepEqual(compiled.losses, eager.losses);
  } finally {
    fusedCodegen.afterMilliseconds = GENERATE_AFTER_MILLISECONDS;
  }
});

test(`"auto" generates a plan whose replays have taken ${GENERATE_AFTER_MILLISECONDS} ms before its replay ${GENERATE_AFTER}, bit for bit with eager across the switch`, onWasm, () => {
  const eager = codegenRun(false, 12);
  fusedCodegen.afterMilliseconds = 0; // any first replay has taken that long
  try {
    const compiled = codegenRun(true, 12);
    assert.deepEqual(compiled.generatedAt, [2]); // during replay 1 (call 2), after its steps
    assert.deepEqual(compiled.losses, eager.losses);
  } finally {
    fusedCodegen.afterMilliseconds = GENERATE_AFTER_MILLISECONDS;
  }
});

for (const dtype of ["float32", "float64"] as const) {
  test(`generated code (${dtype}) writes every output element of every op as the interpreter does, bit for bit, with ±0, NaN, ±∞ and subnormals in the input`, onWasm, () => {
    // [37, 31] = 1147 elements: the last three (f32) or one (f64) in the scalar tail
    const special = [-0, 0, NaN, Infinity, -Infinity, 1e-40, -1e-40, 2.5, -2.5, 0.5, -0.5];
    const values = Array.from(randn([37, 31]).mul(3).toTypedArray());
    for (let i = 0; i < values.length; i += 7) values[i] = special[(i / 7) % special.length]!;
    for (let i = values.length - 11; i < values.length; i++) values[i] = special[i - (values.length - 11)]!;
    const x = tensor(values, { dtype, shape: [37, 31] });
    const w = randn([31]).to(dtype);
    const v = randn([37, 1]).to(dtype);
    const s = randn([1]).to(dtype);
    const fn = (input: Tensor, row: Tensor, column: Tensor, scalar: Tensor) => {
      const a = input.mul(row).add(column).neg().abs().sqrt().reciprocal().sub(input.floor()).add(input.ceil()).mul(input.round()).div(input.trunc().add(0.5));
      const b = a.relu().clamp(-1, 3).mul(scalar).sub(input.mul(2).div(column));
      const c = b.mul(1.5);
      c.add_(input, 0.25); // axpby
      return c.sub(row.reshape([1, 31]).mul(-1));
    };
    const pairs: { refs: DataRef[]; outs: DataRef[]; interpreter: () => void; generated: () => void }[] = [];
    fusedCodegen.mode = "generated";
    fusedCodegen.onGroup = (group, interpreter, generated) => {
      const refs = new Set<DataRef>(group.ops.flatMap((op) => [op.out, ...[op.a, op.b].flatMap((x) => (x === null || x.kind === "constant" ? [] : [x.ref]))]));
      pairs.push({ refs: [...refs], outs: group.ops.map((op) => op.out), interpreter, generated });
    };
    try {
      const compiled = compile(fn);
      noGrad(() => [0, 1, 2].forEach(() => compiled(x, w, v, s)));
    } finally {
      fusedCodegen.mode = "auto";
      fusedCodegen.onGroup = null;
    }
    assert.ok(pairs.length > 0 && pairs.some((pair) => pair.outs.length >= 10), `groups: ${pairs.map((pair) => pair.outs.length).join(", ")}`);
    const data = (ref: DataRef): Float32Array | Float64Array => (ref as JsBuffer).data as Float32Array | Float64Array;
    const bits = (array: Float32Array | Float64Array): (number | bigint)[] =>
      array instanceof Float64Array ? Array.from(new BigUint64Array(array.buffer, array.byteOffset, array.length)) : Array.from(new Uint32Array(array.buffer, array.byteOffset, array.length));
    for (const { refs, outs, interpreter, generated } of pairs) {
      const before = refs.map((ref) => data(ref).slice());
      interpreter();
      const expected = outs.map((ref) => data(ref).slice());
      refs.forEach((ref, i) => data(ref).set(before[i]!));
      generated();
      outs.forEach((ref, i) => {
        const [got, want] = [data(ref), expected[i]!];
        const [gotBits, wantBits] = [bits(got), bits(want)];
        // a NaN is a NaN: its payload is not a result
        const mismatch = gotBits.findIndex((value, j) => value !== wantBits[j] && !(Number.isNaN(got[j]!) && Number.isNaN(want[j]!)));
        assert.equal(mismatch, -1, `op ${i} of ${outs.length}, element ${mismatch}: ${got[mismatch]} (bits ${gotBits[mismatch]}), the interpreter's ${want[mismatch]} (bits ${wantBits[mismatch]})`);
      });
    }
  });
}
