/**
 * The number crunching behind `nn.init.truncNormal_` and `nn.init.orthogonal_`, on plain
 * numbers: the standard normal CDF and its inverse, and an orthonormal basis by Gram–Schmidt.
 */
import { erf } from "../backend/scalar-math.js";
import type { Generator } from "../tensor/random.js";

/** Φ(x), the standard normal CDF. */
export function normalCdf(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2));
}

/**
 * Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (relative error 1.2e-9), then one
 * Halley step against Φ, which brings it to about double precision in the body.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  let x: number;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  // Halley: e = Φ(x) − p, u = e·√(2π)·e^(x²/2), x ← x − u / (1 + x·u/2)
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * `count` draws of the standard normal truncated to [lo, hi], by inverting the CDF as PyTorch's
 * `trunc_normal_` does (never a rejection loop, so a far-out interval cannot hang). The interval
 * is mirrored to the lower tail first, where Φ keeps its relative precision.
 */
export function truncatedStandardNormal(count: number, lo: number, hi: number, generator: Generator): Float64Array {
  const flip = lo + hi > 0;
  const [l, h] = flip ? [-hi, -lo] : [lo, hi];
  const pl = normalCdf(l);
  const ph = normalCdf(h);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const z = normalQuantile(pl + (ph - pl) * generator.uniform());
    const clamped = Math.min(Math.max(Number.isFinite(z) ? z : z > 0 ? h : l, l), h);
    out[i] = flip ? -clamped : clamped;
  }
  return out;
}

/**
 * An orthonormal set of `columns` vectors of length `rows` (rows ≥ columns), from a matrix of
 * standard normal draws (row-major rows × columns): Q of its QR decomposition with R's diagonal
 * positive — the same Q as PyTorch's `orthogonal_` (which multiplies Householder's Q by the
 * signs of R's diagonal). Modified Gram–Schmidt, run twice for orthogonality to rounding.
 */
export function orthonormalColumns(values: Float64Array, rows: number, columns: number): Float64Array {
  const q = Float64Array.from(values);
  for (let j = 0; j < columns; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < rows; i++) dot += q[i * columns + k]! * q[i * columns + j]!;
        for (let i = 0; i < rows; i++) q[i * columns + j]! -= dot * q[i * columns + k]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += q[i * columns + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) q[i * columns + j]! /= norm;
  }
  return q;
}
