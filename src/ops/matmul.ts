/** The matrix-product primitive and PyTorch's `matmul` rules (1-D, 2-D, batched) built on it. */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { broadcastShapes, formatShape, sizeOf } from "../tensor/shape.js";
import { emptyLike, toOperand } from "./operand.js";
import { promoteTypes } from "../tensor/dtype.js";
import { expand, reshape, transpose } from "./movement.js";

/**
 * @internal Batched product of op(a)·op(b) on 2-D or 3-D tensors of equal rank, where op
 * transposes the last two axes when its flag is set. Transposed operands are read in place,
 * so the backward pass never materialises a transpose.
 */
export function mm(a: Tensor, b: Tensor, transA = false, transB = false): Tensor {
  const batched = a.ndim === 3;
  const batch = batched ? a.shape[0]! : 1;
  const [ra, ca] = a.shape.slice(-2) as [number, number];
  const [rb, cb] = b.shape.slice(-2) as [number, number];
  const m = transA ? ca : ra;
  const k = transA ? ra : ca;
  const n = transB ? rb : cb;
  if ((transB ? cb : rb) !== k || (batched && b.shape[0] !== batch)) {
    throw new Error(`matmul: cannot multiply ${formatShape(a.shape)}${transA ? "ᵀ" : ""} by ${formatShape(b.shape)}${transB ? "ᵀ" : ""}`);
  }
  const out = emptyLike(a, batched ? [batch, m, n] : [m, n]);
  a.backend.matmul(a.dataRef(), b.dataRef(), { batch, m, k, n, transA, transB, batchStrideA: m * k, batchStrideB: k * n }, out.storage.ref);
  // C = op(A)·op(B): dop(A) = dC·op(B)ᵀ, dop(B) = op(A)ᵀ·dC, transposed back where op transposed
  return record(out, "matmul", [a, b], (dy) => [
    a.requiresGrad ? (transA ? mm(b, dy, transB, true) : mm(dy, b, false, !transB)) : null,
    b.requiresGrad ? (transB ? mm(dy, a, true, transA) : mm(a, dy, !transA, false)) : null,
  ]);
}

/**
 * A transposed view of a dense matrix (`w.t()`, now a view) as that matrix and the kernel's
 * transpose flag, so the product reads it in place instead of copying it.
 */
function stored(t: Tensor): [Tensor, boolean] {
  const [rows, cols] = t.shape as [number, number];
  const transposed = !t.isContiguous && t.offset === 0 && t.storage.ref.size === t.size && t.strides[0] === 1 && t.strides[1] === rows && cols > 1;
  return transposed ? [transpose(t, 0, 1), true] : [t, false];
}

/**
 * Matrix product with PyTorch's rules: 1-D·1-D is a dot product, a 1-D operand is treated as
 * a row (left) or column (right) vector and that axis removed after, and leading batch axes
 * broadcast.
 */
/** Not a closure in matmul: under tsx a named arrow function costs a defineProperty per call. */
function cannotMultiply(a: Tensor, b: Tensor): never {
  throw new Error(`matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)}`);
}

export function matmul(a: Tensor, other: Tensor): Tensor {
  const b = toOperand("matmul", other, a);
  if (a.ndim === 0 || b.ndim === 0) throw new Error(`matmul: both arguments need at least 1 dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  if (a.dtype !== b.dtype) {
    // both in their common dtype (PyTorch refuses mixed dtypes here; promoting is what users mean)
    const dtype = promoteTypes(a.dtype, b.dtype);
    return matmul(a.to(dtype), b.to(dtype));
  }
  if (a.dtype === "bool") throw new Error("matmul: bool tensors cannot be multiplied; convert them with .int() or .float()");
  const x = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const y = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const k = x.shape[x.ndim - 1]!;
  if (y.shape[y.ndim - 2] !== k) cannotMultiply(a, b);
  const m = x.shape[x.ndim - 2]!;
  const n = y.shape[y.ndim - 1]!;
  let out: Tensor;
  if (x.ndim === 2 && y.ndim === 2) {
    const [left, transA] = stored(x);
    const [right, transB] = stored(y);
    out = mm(left, right, transA, transB);
  }
  else {
    let batchShape: number[] = [];
    try {
      batchShape = broadcastShapes("matmul", x.shape.slice(0, -2), y.shape.slice(0, -2));
    } catch {
      cannotMultiply(a, b);
    }
    const batch = sizeOf(batchShape);
    const x3 = reshape(expand(x, [...batchShape, m, k]), [batch, m, k]);
    const y3 = reshape(expand(y, [...batchShape, k, n]), [batch, k, n]);
    out = reshape(mm(x3, y3), [...batchShape, m, n]);
  }
  const shape = [...out.shape];
  if (b.ndim === 1) shape.splice(shape.length - 1, 1);
  if (a.ndim === 1) shape.splice(shape.length - (b.ndim === 1 ? 1 : 2), 1);
  return reshape(out, shape);
}
