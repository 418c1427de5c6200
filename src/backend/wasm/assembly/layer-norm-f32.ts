// Layer normalization of float32 rows four entries at a time: each f32x4 of x (and dy) is
// widened into two f64x2, so the statistics, x̂ and every result are computed in f64 as by
// layer-norm.ts's scalar path (the reference's doubles), rounded once into f32. Only the order
// of the f64 sums changes (two lanes, two vectors), far below f32's rounding. A row's last
// features mod 4 entries run that path's scalar formulas. The scalar path computed the same in
// f64 one entry at a time: ~3.5 ns an entry, most of W6's 2.3 ms a step in layer norms.
import { LAYER_NORM, LAYER_NORM_GRAD } from "./opcodes";

@inline function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 2);
}

@inline function at64(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

/** Lanes 0 and 1 of an f32x4 as f64x2. */
@inline function low(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}

/** Lanes 2 and 3 of an f32x4 as f64x2. */
@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

/** Two f64x2 rounded into one f32x4 (lo's lanes first). */
@inline function narrow(lo: v128, hi: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** a·b + c: fused (one rounding) where the build has relaxed SIMD; either way an f64 rounding, far below the f32 result's. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_madd(a, b, c);
  return f64x2.add(f64x2.mul(a, b), c);
}

/** c − a·b, fused as madd. */
@inline function msub(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f64x2.relaxed_nmadd(a, b, c);
  return f64x2.sub(c, f64x2.mul(a, b));
}

@inline function sumLanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** weight and bias in f64 at w and b: 1 where there is no weight, −0 where there is no bias (y + −0 = y exactly, −0 included). */
function widenAffine(weight: usize, bias: usize, w: usize, b: usize, features: i32): void {
  for (let j = 0; j < features; j++) {
    store<f64>(at64(w, j), weight != 0 ? <f64>load<f32>(at(weight, j)) : 1);
    if (b != 0) store<f64>(at64(b, j), bias != 0 ? <f64>load<f32>(at(bias, j)) : -0.0);
  }
}

/**
 * One row's mean and biased variance (two passes, the second around the mean), in f64, in
 * lanes [mean, variance]. Eight entries a round into four accumulators: one f64x2 chain would
 * wait out each add's latency (3-4 cycles), longer than a round's other work.
 */
@inline function statistics(x: usize, features: i32, count: f64): v128 {
  const full = features & ~3;
  const full8 = features & ~7;
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  for (let j = 0; j < full8; j += 8) {
    const v = v128.load(at(x, j)), u = v128.load(at(x, j + 4));
    s0 = f64x2.add(s0, low(v));
    s1 = f64x2.add(s1, high(v));
    s2 = f64x2.add(s2, low(u));
    s3 = f64x2.add(s3, high(u));
  }
  if (full > full8) {
    const v = v128.load(at(x, full8));
    s0 = f64x2.add(s0, low(v));
    s1 = f64x2.add(s1, high(v));
  }
  let s = sumLanes(f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3)));
  for (let j = full; j < features; j++) s += <f64>load<f32>(at(x, j));
  const m = s / count;
  const mv = f64x2.splat(m);
  let q0 = f64x2.splat(0), q1 = f64x2.splat(0), q2 = f64x2.splat(0), q3 = f64x2.splat(0);
  for (let j = 0; j < full8; j += 8) {
    const v = v128.load(at(x, j)), u = v128.load(at(x, j + 4));
    const d0 = f64x2.sub(low(v), mv), d1 = f64x2.sub(high(v), mv), d2 = f64x2.sub(low(u), mv), d3 = f64x2.sub(high(u), mv);
    q0 = madd(d0, d0, q0);
    q1 = madd(d1, d1, q1);
    q2 = madd(d2, d2, q2);
    q3 = madd(d3, d3, q3);
  }
  if (full > full8) {
    const v = v128.load(at(x, full8));
    const d0 = f64x2.sub(low(v), mv), d1 = f64x2.sub(high(v), mv);
    q0 = madd(d0, d0, q0);
    q1 = madd(d1, d1, q1);
  }
  let q = sumLanes(f64x2.add(f64x2.add(q0, q1), f64x2.add(q2, q3)));
  for (let j = full; j < features; j++) { const d = <f64>load<f32>(at(x, j)) - m; q += d * d; }
  return f64x2.replace_lane(mv, 1, q / count);
}

/**
 * layerNorm<f32>'s ops (layer-norm.ts documents them) on float32 rows. `acc` is scratch of
 * 3·features f64: the gradient's sums of dy·x̂ and dy, and weight widened (the forward:
 * weight and bias widened).
 */
