import type { BatchNormRefs, NormOp } from "./backend.js";
import { arrayOf, type FloatArray } from "./js-buffer.js";
import { unknownOp } from "./op-table.js";

// Batch normalization's training step, one kernel each way, over x [outer, channels, inner]:
// the reference for the WebAssembly kernels (test/backend/norm-kernels.test.ts). Sums are in
// doubles (JavaScript numbers); the variance takes a second pass around the mean.

export function batchNormKernel(op: NormOp, refs: BatchNormRefs, outer: number, channels: number, inner: number, eps: number): void {
  const x = arrayOf(refs.x);
  const out = arrayOf(refs.out);
  const mean = arrayOf(refs.mean);
  const variance = arrayOf(refs.variance);
  const weight = refs.weight === null ? null : arrayOf(refs.weight);
  const count = outer * inner;
  const stride = channels * inner;
  /** Σ f(value) over channel c. */
  const sum = (c: number, data: FloatArray, f: (v: number, i: number) => number): number => {
    let s = 0;
    for (let n = 0; n < outer; n++) for (let i = n * stride + c * inner, end = i + inner; i < end; i++) s += f(data[i]!, i);
    return s;
  };
  switch (op) {
    case "batchNorm": {
      const bias = refs.bias === null ? null : arrayOf(refs.bias);
      for (let c = 0; c < channels; c++) {
        const m = sum(c, x, (v) => v) / count;
        const v = sum(c, x, (value) => (value - m) ** 2) / count;
        mean[c] = m;
        variance[c] = v;
        const scale = (weight === null ? 1 : weight[c]!) / Math.sqrt(v + eps);
        const shift = bias === null ? 0 : bias[c]!;
        for (let n = 0; n < outer; n++) for (let i = n * stride + c * inner, end = i + inner; i < end; i++) out[i] = (x[i]! - m) * scale + shift;
      }
      return;
    }
    case "batchNormGrad": {
      const dy = arrayOf(refs.dy!);
      const dweight = refs.dweight === null ? null : arrayOf(refs.dweight);
      const dbias = refs.dbias === null ? null : arrayOf(refs.dbias);
      for (let c = 0; c < channels; c++) {
        const m = mean[c]!;
        const invstd = 1 / Math.sqrt(variance[c]! + eps);
        const sumDy = sum(c, dy, (g) => g);
        const sumDyXhat = sum(c, dy, (g, i) => g * (x[i]! - m) * invstd);
        if (dweight !== null) dweight[c] = sumDyXhat;
        if (dbias !== null) dbias[c] = sumDy;
        const scale = (weight === null ? 1 : weight[c]!) * invstd;
        const meanDy = sumDy / count;
        const meanDyXhat = sumDyXhat / count;
        for (let n = 0; n < outer; n++) {
          for (let i = n * stride + c * inner, end = i + inner; i < end; i++) out[i] = scale * (dy[i]! - meanDy - (x[i]! - m) * invstd * meanDyXhat);
        }
      }
      return;
    }
    default: {
      const never: never = op;
      throw unknownOp("batchNorm", never);
    }
  }
}
