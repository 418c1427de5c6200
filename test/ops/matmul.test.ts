import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { Generator, gradcheck, randn, tensor, type DType, type Tensor } from "../../src/index.js";
import { mm } from "../../src/ops/matmul.js";

/** Textbook triple loop over row-major data: C[i,j] = Σ_p A[i,p]·B[p,j]. */
function naiveMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): number[][] {
  const c: number[][] = [];
  for (let i = 0; i < m; i++) {
    const row: number[] = [];
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
      row.push(s);
    }
    c.push(row);
  }
  return c;
}

function transposed(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j]!;
  return out;
}

const generator = new Generator(7);
const random = (shape: number[], dtype: DType = "float64"): Tensor => randn(shape, { dtype, generator });

// Sizes around the 4×4 register blocks: 1 (all edge), 3 (one partial block), 17, 129 (full
// blocks plus a one-wide edge).
const SIZES: [number, number, number][] = [[1, 1, 1], [1, 3, 17], [3, 1, 3], [17, 3, 1], [3, 17, 17], [17, 129, 3], [129, 17, 129], [5, 0, 3]];

for (const dtype of ["float64", "float32"] as const) {
  for (const [m, k, n] of SIZES) {
    test(`matmul [${m},${k}]·[${k},${n}] ${dtype} matches the naive product`, () => {
      const a = random([m, k], dtype);
      const b = random([k, n], dtype);
      const expected = naiveMatmul(a.toTypedArray(), b.toTypedArray(), m, k, n);
      const tol = dtype === "float64" ? 1e-12 : 1e-5;
      assertClose(a.matmul(b), expected, tol, tol);
    });
  }
}

test("the transposed kernel paths (used by backward) match the naive product", () => {
  for (const [m, k, n] of [[3, 17, 5], [17, 1, 129], [1, 129, 3]] as const) {
    const a = random([m, k]);
    const b = random([k, n]);
    const expected = naiveMatmul(a.toTypedArray(), b.toTypedArray(), m, k, n);
    const aT = tensor(transposed(a.toTypedArray(), m, k), { shape: [k, m] }); // stored as Aᵀ
    const bT = tensor(transposed(b.toTypedArray(), k, n), { shape: [n, k] });
    assertClose(mm(aT, b, true, false), expected, 1e-12, 1e-12, "Aᵀᵀ·B");
    assertClose(mm(a, bT, false, true), expected, 1e-12, 1e-12, "A·Bᵀᵀ");
    assertClose(mm(aT, bT, true, true), expected, 1e-12, 1e-12, "Aᵀᵀ·Bᵀᵀ");
  }
});

test("batched transposed products match per-batch naive products", () => {
  const [batch, m, k, n] = [3, 5, 7, 2];
  const a = random([batch, k, m]); // used transposed
  const b = random([batch, n, k]); // used transposed
  const out = mm(a, b, true, true);
  assert.deepEqual(out.shape, [batch, m, n]);
  const ad = a.toTypedArray();
  const bd = b.toTypedArray();
  for (let t = 0; t < batch; t++) {
    const at = transposed(ad.subarray(t * k * m, (t + 1) * k * m), k, m);
    const bt = transposed(bd.subarray(t * n * k, (t + 1) * n * k), n, k);
    assertClose((out.toArray() as number[][][])[t]!, naiveMatmul(at, bt, m, k, n), 1e-12, 1e-12, `batch ${t}`);
  }
});

test("gradients through the transposed kernel paths pass gradcheck", () => {
  const a = random([4, 3]).requiresGrad_();
  const b = random([5, 4]).requiresGrad_();
  assert.equal(gradcheck((x, y) => mm(x, y, true, true), [a, b]), true);
  assert.equal(gradcheck((x, y) => mm(x, y, false, false), [random([5, 4]).requiresGrad_(), a]), true);
  assert.equal(gradcheck((x, y) => mm(x, y, true, false), [a, random([4, 2]).requiresGrad_()]), true);
  assert.equal(gradcheck((x, y) => mm(x, y, false, true), [a, random([2, 3]).requiresGrad_()]), true);
  const batchA = random([2, 3, 4]).requiresGrad_();
  const batchB = random([2, 5, 3]).requiresGrad_();
  assert.equal(gradcheck((x, y) => mm(x, y, true, true), [batchA, batchB]), true);
});

test("matmul of odd sizes: gradients match the naive formulas dA = G·Bᵀ, dB = Aᵀ·G", () => {
  const [m, k, n] = [17, 3, 5];
  const a = random([m, k]).requiresGrad_();
  const b = random([k, n]).requiresGrad_();
  const g = random([m, n]);
  a.matmul(b).backward(g);
  const gd = g.toTypedArray();
  assertClose(a.grad!, naiveMatmul(gd, transposed(b.toTypedArray(), k, n), m, n, k), 1e-12, 1e-12);
  assertClose(b.grad!, naiveMatmul(transposed(a.toTypedArray(), m, k), gd, k, m, n), 1e-12, 1e-12);
});

test("matmul shapes follow PyTorch: dot, matrix·vector, vector·matrix, batched with broadcast", () => {
  assert.deepEqual(random([3]).matmul(random([3])).shape, []);
  assert.deepEqual(random([2, 3]).matmul(random([3])).shape, [2]);
  assert.deepEqual(random([3]).matmul(random([3, 4])).shape, [4]);
  assert.deepEqual(random([5, 2, 3]).matmul(random([3, 4])).shape, [5, 2, 4]);
  assert.deepEqual(random([2, 1, 2, 3]).matmul(random([6, 3, 4])).shape, [2, 6, 2, 4]);
  assert.deepEqual(random([3]).matmul(random([6, 3, 4])).shape, [6, 4]);
  assert.deepEqual(random([6, 2, 3]).matmul(random([3])).shape, [6, 2]);
});