export function layerNormLanesF32(op: i32, x: usize, dy: usize, weight: usize, bias: usize, mean: usize, variance: usize, out: usize, dweight: usize, dbias: usize, rows: i32, features: i32, eps: f64, acc: usize): void {
  const count = <f64>features;
  const full = features & ~3;
  const rowBytes = (<usize>features) << 2;
  if (op == LAYER_NORM) {
    const w = acc, b = acc + ((<usize>features) << 3);
    widenAffine(weight, bias, w, b, features);
    for (let r = 0; r < rows; r++) {
      const xr = x + <usize>r * rowBytes, outr = out + <usize>r * rowBytes;
      const stats = statistics(xr, features, count);
      const m = f64x2.extract_lane(stats, 0), v = f64x2.extract_lane(stats, 1);
      store<f32>(at(mean, r), <f32>m);
      store<f32>(at(variance, r), <f32>v);
      const invstd = 1 / Math.sqrt(v + eps);
      const mv = f64x2.splat(m), iv = f64x2.splat(invstd);
      for (let j = 0; j < full; j += 4) {
        const xv = v128.load(at(xr, j));
        const y0 = madd(f64x2.mul(f64x2.sub(low(xv), mv), iv), v128.load(at64(w, j)), v128.load(at64(b, j)));
        const y1 = madd(f64x2.mul(f64x2.sub(high(xv), mv), iv), v128.load(at64(w, j + 2)), v128.load(at64(b, j + 2)));
        v128.store(at(outr, j), narrow(y0, y1));
      }
      for (let j = full; j < features; j++) {
        const xhat = (<f64>load<f32>(at(xr, j)) - m) * invstd;
        store<f32>(at(outr, j), <f32>(xhat * load<f64>(at64(w, j)) + load<f64>(at64(b, j))));
      }
    }
  } else if (op == LAYER_NORM_GRAD) {
    // g = dy·w: dx = invstd·(g − mean(g) − x̂·mean(g·x̂)); dw = Σ_rows dy·x̂, db = Σ_rows dy
    const accW = acc, accB = acc + ((<usize>features) << 3), w = acc + ((<usize>features) << 4);
    widenAffine(weight, 0, w, 0, features);
    for (let j = 0; j < features; j++) { store<f64>(at64(accW, j), 0); store<f64>(at64(accB, j), 0); }
    for (let r = 0; r < rows; r++) {
      const xr = x + <usize>r * rowBytes, dyr = dy + <usize>r * rowBytes, outr = out + <usize>r * rowBytes;
      const m = <f64>load<f32>(at(mean, r));
      const invstd = 1 / Math.sqrt(<f64>load<f32>(at(variance, r)) + eps);
      const mv = f64x2.splat(m), iv = f64x2.splat(invstd);
      let sumG0 = f64x2.splat(0), sumG1 = f64x2.splat(0), sumGX0 = f64x2.splat(0), sumGX1 = f64x2.splat(0);
      for (let j = 0; j < full; j += 4) {
        const xv = v128.load(at(xr, j)), dv = v128.load(at(dyr, j));
        const d0 = low(dv), d1 = high(dv);
        const xhat0 = f64x2.mul(f64x2.sub(low(xv), mv), iv), xhat1 = f64x2.mul(f64x2.sub(high(xv), mv), iv);
        const g0 = f64x2.mul(d0, v128.load(at64(w, j))), g1 = f64x2.mul(d1, v128.load(at64(w, j + 2)));
        sumG0 = f64x2.add(sumG0, g0);
        sumG1 = f64x2.add(sumG1, g1);
        sumGX0 = madd(g0, xhat0, sumGX0);
        sumGX1 = madd(g1, xhat1, sumGX1);
        v128.store(at64(accW, j), madd(d0, xhat0, v128.load(at64(accW, j))));
        v128.store(at64(accW, j + 2), madd(d1, xhat1, v128.load(at64(accW, j + 2))));
        v128.store(at64(accB, j), f64x2.add(v128.load(at64(accB, j)), d0));
        v128.store(at64(accB, j + 2), f64x2.add(v128.load(at64(accB, j + 2)), d1));
      }
      let sumG = sumLanes(f64x2.add(sumG0, sumG1)), sumGXhat = sumLanes(f64x2.add(sumGX0, sumGX1));
      for (let j = full; j < features; j++) {
        const d = <f64>load<f32>(at(dyr, j));
        const xhat = (<f64>load<f32>(at(xr, j)) - m) * invstd;
        const g = d * load<f64>(at64(w, j));
        sumG += g;
        sumGXhat += g * xhat;
        store<f64>(at64(accW, j), load<f64>(at64(accW, j)) + d * xhat);
        store<f64>(at64(accB, j), load<f64>(at64(accB, j)) + d);
      }
      const meanG = sumG / count, meanGXhat = sumGXhat / count;
      const meanGv = f64x2.splat(meanG), meanGXv = f64x2.splat(meanGXhat);
      for (let j = 0; j < full; j += 4) {
        const xv = v128.load(at(xr, j)), dv = v128.load(at(dyr, j));
        const xhat0 = f64x2.mul(f64x2.sub(low(xv), mv), iv), xhat1 = f64x2.mul(f64x2.sub(high(xv), mv), iv);
        const g0 = f64x2.mul(low(dv), v128.load(at64(w, j))), g1 = f64x2.mul(high(dv), v128.load(at64(w, j + 2)));
        const dx0 = f64x2.mul(iv, msub(xhat0, meanGXv, f64x2.sub(g0, meanGv)));
        const dx1 = f64x2.mul(iv, msub(xhat1, meanGXv, f64x2.sub(g1, meanGv)));
        v128.store(at(outr, j), narrow(dx0, dx1));
      }
      for (let j = full; j < features; j++) {
        const xhat = (<f64>load<f32>(at(xr, j)) - m) * invstd;
        const g = <f64>load<f32>(at(dyr, j)) * load<f64>(at64(w, j));
        store<f32>(at(outr, j), <f32>(invstd * (g - meanG - xhat * meanGXhat)));
      }
    }
    if (dweight != 0) for (let j = 0; j < features; j++) store<f32>(at(dweight, j), <f32>load<f64>(at64(accW, j)));
    if (dbias != 0) for (let j = 0; j < features; j++) store<f32>(at(dbias, j), <f32>load<f64>(at64(accB, j)));
  } else {
    unreachable();
  }
}
