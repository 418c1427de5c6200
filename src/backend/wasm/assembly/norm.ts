// Batch normalization's training step over x [outer, channels, inner], one kernel each way
// (op-table.ts's NORM_OPS); sums in f64. Reference: src/backend/js-batch-norm.ts.
import { BATCH_NORM, BATCH_NORM_GRAD } from "./opcodes";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

/** Σ over channel c of x (shift = 0) or of (x − shift)². */
function channelSum<T>(x: usize, outer: i32, stride: i32, inner: i32, c: i32, shift: f64, squares: bool): f64 {
  let s: f64 = 0;
  for (let n = 0; n < outer; n++) {
    const row = at<T>(x, n * stride + c * inner);
    if (squares) for (let i = 0; i < inner; i++) { const d = <f64>load<T>(at<T>(row, i)) - shift; s += d * d; }
    else for (let i = 0; i < inner; i++) s += <f64>load<T>(at<T>(row, i));
  }
  return s;
}

/**
 * BATCH_NORM: mean, variance (biased) and out = (x − mean)·invstd·weight + bias. BATCH_NORM_GRAD:
 * out = dx, and dweight = Σ dy·x̂, dbias = Σ dy where given. Pointers that are not given are 0.
 */
export function batchNorm<T>(op: i32, x: usize, dy: usize, weight: usize, bias: usize, mean: usize, variance: usize, out: usize, dweight: usize, dbias: usize, outer: i32, channels: i32, inner: i32, eps: f64): void {
  const count = <f64>outer * <f64>inner;
  const stride = channels * inner;
  if (op == BATCH_NORM) {
    for (let c = 0; c < channels; c++) {
      const m = channelSum<T>(x, outer, stride, inner, c, 0, false) / count;
      const v = channelSum<T>(x, outer, stride, inner, c, m, true) / count;
      store<T>(at<T>(mean, c), <T>m);
      store<T>(at<T>(variance, c), <T>v);
      const scale = (weight == 0 ? 1.0 : <f64>load<T>(at<T>(weight, c))) / Math.sqrt(v + eps);
      const shift = bias == 0 ? 0.0 : <f64>load<T>(at<T>(bias, c));
      for (let n = 0; n < outer; n++) {
        const offset = n * stride + c * inner;
        for (let i = 0; i < inner; i++) store<T>(at<T>(out, offset + i), <T>((<f64>load<T>(at<T>(x, offset + i)) - m) * scale + shift));
      }
    }
  } else if (op == BATCH_NORM_GRAD) {
    for (let c = 0; c < channels; c++) {
      const m = <f64>load<T>(at<T>(mean, c));
      const invstd = 1 / Math.sqrt(<f64>load<T>(at<T>(variance, c)) + eps);
      let sumDy: f64 = 0, sumDyXhat: f64 = 0;
      for (let n = 0; n < outer; n++) {
        const offset = n * stride + c * inner;
        for (let i = 0; i < inner; i++) {
          const g = <f64>load<T>(at<T>(dy, offset + i));
          sumDy += g;
          sumDyXhat += g * (<f64>load<T>(at<T>(x, offset + i)) - m) * invstd;
        }
      }
      if (dweight != 0) store<T>(at<T>(dweight, c), <T>sumDyXhat);
      if (dbias != 0) store<T>(at<T>(dbias, c), <T>sumDy);
      const scale = (weight == 0 ? 1.0 : <f64>load<T>(at<T>(weight, c))) * invstd;
      const meanDy = sumDy / count, meanDyXhat = sumDyXhat / count;
      for (let n = 0; n < outer; n++) {
        const offset = n * stride + c * inner;
        for (let i = 0; i < inner; i++) {
          const xhat = (<f64>load<T>(at<T>(x, offset + i)) - m) * invstd;
          store<T>(at<T>(out, offset + i), <T>(scale * (<f64>load<T>(at<T>(dy, offset + i)) - meanDy - xhat * meanDyXhat)));
        }
      }
    }
  } else {
    unreachable();
  }
}
