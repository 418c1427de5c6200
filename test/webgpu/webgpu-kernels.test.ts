import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { JsBackend } from "../../src/backend/js-backend.js";
import type { UnaryOp } from "../../src/backend/op-table.js";
import type { Backend, DataRef, StridedRef, WindowSpec } from "../../src/backend/backend.js";
import type { DType } from "../../src/index.js";
import { webGpuOrSkip } from "./webgpu-available.js";
import { TABLE_SUITES, values } from "./table-op-suites.js";

// Every kernel of the webgpu backend against the reference (TS) backend on the same float32
// inputs, read back with readAsync. The op lists come from the table itself (the element-wise
// ones and their tolerances in table-op-suites.ts, which the Chromium test runs too).

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;
const reference = new JsBackend();

function close(got: ArrayLike<number>, want: ArrayLike<number>, [atol, rtol]: [number, number], label: string): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= atol + rtol * Math.abs(w);
    assert.ok(ok, `${label}: element ${i} is ${g}, expected ${w}`);
  }
}

const dense = (ref: DataRef): StridedRef => ({ ref, offset: 0, strides: [1] });

/** Runs `kernel` on both backends with the same inputs; compares the outputs given by `outs`. */
async function agree(label: string, inputs: [number[], DType][], outs: [number, DType][], kernel: (b: Backend, ins: DataRef[], outs: DataRef[]) => void, tol: [number, number] = [0, 0]): Promise<void> {
  const g = gpu as Backend;
  const run = (b: Backend) => {
    const ins = inputs.map(([v, d]) => b.fromValues(v, d));
    const o = outs.map(([n, d]) => b.allocate(n, d));
    kernel(b, ins, o);
    return o;
  };
  const [got, want] = [run(g), run(reference)];
  for (let i = 0; i < got.length; i++) close(await g.readAsync(got[i]!), reference.read(want[i]!), tol, `${label} output ${i}`);
}

for (const suite of TABLE_SUITES) {
  test(`webgpu: ${suite.title}`, { skip }, async () => assert.deepEqual(await suite.run(gpu as Backend), []));
}

test("webgpu: int32 and bool element-wise ops are exact", { skip }, async () => {
  const n = 101;
  const a = Array.from({ length: n }, (_, i) => ((i * 7919) % 201) - 100);
  const b = Array.from({ length: n }, (_, i) => ((i * 104729) % 23) - 11);
  for (const op of ["add", "sub", "mul", "maximum", "minimum", "gt", "eq", "remainder", "floorDivide", "logicalAnd"] as const) {
    const out: DType = ["gt", "eq", "logicalAnd"].includes(op) ? "bool" : "int32";
    await agree(`${op} int32`, [[a, "int32"], [b, "int32"]], [[n, out]], (k, [x, y], [o]) => k.binary(op, dense(x!), dense(y!), [n], o!));
  }
  for (const op of ["neg", "abs", "sign"] as UnaryOp[]) await agree(`${op} int32`, [[a, "int32"]], [[n, "int32"]], (k, [x], [o]) => k.unary(op, x!, o!));
  await agree("cast int32 → float32", [[a, "int32"]], [[n, "float32"]], (k, [x], [o]) => k.cast(x!, o!));
  await agree("cast float32 → bool", [[values(n, 6), "float32"]], [[n, "bool"]], (k, [x], [o]) => k.cast(x!, o!));
  await agree("fill int32", [], [[n, "int32"]], (k, _, [o]) => k.fill(o!, 7));
});

