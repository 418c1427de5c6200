// Layer normalization over the rows of x [rows, features], one kernel each way (op-table.ts's
// LAYER_NORM_OPS); statistics in f64. Reference: src/backend/js-layer-norm.ts. index.ts
// exports it for float64; float32 runs layer-norm-f32.ts's vector form of the same formulas.
import { LAYER_NORM, LAYER_NORM_GRAD, LAYER_NORM_OP_COUNT } from "./opcodes";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

/**
 * LAYER_NORM: mean, variance (biased) [rows] and out = (x − mean)·invstd·weight + bias.
 * LAYER_NORM_GRAD: out = dx, and dweight = Σ dy·x̂, dbias = Σ dy where given, summed in `acc`
 * (2·features f64 of scratch; the JS side gives LAYER_NORM_SCRATCH_BYTES per feature, what
 * layer-norm-f32.ts needs, either way). Pointers that are not given are 0.
 */
export function layerNorm<T>(op: i32, x: usize, dy: usize, weight: usize, bias: usize, mean: usize, variance: usize, out: usize, dweight: usize, dbias: usize, rows: i32, features: i32, eps: f64, acc: usize): void {
  if (<u32>op >= <u32>LAYER_NORM_OP_COUNT) unreachable();
  const count = <f64>features;
  if (op == LAYER_NORM) {
    for (let r = 0; r < rows; r++) {
      const row = r * features;
      let s: f64 = 0;
      for (let j = 0; j < features; j++) s += <f64>load<T>(at<T>(x, row + j));
      const m = s / count;
      let q: f64 = 0;
      for (let j = 0; j < features; j++) { const d = <f64>load<T>(at<T>(x, row + j)) - m; q += d * d; }
      const v = q / count;
      store<T>(at<T>(mean, r), <T>m);
      store<T>(at<T>(variance, r), <T>v);
      const invstd = 1 / Math.sqrt(v + eps);
      for (let j = 0; j < features; j++) {
        let y = (<f64>load<T>(at<T>(x, row + j)) - m) * invstd;
        if (weight != 0) y *= <f64>load<T>(at<T>(weight, j));
        if (bias != 0) y += <f64>load<T>(at<T>(bias, j));
        store<T>(at<T>(out, row + j), <T>y);
      }
    }
  } else if (op == LAYER_NORM_GRAD) {
    // g = dy·w: dx = invstd·(g − mean(g) − x̂·mean(g·x̂)); dw = Σ_rows dy·x̂, db = Σ_rows dy
    const accW = acc, accB = acc + ((<usize>features) << 3);
    for (let j = 0; j < features; j++) { store<f64>(at<f64>(accW, j), 0); store<f64>(at<f64>(accB, j), 0); }
    for (let r = 0; r < rows; r++) {
      const row = r * features;
      const m = <f64>load<T>(at<T>(mean, r));
      const invstd = 1 / Math.sqrt(<f64>load<T>(at<T>(variance, r)) + eps);
      let sumG: f64 = 0, sumGXhat: f64 = 0;
      for (let j = 0; j < features; j++) {
        const d = <f64>load<T>(at<T>(dy, row + j));
        const xhat = (<f64>load<T>(at<T>(x, row + j)) - m) * invstd;
        const g = weight != 0 ? d * <f64>load<T>(at<T>(weight, j)) : d;
        sumG += g;
        sumGXhat += g * xhat;
        store<f64>(at<f64>(accW, j), load<f64>(at<f64>(accW, j)) + d * xhat);
        store<f64>(at<f64>(accB, j), load<f64>(at<f64>(accB, j)) + d);
      }
      const meanG = sumG / count, meanGXhat = sumGXhat / count;
      for (let j = 0; j < features; j++) {
        const d = <f64>load<T>(at<T>(dy, row + j));
        const xhat = (<f64>load<T>(at<T>(x, row + j)) - m) * invstd;
        const g = weight != 0 ? d * <f64>load<T>(at<T>(weight, j)) : d;
        store<T>(at<T>(out, row + j), <T>(invstd * (g - meanG - xhat * meanGXhat)));
      }
    }
    if (dweight != 0) for (let j = 0; j < features; j++) store<T>(at<T>(dweight, j), <T>load<f64>(at<f64>(accW, j)));
    if (dbias != 0) for (let j = 0; j < features; j++) store<T>(at<T>(dbias, j), <T>load<f64>(at<f64>(accB, j)));
  } else {
    unreachable();
  }
}
