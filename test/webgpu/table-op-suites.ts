/**
 * Every element-wise op of the op table (src/backend/op-table.ts), unary and binary, as kernel
 * calls on a backend against the reference (TS) backend on the same float32 inputs, NaN and
 * ±∞ included, with the per-op tolerances below. Failures are collected, one line each:
 * webgpu-kernels.test.ts runs these suites on webgpu in Node, and
 * test/browser/webgpu-suites.test.ts in Chromium (on wasm and webgpu, in one page).
 */
import { JsBackend } from "../../src/backend/js-backend.js";
import { BINARY_OPS, UNARY_OPS } from "../../src/backend/op-table.js";
import type { Backend, DataRef, StridedRef } from "../../src/backend/backend.js";
import type { DType } from "../../src/index.js";

/** Values of magnitude ≤ 4 from a seed; with `special`, NaN, ±∞, ±0, a tiny and two large ones among them. */
export function values(n: number, seed: number, special = true): number[] {
  const out = Array.from({ length: n }, (_, i) => Math.fround(4 * Math.sin(seed * 13.7 + i * 1.3)));
  if (special && n > 30) {
    [out[1], out[2], out[3], out[4], out[5]] = [Number.NaN, Infinity, -Infinity, 0, -0];
    [out[20], out[21], out[22], out[23], out[24]] = [2.5, -1.5, 1e-9, 40, -40];
  }
  return out;
}

// Tolerances (|got − want| ≤ atol + rtol·|want|), from what WGSL promises for f32 built-ins
// (its spec's accuracy table) and the formulas built on them: the reference computes in
// float64 and rounds once.
const EXACT = new Set<string>(["neg", "abs", "sign", "relu", "step", "floor", "ceil", "round", "trunc", "logicalNot", "leakyReluGrad", "add", "sub", "mul", "maximum", "minimum", "gt", "ge", "lt", "le", "eq", "logicalAnd", "logicalOr", "logicalXor"]);
export function tolerance(op: string): [number, number] {
  if (EXACT.has(op)) return [0, 0];
  // the slope is rounded to f32 before the product, where the reference multiplies in float64: 1 ulp
  if (op === "leakyRelu") return [0, 2 ** -23];
  // sin/cos: absolute 2^-11 on [−π, π] in WGSL; tan inherits it through sin/cos (relative, large near poles)
  if (op === "sin" || op === "cos") return [2 ** -11, 0];
  if (op === "tan") return [2 ** -11, 2 ** -9];
  // atan2: 4096 ulp in WGSL
  if (op === "atan2") return [1e-6, 4096 * 2 ** -23];
  // exp-based formulas: exp is 3 + 2|x| ulp, log 2^-21 absolute near 1; composite ones add a few roundings
  if (op === "pow") return [1e-6, 2 ** -15];
  if (["remainder", "floorDivide"].includes(op)) return [2 ** -20, 2 ** -20];
  return [2 ** -20, 2 ** -16];
}

/** Adds a line to `failures` at the first element outside the tolerance (NaN must meet NaN). */
export function closeTo(got: ArrayLike<number>, want: ArrayLike<number>, [atol, rtol]: [number, number], label: string, failures: string[]): void {
  if (got.length !== want.length) return void failures.push(`${label}: ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) return void failures.push(`${label}: element ${i} is ${g}, expected ${w}`);
  }
}

const dense = (ref: DataRef): StridedRef => ({ ref, offset: 0, strides: [1] });
const reference = new JsBackend();

/** Runs `kernel` on `backend` and the reference with the same inputs; compares the outputs. */
async function agree(backend: Backend, label: string, inputs: [number[], DType][], outs: [number, DType][], kernel: (b: Backend, ins: DataRef[], outs: DataRef[]) => void, tol: [number, number], failures: string[]): Promise<void> {
  const run = (b: Backend) => {
    const ins = inputs.map(([v, d]) => b.fromValues(v, d));
    const o = outs.map(([n, d]) => b.allocate(n, d));
    kernel(b, ins, o);
    return o;
  };
  try {
    const [got, want] = [run(backend), run(reference)];
    for (let i = 0; i < got.length; i++) closeTo(await backend.readAsync(got[i]!), reference.read(want[i]!), tol, `${label} output ${i}`, failures);
  } catch (error) {
    failures.push(`${label}: ${(error as Error).message}`);
  }
}

export interface TableSuite {
  readonly title: string;
  /** Runs every op of the suite on `backend`; the failures, one line each. */
  readonly run: (backend: Backend) => Promise<string[]>;
}

export const TABLE_SUITES: readonly TableSuite[] = [
  {
    title: "every unary op of the table agrees with the TS backend (NaN and ±∞ included)",
    run: async (backend) => {
      const failures: string[] = [];
      for (const n of [1003, 7]) {
        const x = values(n, 1);
        for (const op of UNARY_OPS) {
          await agree(backend, `${op} (${n})`, [[x, "float32"]], [[n, "float32"]], (b, [a], [o]) => b.unary(op, a!, o!, 0.3, 1.7), tolerance(op), failures);
        }
      }
      return failures;
    },
  },
  {
    title: "every binary op of the table agrees, with tensor, number, broadcast and transposed operands",
    run: async (backend) => {
      const failures: string[] = [];
      const n = 1003;
      const [a, b] = [values(n, 2), values(n, 3)];
      for (const op of BINARY_OPS) {
        const tol = tolerance(op);
        await agree(backend, `${op}`, [[a, "float32"], [b, "float32"]], [[n, "float32"]], (k, [x, y], [o]) => k.binary(op, dense(x!), dense(y!), [n], o!), tol, failures);
        for (const s of [2.5, -1.5, 0, 0.1]) {
          for (const first of [false, true]) {
            await agree(backend, `${op} ${first ? `${s} op x` : `x op ${s}`}`, [[a, "float32"]], [[n, "float32"]], (k, [x], [o]) => k.binaryScalar(op, dense(x!), s, first, [n], o!), tol, failures);
          }
        }
        // [3, 1] against [1, 4] (stride-0 broadcast), and a transposed [4, 3] view
        const [u, v] = [values(3, 4, false), values(12, 5, false)];
        await agree(backend, `${op} broadcast`, [[u, "float32"], [v, "float32"]], [[12, "float32"]], (k, [x, y], [o]) => k.binary(op, { ref: x!, offset: 0, strides: [1, 0] }, { ref: y!, offset: 0, strides: [1, 3] }, [3, 4], o!), tol, failures);
      }
      return failures;
    },
  },
];