test("webgpu: copies, strided views, where, clamp and axpby agree", { skip }, async () => {
  const x = values(24, 7, false);
  // a permuted [4, 3, 2] view of a [2, 3, 4] buffer
  await agree("copyStrided", [[x, "float32"]], [[24, "float32"]], (k, [a], [o]) => k.copyStrided({ ref: a!, offset: 0, strides: [1, 4, 12] }, [4, 3, 2], o!));
  await agree("copyInto", [[x.slice(0, 6), "float32"], [x, "float32"]], [], (k, [a, o]) => k.copyInto({ ref: a!, offset: 0, strides: [3, 1] }, [2, 3], { ref: o!, offset: 5, strides: [-4, 1] }));
  await agree("copyInto result", [[x.slice(0, 6), "float32"]], [[24, "float32"]], (k, [a], [o]) => k.copyInto({ ref: a!, offset: 0, strides: [3, 1] }, [2, 3], { ref: o!, offset: 5, strides: [-4, 1] }));
  const cond = x.map((v) => (v > 0 ? 1 : 0));
  await agree("where", [[cond, "bool"], [x, "float32"]], [[24, "float32"]], (k, [c, a], [o]) => k.where(dense(c!), dense(a!), -2, [24], o!));
  await agree("clamp", [[x, "float32"]], [[24, "float32"]], (k, [a], [o]) => k.clamp(a!, -1, Infinity, o!));
  await agree("axpby out = x", [[x, "float32"], [x.map((v) => v * 3), "float32"]], [[24, "float32"]], (k, [a, b], [o]) => {
    k.axpby(0.9, a!, -0.1, b!, o!);
    k.axpby(1, o!, 0.5, b!, o!); // the output is an input: the backend reads a copy
  });
});

test("webgpu: reductions, scans, sort and statistics agree", { skip }, async () => {
  const x = values(60, 8, false);
  const tol: [number, number] = [1e-5, 1e-5]; // f32 accumulation where the reference sums in float64
  for (const [outer, axis, inner] of [[3, 20, 1], [2, 5, 6], [1, 60, 1]] as const) {
    const m = outer * inner;
    const shape = `[${outer}, ${axis}, ${inner}]`;
    await agree(`sum ${shape}`, [[x, "float32"]], [[m, "float32"]], (k, [a], [o]) => k.reduce("sum", a!, outer, axis, inner, o!), tol);
    await agree(`max ${shape}`, [[x, "float32"]], [[m, "float32"]], (k, [a], [o]) => k.reduce("max", a!, outer, axis, inner, o!));
    await agree(`argmax ${shape}`, [[x, "float32"]], [[m, "int32"]], (k, [a], [o]) => k.argmax(a!, outer, axis, inner, o!));
    await agree(`min with index ${shape}`, [[x, "float32"]], [[m, "float32"], [m, "int32"]], (k, [a], [v, i]) => k.reduceWithIndex("min", a!, outer, axis, inner, v!, i!));
    await agree(`cumsum ${shape}`, [[x, "float32"]], [[60, "float32"]], (k, [a], [o]) => k.scan("sum", a!, outer, axis, inner, false, false, o!), tol);
    await agree(`reverse exclusive cumprod ${shape}`, [[x.map((v) => 1 + v / 40), "float32"]], [[60, "float32"]], (k, [a], [o]) => k.scan("prod", a!, outer, axis, inner, true, true, o!), tol);
    await agree(`variance ${shape}`, [[x, "float32"]], [[m, "float32"]], (k, [a], [o]) => k.variance(a!, outer, axis, inner, 1, o!), tol);
    await agree(`logsumexp ${shape}`, [[x, "float32"]], [[m, "float32"]], (k, [a], [o]) => k.logsumexp(a!, outer, axis, inner, o!), tol);
    const ties = x.map((v) => Math.round(v));
    ties[3] = Number.NaN;
    await agree(`sort top-3 descending ${shape}`, [[ties, "float32"]], [[outer * 3 * inner, "float32"], [outer * 3 * inner, "int32"]], (k, [a], [v, i]) => k.sort(a!, outer, axis, inner, 3, true, v!, i!));
    await agree(`sort ascending ${shape}`, [[ties, "float32"]], [[60, "float32"], [60, "int32"]], (k, [a], [v, i]) => k.sort(a!, outer, axis, inner, axis, false, v!, i!));
  }
});

