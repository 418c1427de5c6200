/**
 * Softmax and layer normalization (op-table.ts's SOFTMAX_OPS and LAYER_NORM_OPS) composed from
 * a backend's own reductions and element-wise kernels: the implementation of those kernels for
 * a backend without fused ones (webgpu), the same arithmetic the ops did before they became
 * primitives. test/backend/softmax-kernels.test.ts checks it against the fused TS kernels.
 */
import type { Backend, BatchNormRefs, DataRef, LayerNormOp, SoftmaxOp, StridedRef } from "./backend.js";
import type { DType } from "../tensor/dtype.js";
import { unknownOp } from "./op-table.js";

/** Makes a temporary buffer (of `size`, or holding `values`). */
type Temporary = (size: number | readonly number[], dtype: DType) => DataRef;

/**
 * Runs `body` with a maker of temporary buffers, all handed back to the backend once its
 * kernels are issued: a backend whose buffers live outside the garbage collector (webgpu)
 * would otherwise keep them, since no tensor owns them. A queued backend reuses a freed
 * buffer only for commands issued after the free (backend.ts).
 */
function withTemporaries(backend: Backend, body: (temporary: Temporary) => void): void {
  const made: DataRef[] = [];
  try {
    body((size, dtype) => {
      const ref = typeof size === "number" ? backend.allocate(size, dtype) : backend.fromValues(size, dtype);
      made.push(ref);
      return ref;
    });
  } finally {
    if (backend.needsFree === true) for (const ref of made) backend.free(ref);
  }
}

/** [outer, axisSize, inner] read densely, or one value per (outer, inner) repeated along the axis. */
function dense(ref: DataRef, axisSize: number, inner: number): StridedRef {
  return { ref, offset: 0, strides: [axisSize * inner, inner, 1] };
}
function perSlice(ref: DataRef, inner: number): StridedRef {
  return { ref, offset: 0, strides: [inner, 0, 1] };
}

export function softmaxComposed(backend: Backend, op: SoftmaxOp, x: DataRef, dy: DataRef | null, outer: number, axisSize: number, inner: number, out: DataRef, causal = 0): void {
  withTemporaries(backend, (temporary) => softmaxSteps(backend, temporary, op, x, dy, outer, axisSize, inner, out, causal));
}

function softmaxSteps(backend: Backend, temporary: Temporary, op: SoftmaxOp, x: DataRef, dy: DataRef | null, outer: number, axisSize: number, inner: number, out: DataRef, causal: number): void {
  if (causal > 0 && (op === "softmax" || op === "logSoftmax")) {
    // −∞ selected after each row's own position (selected, not added: masked scores are not read)
    const seen = new Array<number>(causal * axisSize).fill(0);
    for (let i = 0; i < causal; i++) for (let j = 0; j <= i && j < axisSize; j++) seen[i * axisSize + j] = 1;
    const masked = temporary(outer * axisSize, out.dtype);
    const blocks = [outer / causal, causal, axisSize];
    backend.where({ ref: temporary(seen, "bool"), offset: 0, strides: [0, axisSize, 1] }, { ref: x, offset: 0, strides: [causal * axisSize, axisSize, 1] }, -Infinity, blocks, masked);
    return softmaxSteps(backend, temporary, op, masked, null, outer, axisSize, inner, out, 0);
  }
  const shape = [outer, axisSize, inner];
  const size = outer * axisSize * inner;
  const full = (): DataRef => temporary(size, out.dtype);
  const slices = (): DataRef => temporary(outer * inner, out.dtype);
  switch (op) {
    case "softmax":
    case "logSoftmax": {
      const max = slices();
      backend.reduce("max", x, outer, axisSize, inner, max);
      const shifted = full();
      backend.binary("sub", dense(x, axisSize, inner), perSlice(max, inner), shape, shifted);
      const e = full();
      backend.unary("exp", shifted, e);
      const sum = slices();
      backend.reduce("sum", e, outer, axisSize, inner, sum);
      if (op === "softmax") return backend.binary("div", dense(e, axisSize, inner), perSlice(sum, inner), shape, out);
      const logSum = slices();
      backend.unary("log", sum, logSum);
      return backend.binary("sub", dense(shifted, axisSize, inner), perSlice(logSum, inner), shape, out);
    }
    case "softmaxGrad": {
      // dx = y·(dy − Σ dy·y)
      const product = full();
      backend.binary("mul", dense(dy!, axisSize, inner), dense(x, axisSize, inner), shape, product);
      const s = slices();
      backend.reduce("sum", product, outer, axisSize, inner, s);
      const difference = full();
      backend.binary("sub", dense(dy!, axisSize, inner), perSlice(s, inner), shape, difference);
      return backend.binary("mul", dense(x, axisSize, inner), dense(difference, axisSize, inner), shape, out);
    }
    case "logSoftmaxGrad": {
      // dx = dy − e^y·Σ dy
      const s = slices();
      backend.reduce("sum", dy!, outer, axisSize, inner, s);
      const e = full();
      backend.unary("exp", x, e);
      const scaled = full();
      backend.binary("mul", dense(e, axisSize, inner), perSlice(s, inner), shape, scaled);
      return backend.binary("sub", dense(dy!, axisSize, inner), dense(scaled, axisSize, inner), shape, out);
    }
    default:
      throw unknownOp("softmax", op satisfies never);
  }
}

