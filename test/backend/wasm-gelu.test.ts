import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { UNARY_OPS } from "../../src/backend/op-table.js";
import * as m from "../../src/backend/scalar-math.js";
import { instantiateKernels, kernelImports, kernelModuleBytes, type Kernels } from "../../src/backend/wasm/wasm-module.js";

// The float32 gelu kernels (elementwise.ts, geluLanes) evaluate Φ from a fitted polynomial and
// one exp over x in [−3, 9], the range of their vector form. A dense sweep of that range, with
// every float32 around the derivative's zero and the edges of its near-zero fit, in both builds
// (plain SIMD, and relaxed SIMD where this engine runs it): each element within 2⁻¹⁹ of the TS
// backend's float64 result rounded, the bound the op tables promise (op-table.test.ts). A wrong
// digit in a coefficient, or a fit on the wrong range of t, shows here.

/** The kernels of each build this engine runs, each with its own memory. */
function builds(): { name: string; kernels: Kernels; memory: WebAssembly.Memory }[] {
  const plainMemory = new WebAssembly.Memory({ initial: 32 });
  const plain = new WebAssembly.Instance(new WebAssembly.Module(kernelModuleBytes()), kernelImports(plainMemory));
  const out = [{ name: "plain SIMD", kernels: plain.exports as unknown as Kernels, memory: plainMemory }];
  const chosen = instantiateKernels(false);
  if (chosen.variant === "relaxed-simd") out.push({ name: "relaxed SIMD", kernels: chosen.kernels, memory: chosen.memory });
  return out;
}

/** The float32 values within `count` steps of `centre` (bit patterns of one sign). */
function neighbours(centre: number, count: number): number[] {
  const bits = new Uint32Array(new Float32Array([centre]).buffer)[0]!;
  const word = new Uint32Array(1);
  const view = new Float32Array(word.buffer);
  return Array.from({ length: 2 * count + 1 }, (_, k) => {
    word[0] = bits + k - count;
    return view[0]!;
  });
}

function sweep(): Float32Array {
  const linear = Array.from({ length: 600_001 }, (_, i) => -3 + (12 * i) / 600_000);
  const powers = Array.from({ length: 120 }, (_, k) => 2 ** -(k + 1)).flatMap((p) => [p, -p]);
  const edges = [-0.7517915368080139, -1.05, -0.45, -3, 9].flatMap((centre) => neighbours(centre, 20_000));
  return Float32Array.from([...linear, ...powers, ...edges].filter((x) => Math.fround(x) >= -3 && Math.fround(x) <= 9));
}

test("float32 gelu and its derivative are within 2⁻¹⁹ of the float64 formulas over all of [−3, 9], in both builds", () => {
  const inputs = sweep();
  const n = inputs.length;
  for (const { name, kernels, memory } of builds()) {
    const x = Math.ceil(kernels.heapBase() / 64) * 64;
    const y = x + n * 4 + 64;
    const missing = y + n * 4 - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    new Float32Array(memory.buffer, x, n).set(inputs);
    for (const [op, exact] of [["gelu", m.gelu], ["geluGrad", m.geluGrad]] as const) {
      kernels.unaryF32(UNARY_OPS.indexOf(op), x, y, n, 0, 0);
      const got = new Float32Array(memory.buffer, y, n);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const want = Math.fround(exact(inputs[i]!));
        const error = got[i] === want ? 0 : Math.abs(got[i]! - want) / Math.abs(want);
        assert.ok(error <= 2 ** -19, `${name} ${op}(${inputs[i]}) is ${got[i]}, expected ${want}`);
        worst = Math.max(worst, error);
      }
      // a kernel that passed through the scalar path (f64 erf, rounded) would agree exactly:
      // the sweep is in the vector form's range, which rounds differently somewhere
      assert.ok(worst > 0, `${name} ${op}: every element exact, so the sweep missed the vector form`);
    }
  }
});
