/**
 * The geometry and buffer sets that kernels take besides their operands: a batched matrix
 * product's shape, a 2-D sliding window, the buffers of a normalisation kernel, and the scan
 * ops (backend.ts has the kernel interface that takes them).
 */
import type { DataRef } from "./data-ref.js";

/** Shape of a batched matrix product: out[b] = op(a[b]) · op(b[b]), op = optional transpose. */
export interface MatmulSpec {
  readonly batch: number;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  /** `a` is stored as [batch, k, m] and used transposed. */
  readonly transA: boolean;
  /** `b` is stored as [batch, n, k] and used transposed. */
  readonly transB: boolean;
  /** Element distance between consecutive batch matrices of `a` (0 broadcasts one matrix). */
  readonly batchStrideA: number;
  readonly batchStrideB: number;
}

/**
 * Geometry of a 2-D sliding window over a contiguous [batch, channels, height, width] input:
 * output position (oh, ow) with kernel tap (i, j) reads input row oh·strideH − padH + i·dilationH
 * and column ow·strideW − padW + j·dilationW (outside the input: padding).
 */
export interface WindowSpec {
  readonly batch: number;
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  readonly kernelH: number;
  readonly kernelW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padH: number;
  readonly padW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  readonly outH: number;
  readonly outW: number;
}

/**
 * The buffers of a batch-norm kernel over x [outer, channels, inner] (per-channel statistics
 * over outer and inner). `weight` and `bias` [channels] are null without an affine transform.
 */
export interface BatchNormRefs {
  readonly x: DataRef;
  /** batchNormGrad: the output's gradient, x's shape. */
  readonly dy: DataRef | null;
  readonly weight: DataRef | null;
  readonly bias: DataRef | null;
  /** [channels]: written by batchNorm (the batch's mean, biased variance), read by batchNormGrad. */
  readonly mean: DataRef;
  readonly variance: DataRef;
  /** batchNorm: y = (x − mean)/√(variance + eps)·weight + bias; batchNormGrad: dx. */
  readonly out: DataRef;
  /** batchNormGrad: Σ dy·x̂ and Σ dy per channel (null when not wanted). */
  readonly dweight: DataRef | null;
  readonly dbias: DataRef | null;
}

/** Running (inclusive or exclusive) sums and products along an axis: cumsum, prod and prod's backward. */
export type ScanOp = "sum" | "prod";