test("webgpu: matmul agrees, tiled (every side ≥ 32) and small, transposed and batched operands included", { skip }, async () => {
  for (const [batch, m, kk, n, transA, transB, broadcastB] of [[1, 33, 17, 20, false, false, false], [3, 5, 40, 7, true, false, true], [2, 16, 16, 16, false, true, false], [1, 40, 36, 48, false, false, false], [2, 33, 35, 32, true, true, true]] as const) {
    const a = values(batch * m * kk, 9, false);
    const b = values((broadcastB ? 1 : batch) * kk * n, 10, false);
    const spec = { batch, m, k: kk, n, transA, transB, batchStrideA: m * kk, batchStrideB: broadcastB ? 0 : kk * n };
    // f32 accumulation of up to 40 products of magnitude ≤ 16 where the reference sums in float64: 1e-4 absolute
    // the tiled kernel and the barrier-free ones (a software adapter picks the blocked one for large sides)
    const g = gpu as Exclude<typeof gpu, string>;
    const shared = g.workgroupMemory;
    for (const tiles of [true, false]) {
      g.workgroupMemory = tiles;
      await agree(`matmul ${JSON.stringify(spec)}${tiles ? " tiled" : ""}`, [[a, "float32"], [b, "float32"]], [[batch * m * n, "float32"]], (k, [x, y], [o]) => k.matmul(x!, y!, spec, o!), [1e-4, 1e-5]);
    }
    g.workgroupMemory = shared;
  }
});

test("webgpu: gather, scatter, scatterAdd and the window kernels agree", { skip }, async () => {
  const x = values(24, 11, false);
  const index = [2, 0, 1, 1, 3, 3, 0, 2, 1, 0, 0, 3];
  await agree("gather", [[x, "float32"], [index, "int32"]], [[12, "float32"]], (k, [a, i], [o]) => k.gather(a!, i!, 2, 4, 2, 3, o!));
  await agree("scatter", [[x.slice(0, 12), "float32"], [index, "int32"], [x, "float32"]], [], () => undefined);
  await agree("scatterAdd", [[x.slice(0, 12), "float32"], [index, "int32"]], [[24, "float32"]], (k, [d, i], [o]) => k.scatterAdd(d!, i!, 2, 4, 2, 3, o!), [1e-6, 1e-6]);
  await agree("scatter (repeated index keeps the last)", [[x.slice(0, 12), "float32"], [index, "int32"]], [[24, "float32"]], (k, [s, i], [o]) => k.scatter(s!, i!, 2, 4, 2, 3, o!));
  const spec: WindowSpec = { batch: 2, channels: 2, height: 5, width: 4, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 2, outH: 3, outW: 3 };
  const image = values(80, 12, false);
  const cols = 2 * 3 * 2 * (2 * 3 * 3);
  await agree("im2col", [[image, "float32"]], [[cols, "float32"]], (k, [a], [o]) => k.im2col(a!, spec, o!));
  await agree("col2im", [[values(cols, 13, false), "float32"]], [[80, "float32"]], (k, [a], [o]) => k.col2im(a!, spec, o!), [1e-6, 1e-6]);
  await agree("maxPool2d", [[image, "float32"]], [[36, "float32"], [36, "int32"]], (k, [a], [o, i]) => k.maxPool2d(a!, spec, o!, i!));
});

test("webgpu: bad input gets clear errors (index out of range at the next read, float64, op outside the table)", { skip }, async () => {
  const g = gpu as Backend;
  const x = g.fromValues([1, 2, 3], "float32");
  const out = g.allocate(2, "float32");
  g.gather(x, g.fromValues([0, 5], "int32"), 1, 3, 2, 1, out);
  await assert.rejects(g.readAsync(out), /^Error: gather: index 5 at position 1 is out of range \[0, 3\)$/);
  assert.deepEqual(Array.from(await g.readAsync(x)), [1, 2, 3], "the status is cleared once reported");
  assert.throws(() => g.allocate(4, "float64"), /webgpu: float64 tensors are not supported \(WGSL has no 64-bit floats/);
  assert.throws(() => g.unary("bogus" as UnaryOp, x, x), /unknown op "bogus"/);
  assert.throws(() => g.read(x), /webgpu: tensor data is read asynchronously \(await t\.data\(\)\)/);
});

test("webgpu: freed buffers are reused from their size bucket, and allocate gives zeros", { skip }, async () => {
  const g = gpu as Exclude<typeof gpu, string>;
  const a = g.fromValues(values(100, 14, false), "float32");
  g.free(a);
  const before = g.memory().createdBytes;
  const b = g.allocate(90, "float32"); // the same 512-byte bucket: no new buffer, and zeroed
  assert.equal(g.memory().createdBytes, before);
  assert.deepEqual(Array.from(await g.readAsync(b)), new Array(90).fill(0));
});

test("webgpu: a lost device fails the next kernel and read with an error saying so, never silent zeros", { skip }, async () => {
  const { createWebGpuBackend } = await import("../../src/backend/webgpu/webgpu-backend.js");
  const lost = await createWebGpuBackend(); // its own device, so the others stay usable
  const x = lost.fromValues([1, 2], "float32");
  (lost as unknown as { device: { destroy(): void } }).device.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50)); // the lost promise settles
  assert.throws(() => lost.unary("exp", x, lost.allocate(2, "float32")), /webgpu: the GPU device was lost \(destroyed.*\) before any training step, \d+ kernels in all; (allocate|exp) cannot run/);
  await assert.rejects(lost.readAsync(x), /webgpu: the GPU device was lost/);
});

