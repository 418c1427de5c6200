/**
 * Diagonals and grids: `diagonal` (a view), `diag` (a vector onto a matrix's diagonal, or a
 * matrix's diagonal copied out), `trace`, and `meshgrid`. Composites of strided views and their
 * placing (strided-view.ts), so each gradient is the other: taking a diagonal's is placing it.
 */
import type { Tensor } from "../tensor/tensor.js";
import { formatShape, normalizeDim } from "../tensor/shape.js";
import { placeInView, stridedView, type Layout } from "./strided-view.js";

/** The layout of the `offset` diagonal of dims `d1`, `d2` of `l`: those dims removed, the diagonal appended last. */
function diagonalLayout(l: Layout, offset: number, d1: number, d2: number): Layout {
  const [n1, n2] = [l.shape[d1]!, l.shape[d2]!];
  const length = Math.max(0, offset >= 0 ? Math.min(n1, n2 - offset) : Math.min(n1 + offset, n2));
  const start = length === 0 ? 0 : offset >= 0 ? offset * l.strides[d2]! : -offset * l.strides[d1]!;
  const keep = (_: number, d: number): boolean => d !== d1 && d !== d2;
  return {
    shape: [...l.shape.filter(keep), length],
    strides: [...l.strides.filter(keep), l.strides[d1]! + l.strides[d2]!],
    offset: l.offset + start,
  };
}

/**
 * Backs {@link Tensor.diagonal}: the entries x[…, i, …, i + offset, …] of dims `dim1` and
 * `dim2` as the last dim, a view (PyTorch's `diagonal`; offset > 0 above the main diagonal).
 */
export function diagonal(x: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor {
  if (!Number.isInteger(offset)) throw new Error(`diagonal: offset must be an integer, got ${offset}`);
  if (x.ndim < 2) throw new Error(`diagonal: needs at least 2 dims, got ${formatShape(x.shape)}`);
  const [d1, d2] = [normalizeDim("diagonal", dim1, x.ndim), normalizeDim("diagonal", dim2, x.ndim)];
  if (d1 === d2) throw new Error(`diagonal: dim1 and dim2 must differ, both are ${d1} of ${formatShape(x.shape)}`);
  return stridedView("diagonal", x, (l) => diagonalLayout(l, offset, d1, d2));
}

/**
 * Backs the `diag` function: a 1-d `x` placed on the `diagonal` of a square matrix of zeros,
 * or the `diagonal` of a 2-d `x` copied out (PyTorch's `torch.diag`).
 *
 * @example
 * ```ts
 * import { diag, tensor } from "nabla";
 * console.log(diag(tensor([1, 2])).toArray()); // [[1, 0], [0, 2]]
 * console.log(diag(tensor([1, 2]), 1).toArray()); // [[0, 1, 0], [0, 0, 2], [0, 0, 0]]
 * console.log(diag(tensor([[1, 2], [3, 4]])).toArray()); // [1, 4]
 * ```
 */
export function diag(x: Tensor, offset = 0): Tensor {
  if (!Number.isInteger(offset)) throw new Error(`diag: diagonal must be an integer, got ${offset}`);
  if (x.ndim === 2) return diagonal(x, offset).contiguous();
  if (x.ndim !== 1) throw new Error(`diag: expects a 1-d or 2-d tensor, got ${formatShape(x.shape)}`);
  const n = x.shape[0]! + Math.abs(offset);
  return placeInView("diag", x, [n, n], (l) => diagonalLayout(l, offset, 0, 1));
}

/** Backs {@link Tensor.trace}: the sum of a matrix's main diagonal. */
export function trace(x: Tensor): Tensor {
  if (x.ndim !== 2) throw new Error(`trace: expects a matrix, got ${formatShape(x.shape)}`);
  return diagonal(x).sum();
}

/**
 * Backs the `meshgrid` function: for 1-d tensors of sizes n₁ … n_k, k tensors of shape
 * [n₁, …, n_k], the i-th varying along dim i (`indexing: "ij"`, PyTorch's default), or with
 * the first two dims swapped (`"xy"`, NumPy's default: [n₂, n₁, …]). Each is an expanded view:
 * the grid a decision boundary is drawn on.
 *
 * @example
 * ```ts
 * import { meshgrid, tensor } from "nabla";
 * const [gx, gy] = meshgrid([tensor([1, 2, 3]), tensor([4, 5])], { indexing: "xy" });
 * console.log(gx.toArray(), gy.toArray()); // [[1, 2, 3], [1, 2, 3]] [[4, 4, 4], [5, 5, 5]]
 * ```
 */
export function meshgrid(tensors: readonly Tensor[], options: { indexing?: "ij" | "xy" } = {}): Tensor[] {
  const indexing = options.indexing ?? "ij";
  if (indexing !== "ij" && indexing !== "xy") throw new Error(`meshgrid: indexing must be "ij" or "xy", got ${JSON.stringify(indexing)}`);
  tensors.forEach((t, i) => {
    if (t.ndim > 1) throw new Error(`meshgrid: expects 0-d or 1-d tensors, got ${formatShape(t.shape)} at position ${i}`);
  });
  const swap = indexing === "xy" && tensors.length >= 2;
  const sizes = tensors.map((t) => t.size);
  if (swap) [sizes[0], sizes[1]] = [sizes[1]!, sizes[0]!];
  return tensors.map((t, i) => {
    const at = swap && i < 2 ? 1 - i : i;
    const shape = sizes.map((_, d) => (d === at ? t.size : 1));
    return t.reshape(shape).expand(sizes);
  });
}
