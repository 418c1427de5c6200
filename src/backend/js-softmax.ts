import type { DataRef, SoftmaxOp } from "./backend.js";
import { arrayOf } from "./js-buffer.js";
import { unknownOp } from "./op-table.js";

// Softmax and log-softmax along the middle axis of [outer, axisSize, inner], one pass each way:
// the reference for the WebAssembly kernels (test/backend/softmax-kernels.test.ts). Sums are in
// doubles (JavaScript numbers), rounded once into the output.

/**
 * The forward ops read x (dy null); the gradients read x = the forward's output y, and dy.
 * `causal` > 0 (forward, inner = 1): slice o sees its first (o mod causal) + 1 entries only.
 */
export function softmaxKernel(op: SoftmaxOp, xRef: DataRef, dyRef: DataRef | null, outer: number, axisSize: number, inner: number, outRef: DataRef, causal = 0): void {
  const x = arrayOf(xRef);
  const out = arrayOf(outRef);
  const dy = dyRef === null ? null : arrayOf(dyRef);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * axisSize * inner + i;
      const stop = start + axisSize * inner;
      // the entries this slice sees (all but a causal mask's)
      const end = causal > 0 && (op === "softmax" || op === "logSoftmax") ? start + Math.min((o % causal) + 1, axisSize) * inner : stop;
      switch (op) {
        case "softmax":
        case "logSoftmax": {
          // the maximum only shifts (a NaN anywhere makes it NaN, and so the slice, as PyTorch)
          let max = -Infinity;
          for (let j = start; j < end; j += inner) {
            const v = x[j]!;
            if (v > max || v !== v) max = v;
          }
          let sum = 0;
          for (let j = start; j < end; j += inner) sum += Math.exp(x[j]! - max);
          if (op === "softmax") for (let j = start; j < end; j += inner) out[j] = Math.exp(x[j]! - max) / sum;
          else {
            const logSum = Math.log(sum);
            for (let j = start; j < end; j += inner) out[j] = x[j]! - max - logSum;
          }
          for (let j = end; j < stop; j += inner) out[j] = op === "softmax" ? 0 : -Infinity;
          break;
        }
        case "softmaxGrad": {
          // dx = y·(dy − Σ dy·y)
          let s = 0;
          for (let j = start; j < end; j += inner) s += dy![j]! * x[j]!;
          for (let j = start; j < end; j += inner) out[j] = x[j]! * (dy![j]! - s);
          break;
        }
        case "logSoftmaxGrad": {
          // dx = dy − e^y·Σ dy
          let s = 0;
          for (let j = start; j < end; j += inner) s += dy![j]!;
          for (let j = start; j < end; j += inner) out[j] = dy![j]! - Math.exp(x[j]!) * s;
          break;
        }
        default:
          throw unknownOp("softmax", op satisfies never);
      }
    }
  }
}