test("webgpu: a buffer beyond the adapter's limit, and live memory past the pool's limit, are clear errors", { skip }, async () => {
  const g = gpu as Exclude<typeof gpu, string>;
  assert.throws(() => g.allocate(2 ** 30, "float32"), /webgpu: a float32 buffer of 1073741824 elements \(4294967296 bytes\) is beyond the adapter's maxStorageBufferBindingSize of \d+ bytes/);
  const { WebGpuBackend } = await import("../../src/backend/webgpu/webgpu-backend.js");
  const { openGpu } = await import("../../src/backend/webgpu/gpu-device.js");
  const small = new WebGpuBackend(await openGpu(), 4096);
  small.allocate(512, "float32"); // 2,048 bytes: within the limit
  assert.throws(() => small.allocate(1024, "float32"), /webgpu: tensors hold 2048 bytes of GPU memory and this buffer would pass the limit of 4096 bytes; a loop without an await never lets the garbage collector free its tensors/);
});

test("webgpu: max pooling's backward and average pooling both ways agree (overlapping, dilated and partly padded windows)", { skip }, async () => {
  // stride < kernel so windows overlap (a position collects several dy), a dilated width, ties and a NaN in the image
  const spec: WindowSpec = { batch: 2, channels: 3, height: 7, width: 6, kernelH: 3, kernelW: 3, strideH: 2, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 2, outH: 4, outW: 4 };
  const image = values(252, 15, false).map((v) => Math.round(v));
  image[40] = Number.NaN;
  const dy = values(96, 16, false);
  // sums of up to 9 float32 values in the same order as the reference's float32 adds: exact
  await agree("maxPool2dGrad", [[image, "float32"], [dy, "float32"]], [[252, "float32"]], (k, [x, g], [o]) => {
    const [pooled, indices] = [k.allocate(96, "float32"), k.allocate(96, "int32")];
    k.maxPool2d(x!, spec, pooled, indices);
    k.maxPool2dGrad(g!, indices, spec, o!);
  });
  // average pooling has no dilation; the last column's window runs past the input (ceil mode) and one lies wholly in the padding
  const avg: WindowSpec = { ...spec, kernelH: 3, kernelW: 2, strideH: 2, strideW: 2, dilationW: 1, width: 7, outH: 4, outW: 5 };
  const divisors = Array.from({ length: 20 }, (_, i) => 1 + (i % 6));
  // the reference sums in float64 and divides once: a few f32 roundings of values ≤ 4 (NaN and ±∞ spread through their windows)
  await agree("avgPool2d", [[values(294, 17), "float32"], [divisors, "float32"]], [[120, "float32"]], (k, [x, d], [o]) => k.pool2d("avgPool2d", x!, d!, avg, o!), [1e-6, 1e-6]);
  await agree("avgPool2dGrad", [[values(120, 18), "float32"], [divisors, "float32"]], [[294, "float32"]], (k, [g, d], [o]) => k.pool2d("avgPool2dGrad", g!, d!, avg, o!), [1e-6, 1e-6]);
});

test("webgpu: batch norm's training step agrees both ways, with and without the affine transform", { skip }, async () => {
  for (const [outer, channels, inner] of [[3, 4, 50], [8, 3, 300]] as const) {
    const n = outer * channels * inner;
    // an offset mean (values around 5) tests the variance's second pass around the mean
    const x = values(n, 19, false).map((v) => v + 5);
    x[inner + 3] = Number.NaN; // channel 1's statistics and outputs are NaN, the others' unaffected
    const dy = values(n, 20, false);
    const [weight, bias] = [[0.5, -1.5, 2, 1.25], [0.1, 0.2, -0.3, 0]].map((v) => v.slice(0, channels));
    for (const affine of [true, false]) {
      const label = `[${outer}, ${channels}, ${inner}]${affine ? " affine" : ""}`;
      // f32 sums of up to 2,400 values (a tree over 256 partial sums) where the reference sums in doubles
      const tol: [number, number] = [2e-5, 1e-4];
      const forward = (k: Backend, [xs, w, b]: DataRef[], [out, mean, variance]: DataRef[]) =>
        k.batchNorm("batchNorm", { x: xs!, dy: null, weight: affine ? w! : null, bias: affine ? b! : null, mean: mean!, variance: variance!, out: out!, dweight: null, dbias: null }, outer, channels, inner, 1e-5);
      const inputs: [number[], DType][] = [[x, "float32"], [weight, "float32"], [bias, "float32"], [dy, "float32"]];
      await agree(`batchNorm ${label}`, inputs, [[n, "float32"], [channels, "float32"], [channels, "float32"]], forward, tol);
      await agree(`batchNormGrad ${label}`, inputs, [[n, "float32"], [channels, "float32"], [channels, "float32"], [n, "float32"], [channels, "float32"], [channels, "float32"]], (k, ins, outs) => {
        forward(k, ins, outs);
        const [, mean, variance, dx, dweight, dbias] = outs;
        k.batchNorm("batchNormGrad", { x: ins[0]!, dy: ins[3]!, weight: affine ? ins[1]! : null, bias: null, mean: mean!, variance: variance!, out: dx!, dweight: affine ? dweight! : null, dbias: affine ? dbias! : null }, outer, channels, inner, 1e-5);
      }, tol);
    }
  }
});

test("webgpu: workgroup reductions (few outputs, long axes) and the bitonic sort agree, NaN and ±∞ included", { skip }, async () => {
  const g = gpu as Exclude<typeof gpu, string>;
  const shared = g.workgroupMemory;
  g.workgroupMemory = true; // these kernels, whatever the adapter prefers
  try {
    const x = values(3000, 21);
    const finite = values(3000, 22, false);
    // a tree of f32 partial sums of up to 3,000 values of magnitude ≤ 4 where the reference sums in float64
    const tol: [number, number] = [1e-4, 1e-5];
    for (const [outer, axis, inner] of [[1, 3000, 1], [2, 500, 3]] as const) {
      const m = outer * inner;
      const shape = `[${outer}, ${axis}, ${inner}]`;
      for (const [data, kind] of [[x, "with NaN/±∞"], [finite, "finite"]] as const) {
        await agree(`workgroup sum ${shape} ${kind}`, [[data, "float32"]], [[m, "float32"]], (k, [a], [o]) => k.reduce("sum", a!, outer, axis, inner, o!), tol);
        await agree(`workgroup max ${shape} ${kind}`, [[data, "float32"]], [[m, "float32"]], (k, [a], [o]) => k.reduce("max", a!, outer, axis, inner, o!));
        await agree(`workgroup logsumexp ${shape} ${kind}`, [[data, "float32"]], [[m, "float32"]], (k, [a], [o]) => k.logsumexp(a!, outer, axis, inner, o!), [1e-5, 1e-5]);
      }
      await agree(`workgroup variance ${shape}`, [[finite.map((v) => v + 10), "float32"]], [[m, "float32"]], (k, [a], [o]) => k.variance(a!, outer, axis, inner, 1, o!), tol);
    }
    // the bitonic network (64 ≤ axis ≤ 512): ties resolved by position, NaN above +∞, int32 too
    const ties = values(1200, 23).map((v) => Math.round(v));
    const ints = ties.map((v) => (Number.isFinite(v) ? v : 7));
    // SwiftShader compiles and runs this kernel slowly: each shape once, int32 and the full 512 on one case each
    for (const [outer, axis, inner, k, descending, dtype] of [[4, 300, 1, 300, false, "float32"], [4, 300, 1, 5, true, "float32"], [1, 100, 3, 100, true, "int32"], [1, 512, 1, 512, false, "float32"]] as const) {
      const n = outer * axis * inner;
      const data = (dtype === "int32" ? ints : ties).slice(0, n);
      const outs: [number, DType][] = [[outer * k * inner, dtype], [outer * k * inner, "int32"]];
      await agree(`bitonic sort ${dtype} [${outer}, ${axis}, ${inner}] top-${k}${descending ? " descending" : ""}`, [[data, dtype]], outs, (b, [a], [v, i]) => b.sort(a!, outer, axis, inner, k, descending, v!, i!));
    }
  } finally {
    g.workgroupMemory = shared;
  }
});

test("webgpu: workgroup argmax, max/min with indices and scans (few slices, long axes) agree, ties, NaN and ±∞ included", { skip }, async () => {
  const g = gpu as Exclude<typeof gpu, string>;
  const shared = g.workgroupMemory;
  g.workgroupMemory = true; // these kernels, whatever the adapter prefers
  try {
    // rounded values: many ties, which must go to the first index; NaN (at 1) and ±∞ in one of them
    const ties = values(3000, 24, false).map((v) => Math.round(v));
    const special = values(3000, 25).map((v) => Math.round(v));
    const ints = ties.map((v) => v * 3);
    const finite = values(3000, 26, false);
    // f32 running sums of up to 3,000 values of magnitude ≤ 4 (sums ≲ 300, so an ulp is ~2e-5) where the reference sums in float64
    const tol: [number, number] = [1e-3, 1e-4];
    for (const [outer, axis, inner] of [[1, 3000, 1], [2, 500, 3], [3, 256, 1]] as const) {
      const m = outer * inner;
      const n = outer * axis * inner;
      const shape = `[${outer}, ${axis}, ${inner}]`;
      for (const [data, dtype, kind] of [[ties, "float32", "ties"], [special, "float32", "NaN/±∞"], [ints, "int32", "int32"]] as const) {
        const input: [number[], DType] = [data.slice(0, n), dtype];
        await agree(`workgroup argmax ${shape} ${kind}`, [input], [[m, "int32"]], (k, [a], [o]) => k.argmax(a!, outer, axis, inner, o!));
        for (const op of ["max", "min"] as const) {
          await agree(`workgroup ${op} with index ${shape} ${kind}`, [input], [[m, dtype], [m, "int32"]], (k, [a], [v, i]) => k.reduceWithIndex(op, a!, outer, axis, inner, v!, i!));
        }
      }
      const scans: [string, number[], DType, "sum" | "prod", boolean, boolean, [number, number]][] = [
        ["cumsum", finite, "float32", "sum", false, false, tol],
        ["reverse exclusive cumsum", finite, "float32", "sum", true, true, tol],
        ["cumprod", finite.map((v) => 1 + v / 4000), "float32", "prod", false, false, tol],
        ["exclusive cumsum int32", ints, "int32", "sum", false, true, [0, 0]],
        ["reverse cumprod int32", ties.map((v) => (v > 0 ? 1 : -1)), "int32", "prod", true, false, [0, 0]],
      ];
      for (const [label, data, dtype, op, reverse, exclusive, t] of scans) {
        await agree(`workgroup ${label} ${shape}`, [[data.slice(0, n), dtype]], [[n, dtype]], (k, [a], [o]) => k.scan(op, a!, outer, axis, inner, reverse, exclusive, o!), t);
      }
    }
  } finally {
    g.workgroupMemory = shared;
  }
});

test("webgpu: sorts of axes beyond workgroup memory (bitonic passes) agree: ties by position, NaN and ±∞, top-k, descending, int32, strided slices", { skip }, async () => {
  const ties = values(6000, 27).map((v) => Math.round(v * 10));
  const ints = ties.map((v) => (Number.isFinite(v) ? v : -7));
  for (const [outer, axis, inner, k, descending, dtype] of [[1, 2000, 1, 2000, false, "float32"], [2, 600, 3, 600, true, "float32"], [3, 1025, 1, 7, false, "int32"], [1, 4096, 1, 10, true, "float32"]] as const) {
    const n = outer * axis * inner;
    const data = (dtype === "int32" ? ints : ties).slice(0, n);
    const outs: [number, DType][] = [[outer * k * inner, dtype], [outer * k * inner, "int32"]];
    await agree(`sort by passes ${dtype} [${outer}, ${axis}, ${inner}] top-${k}${descending ? " descending" : ""}`, [[data, dtype]], outs, (b, [a], [v, i]) => b.sort(a!, outer, axis, inner, k, descending, v!, i!));
  }
});
