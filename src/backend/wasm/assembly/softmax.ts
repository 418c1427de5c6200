// Softmax and log-softmax along the middle axis of [outer, axisSize, inner], one pass each way
// (op-table.ts's SOFTMAX_OPS). Reference: src/backend/js-softmax.ts. Rows along the last axis
// (inner = 1) of float32 run four lanes at a time with elementwise.ts's polynomial exp, the
// row's sum in f32 lanes as PyTorch's vectorized kernel keeps it, rows shorter than SHORT_ROW
// four rows at a time (softmax-short.ts); everything else runs the scalar path in f64.
import { SOFTMAX, LOG_SOFTMAX, SOFTMAX_GRAD, LOG_SOFTMAX_GRAD, SOFTMAX_OP_COUNT } from "./opcodes";
import { SHORT_ROW, expShifted, shortRowsF32 } from "./softmax-short";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

/** The larger of a and b, NaN if either is (as f32x4.max). */
@inline function larger(a: f32, b: f32): f32 {
  return a != a || b != b ? NaN : a > b ? a : b;
}

@inline function sumLanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** One float32 row [n] (contiguous) of the op; the forward ops see its first `seen` entries only (the rest: a causal mask). */
function rowF32(op: i32, x: usize, dy: usize, out: usize, n: i32, seen: i32): void {
  if (seen < n) {
    for (let j = seen; j < n; j++) store<f32>(at<f32>(out, j), op == SOFTMAX ? 0 : -Infinity);
    n = seen;
  }
  const vn = n & ~3;
  if (op == SOFTMAX || op == LOG_SOFTMAX) {
    let maxV = f32x4.splat(-Infinity);
    let i = 0;
    for (; i < vn; i += 4) maxV = f32x4.max(maxV, v128.load(at<f32>(x, i))); // NaN wins
    let max = larger(larger(f32x4.extract_lane(maxV, 0), f32x4.extract_lane(maxV, 1)), larger(f32x4.extract_lane(maxV, 2), f32x4.extract_lane(maxV, 3)));
    for (; i < n; i++) max = larger(max, load<f32>(at<f32>(x, i)));
    const shift = f32x4.splat(max);
    let sumV = f32x4.splat(0);
    let tail: f32 = 0;
    const keep = op == SOFTMAX;
    for (i = 0; i < vn; i += 4) {
      const e = expShifted(f32x4.sub(v128.load(at<f32>(x, i)), shift));
      if (keep) v128.store(at<f32>(out, i), e);
      sumV = f32x4.add(sumV, e);
    }
    for (; i < n; i++) {
      const e = <f32>Math.exp(<f64>(load<f32>(at<f32>(x, i)) - max));
      if (keep) store<f32>(at<f32>(out, i), e);
      tail += e;
    }
    const sum = sumLanes(sumV) + tail;
    if (op == SOFTMAX) {
      const s = f32x4.splat(sum);
      for (i = 0; i < vn; i += 4) v128.store(at<f32>(out, i), f32x4.div(v128.load(at<f32>(out, i)), s));
      for (; i < n; i++) store<f32>(at<f32>(out, i), load<f32>(at<f32>(out, i)) / sum);
    } else {
      const logSum = <f32>Math.log(<f64>sum);
      const s = f32x4.splat(logSum);
      for (i = 0; i < vn; i += 4) v128.store(at<f32>(out, i), f32x4.sub(f32x4.sub(v128.load(at<f32>(x, i)), shift), s));
      for (; i < n; i++) store<f32>(at<f32>(out, i), load<f32>(at<f32>(x, i)) - max - logSum);
    }
  } else if (op == SOFTMAX_GRAD) {
    // dx = y·(dy − Σ dy·y)
    let sumV = f32x4.splat(0);
    let i = 0;
    for (; i < vn; i += 4) sumV = f32x4.add(sumV, f32x4.mul(v128.load(at<f32>(dy, i)), v128.load(at<f32>(x, i))));
    let s = sumLanes(sumV);
    for (; i < n; i++) s += load<f32>(at<f32>(dy, i)) * load<f32>(at<f32>(x, i));
    const sv = f32x4.splat(s);
    for (i = 0; i < vn; i += 4) v128.store(at<f32>(out, i), f32x4.mul(v128.load(at<f32>(x, i)), f32x4.sub(v128.load(at<f32>(dy, i)), sv)));
    for (; i < n; i++) store<f32>(at<f32>(out, i), load<f32>(at<f32>(x, i)) * (load<f32>(at<f32>(dy, i)) - s));
  } else if (op == LOG_SOFTMAX_GRAD) {
    // dx = dy − e^y·Σ dy (y ≤ 0: log-probabilities)
    let sumV = f32x4.splat(0);
    let i = 0;
    for (; i < vn; i += 4) sumV = f32x4.add(sumV, v128.load(at<f32>(dy, i)));
    let s = sumLanes(sumV);
    for (; i < n; i++) s += load<f32>(at<f32>(dy, i));
    const sv = f32x4.splat(s);
    for (i = 0; i < vn; i += 4) {
      const y = v128.load(at<f32>(x, i));
      v128.store(at<f32>(out, i), f32x4.sub(v128.load(at<f32>(dy, i)), f32x4.mul(expShifted(y), sv)));
    }
    for (; i < n; i++) store<f32>(at<f32>(out, i), load<f32>(at<f32>(dy, i)) - <f32>Math.exp(<f64>load<f32>(at<f32>(x, i))) * s);
  } else {
    unreachable();
  }
}

