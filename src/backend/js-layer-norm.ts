import type { BatchNormRefs, LayerNormOp } from "./backend.js";
import { arrayOf } from "./js-buffer.js";
import { unknownOp } from "./op-table.js";

// Layer normalization over the rows of x [rows, features], one kernel each way: the reference
// for the WebAssembly kernels (test/backend/softmax-kernels.test.ts). Statistics are in doubles
// (JavaScript numbers); the variance takes a second pass around the mean.

export function layerNormKernel(op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void {
  const x = arrayOf(refs.x);
  const out = arrayOf(refs.out);
  const mean = arrayOf(refs.mean);
  const variance = arrayOf(refs.variance);
  const weight = refs.weight === null ? null : arrayOf(refs.weight);
  switch (op) {
    case "layerNorm": {
      const bias = refs.bias === null ? null : arrayOf(refs.bias);
      for (let r = 0; r < rows; r++) {
        const start = r * features;
        let s = 0;
        for (let j = 0; j < features; j++) s += x[start + j]!;
        const m = s / features;
        let q = 0;
        for (let j = 0; j < features; j++) q += (x[start + j]! - m) ** 2;
        const v = q / features;
        mean[r] = m;
        variance[r] = v;
        const invstd = 1 / Math.sqrt(v + eps);
        for (let j = 0; j < features; j++) {
          const xhat = (x[start + j]! - m) * invstd;
          out[start + j] = (weight === null ? xhat : xhat * weight[j]!) + (bias === null ? 0 : bias[j]!);
        }
      }
      return;
    }
    case "layerNormGrad": {
      // y = x̂·w + b with x̂ = (x − μ)·invstd, μ and σ² the row's: with g = dy·w,
      // dx = invstd·(g − mean(g) − x̂·mean(g·x̂)); dw = Σ_rows dy·x̂, db = Σ_rows dy
      const dy = arrayOf(refs.dy!);
      const dweight = refs.dweight === null ? null : new Float64Array(features);
      const dbias = refs.dbias === null ? null : new Float64Array(features);
      for (let r = 0; r < rows; r++) {
        const start = r * features;
        const m = mean[r]!;
        const invstd = 1 / Math.sqrt(variance[r]! + eps);
        let sumG = 0;
        let sumGXhat = 0;
        for (let j = 0; j < features; j++) {
          const g = weight === null ? dy[start + j]! : dy[start + j]! * weight[j]!;
          const xhat = (x[start + j]! - m) * invstd;
          sumG += g;
          sumGXhat += g * xhat;
          if (dweight !== null) dweight[j] = dweight[j]! + dy[start + j]! * xhat;
          if (dbias !== null) dbias[j] = dbias[j]! + dy[start + j]!;
        }
        const meanG = sumG / features;
        const meanGXhat = sumGXhat / features;
        for (let j = 0; j < features; j++) {
          const g = weight === null ? dy[start + j]! : dy[start + j]! * weight[j]!;
          const xhat = (x[start + j]! - m) * invstd;
          out[start + j] = invstd * (g - meanG - xhat * meanGXhat);
        }
      }
      if (dweight !== null) arrayOf(refs.dweight!).set(dweight);
      if (dbias !== null) arrayOf(refs.dbias!).set(dbias);
      return;
    }
    default:
      throw unknownOp("layerNorm", op satisfies never);
  }
}