export function layerNormComposed(backend: Backend, op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void {
  withTemporaries(backend, (temporary) => layerNormSteps(backend, temporary, op, refs, rows, features, eps));
}

function layerNormSteps(backend: Backend, temporary: Temporary, op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void {
  const dtype = refs.out.dtype;
  const shape = [rows, features, 1];
  const full = (): DataRef => temporary(rows * features, dtype);
  const perRow = (): DataRef => temporary(rows, dtype);
  const rowsOf = (ref: DataRef): StridedRef => dense(ref, features, 1);
  const perFeature = (ref: DataRef): StridedRef => ({ ref, offset: 0, strides: [0, 1, 0] });
  const mul = (a: StridedRef, b: StridedRef): DataRef => {
    const out = full();
    backend.binary("mul", a, b, shape, out);
    return out;
  };
  /** Σ over each row / features. */
  const rowMean = (ref: DataRef, out: DataRef): void => {
    const sum = perRow();
    backend.reduce("sum", ref, rows, features, 1, sum);
    backend.binaryScalar("div", { ref: sum, offset: 0, strides: [1] }, features, false, [rows], out);
  };
  const training = op === "layerNorm";
  if (training) rowMean(refs.x, refs.mean);
  const centered = full();
  backend.binary("sub", rowsOf(refs.x), perSlice(refs.mean, 1), shape, centered);
  if (training) rowMean(mul(rowsOf(centered), rowsOf(centered)), refs.variance);
  const shiftedVariance = perRow();
  backend.binaryScalar("add", { ref: refs.variance, offset: 0, strides: [1] }, eps, false, [rows], shiftedVariance);
  const invstd = perRow();
  backend.unary("rsqrt", shiftedVariance, invstd);
  const xhat = mul(rowsOf(centered), perSlice(invstd, 1));
  switch (op) {
    case "layerNorm": {
      if (refs.weight === null && refs.bias === null) return backend.binaryScalar("mul", rowsOf(xhat), 1, false, shape, refs.out);
      const scaled = refs.weight === null ? xhat : mul(rowsOf(xhat), perFeature(refs.weight));
      if (refs.bias === null) return backend.binaryScalar("mul", rowsOf(scaled), 1, false, shape, refs.out);
      return backend.binary("add", rowsOf(scaled), perFeature(refs.bias), shape, refs.out);
    }
    case "layerNormGrad": {
      // g = dy·w: dx = invstd·(g − mean(g) − x̂·mean(g·x̂)); dw = Σ_rows dy·x̂, db = Σ_rows dy
      const dy = refs.dy!;
      const g = refs.weight === null ? dy : mul(rowsOf(dy), perFeature(refs.weight));
      const meanG = perRow();
      rowMean(g, meanG);
      const meanGXhat = perRow();
      rowMean(mul(rowsOf(g), rowsOf(xhat)), meanGXhat);
      const first = full();
      backend.binary("sub", rowsOf(g), perSlice(meanG, 1), shape, first);
      const second = mul(rowsOf(xhat), perSlice(meanGXhat, 1));
      const difference = full();
      backend.binary("sub", rowsOf(first), rowsOf(second), shape, difference);
      backend.binary("mul", rowsOf(difference), perSlice(invstd, 1), shape, refs.out);
      if (refs.dweight !== null) backend.reduce("sum", mul(rowsOf(dy), rowsOf(xhat)), 1, rows, features, refs.dweight);
      if (refs.dbias !== null) backend.reduce("sum", dy, 1, rows, features, refs.dbias);
      return;
    }
    default:
      throw unknownOp("layerNorm", op satisfies never);
  }
}