/** The op on the slice starting at `start` with `n` elements `inner` apart, in f64; the forward ops see the first `seen`. */
function sliceScalar<T>(op: i32, x: usize, dy: usize, out: usize, start: i32, n: i32, inner: i32, seen: i32): void {
  for (let j = start + seen * inner; j < start + n * inner; j += inner) store<T>(at<T>(out, j), op == SOFTMAX ? <T>0 : <T>-Infinity);
  const end = start + min(seen, n) * inner;
  if (op == SOFTMAX || op == LOG_SOFTMAX) {
    let max: f64 = -Infinity;
    for (let j = start; j < end; j += inner) { const v = <f64>load<T>(at<T>(x, j)); if (v > max || v != v) max = v; }
    let sum: f64 = 0;
    for (let j = start; j < end; j += inner) sum += Math.exp(<f64>load<T>(at<T>(x, j)) - max);
    if (op == SOFTMAX) {
      for (let j = start; j < end; j += inner) store<T>(at<T>(out, j), <T>(Math.exp(<f64>load<T>(at<T>(x, j)) - max) / sum));
    } else {
      const logSum = Math.log(sum);
      for (let j = start; j < end; j += inner) store<T>(at<T>(out, j), <T>(<f64>load<T>(at<T>(x, j)) - max - logSum));
    }
  } else if (op == SOFTMAX_GRAD) {
    let s: f64 = 0;
    for (let j = start; j < end; j += inner) s += <f64>load<T>(at<T>(dy, j)) * <f64>load<T>(at<T>(x, j));
    for (let j = start; j < end; j += inner) store<T>(at<T>(out, j), <T>(<f64>load<T>(at<T>(x, j)) * (<f64>load<T>(at<T>(dy, j)) - s)));
  } else if (op == LOG_SOFTMAX_GRAD) {
    let s: f64 = 0;
    for (let j = start; j < end; j += inner) s += <f64>load<T>(at<T>(dy, j));
    for (let j = start; j < end; j += inner) store<T>(at<T>(out, j), <T>(<f64>load<T>(at<T>(dy, j)) - Math.exp(<f64>load<T>(at<T>(x, j))) * s));
  } else {
    unreachable();
  }
}

/**
 * The forward ops read x (dy = 0); the gradients read x = the forward's output y, and dy.
 * `causal` > 0 (forward ops): slice o sees its first (o mod causal) + 1 entries only.
 */
export function softmax<T>(op: i32, x: usize, dy: usize, outer: i32, axisSize: i32, inner: i32, out: usize, causal: i32): void {
  if (<u32>op >= <u32>SOFTMAX_OP_COUNT) unreachable();
  const masks = causal > 0 && (op == SOFTMAX || op == LOG_SOFTMAX);
  if (sizeof<T>() == 4 && inner == 1 && !masks && axisSize > 0 && axisSize < SHORT_ROW) {
    shortRowsF32(op, x, dy, out, outer, axisSize);
    return;
  }
  for (let o = 0; o < outer; o++) {
    const base = o * axisSize * inner;
    const seen = masks ? min(o % causal + 1, axisSize) : axisSize;
    if (sizeof<T>() == 4 && inner == 1) {
      const offset = (<usize>base) << 2;
      rowF32(op, x + offset, dy == 0 ? 0 : dy + offset, out + offset, axisSize, seen);
    } else {
      for (let i = 0; i < inner; i++) sliceScalar<T>(op, x, dy, out, base + i, axisSize, inner, seen);
    }
  }
}
