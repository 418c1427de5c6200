// Softmax and log-softmax along the middle axis of [outer, axisSize, inner], one pass each way
// (op-table.ts's SOFTMAX_OPS). Reference: src/backend/js-softmax.ts. Rows along the last axis
// (inner = 1) of float32 run four lanes at a time with transcendental.ts's polynomial exp, the
// row's sum in f32 lanes as PyTorch's vectorized kernel keeps it: one row at a time
// (softmax-row.ts), rows shorter than SHORT_ROW without a causal mask four rows at a time
// (softmax-short.ts); everything else runs the scalar path in f64.
import { SOFTMAX, LOG_SOFTMAX, SOFTMAX_GRAD, LOG_SOFTMAX_GRAD, SOFTMAX_OP_COUNT } from "./opcodes";
import { SHORT_ROW, shortRowsF32 } from "./softmax-short";
import { rowF32 } from "./softmax-row";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
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
  if (axisSize <= 0) return; // nothing to read or write
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
