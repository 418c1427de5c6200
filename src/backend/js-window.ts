import type { PoolOp, WindowSpec } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";
import { unknownOp } from "./op-table.js";

// Sliding-window kernels over [batch, channels, height, width]: im2col, its adjoint col2im,
// and max pooling with argmax. Rows whose source lies wholly in the padding are skipped or
// zero-filled, so the inner loops carry no bounds tests beyond the column range.

/** Output columns ow whose input column ow·stride − pad + offset lies in [0, width): [lo, hi). */
function validRange(offset: number, stride: number, width: number, outW: number): [number, number] {
  // ow·s + offset ≥ 0  ⇔  ow ≥ ⌈−offset / s⌉;  ow·s + offset < width  ⇔  ow < ⌈(width − offset) / s⌉
  const lo = Math.max(0, Math.ceil(-offset / stride));
  const hi = Math.min(outW, Math.max(0, Math.ceil((width - offset) / stride)));
  return [lo, Math.max(lo, hi)];
}

export function im2colKernel(x: FloatArray, spec: WindowSpec, out: FloatArray): void {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = spec;
  const plane = height * width;
  const columns = batch * outH * outW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row++) {
        const offsetW = j * dilationW - padW;
        const [lo, hi] = validRange(offsetW, strideW, width, outW);
        let at = row * columns;
        for (let b = 0; b < batch; b++) {
          const source = (b * channels + c) * plane;
          for (let oh = 0; oh < outH; oh++, at += outW) {
            const ih = oh * strideH - padH + i * dilationH;
            if (ih < 0 || ih >= height) {
              for (let ow = 0; ow < outW; ow++) out[at + ow] = 0;
              continue;
            }
            // plain loops: rows are short (tens of values), where subarray/set cost more than they save
            const base = source + ih * width + offsetW;
            for (let ow = 0; ow < lo; ow++) out[at + ow] = 0;
            if (strideW === 1) for (let ow = lo; ow < hi; ow++) out[at + ow] = x[base + ow]!;
            else for (let ow = lo; ow < hi; ow++) out[at + ow] = x[base + ow * strideW]!;
            for (let ow = hi; ow < outW; ow++) out[at + ow] = 0;
          }
        }
      }
    }
  }
}

export function col2imKernel(cols: FloatArray, spec: WindowSpec, out: FloatArray): void {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = spec;
  const plane = height * width;
  const columns = batch * outH * outW;
  out.fill(0);
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row++) {
        const offsetW = j * dilationW - padW;
        const [lo, hi] = validRange(offsetW, strideW, width, outW);
        let at = row * columns;
        for (let b = 0; b < batch; b++) {
          const target = (b * channels + c) * plane;
          for (let oh = 0; oh < outH; oh++, at += outW) {
            const ih = oh * strideH - padH + i * dilationH;
            if (ih < 0 || ih >= height) continue;
            const base = target + ih * width + offsetW;
            for (let ow = lo; ow < hi; ow++) out[base + ow * strideW] += cols[at + ow]!;
          }
        }
      }
    }
  }
}

export function maxPool2dKernel(x: FloatArray, spec: WindowSpec, out: FloatArray, indices: FloatArray): void {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = spec;
  const plane = height * width;
  const inside = padH === 0 && padW === 0 && dilationH === 1 && dilationW === 1 && (outH - 1) * strideH + kernelH <= height && (outW - 1) * strideW + kernelW <= width;
  if (inside) return maxPoolInside(x, spec, out, indices);
  let at = 0;
  for (let p = 0; p < batch * channels; p++) {
    const source = p * plane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = oh * strideH - padH;
      for (let ow = 0; ow < outW; ow++, at++) {
        const w0 = ow * strideW - padW;
        let best = -Infinity;
        let where = -1;
        for (let i = 0; i < kernelH; i++) {
          const h = h0 + i * dilationH;
          if (h < 0 || h >= height) continue;
          for (let j = 0; j < kernelW; j++) {
            const w = w0 + j * dilationW;
            if (w < 0 || w >= width) continue;
            const v = x[source + h * width + w]!;
            // the first maximum wins; a NaN wins and stays (PyTorch's rule)
            if (v > best || v !== v || where < 0) {
              best = v;
              where = h * width + w;
              if (v !== v) {
                i = kernelH;
                break;
              }
            }
          }
        }
        out[at] = best;
        indices[at] = where;
      }
    }
  }
}

/** Max pooling where every window lies inside the input (no padding, dilation 1): no bounds tests. */
function maxPoolInside(x: FloatArray, spec: WindowSpec, out: FloatArray, indices: FloatArray): void {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, outH, outW } = spec;
  const plane = height * width;
  let at = 0;
  for (let p = 0; p < batch * channels; p++) {
    const source = p * plane;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, at++) {
        const first = oh * strideH * width + ow * strideW;
        let best = x[source + first]!;
        let where = first;
        if (best === best) {
          search: for (let i = 0; i < kernelH; i++) {
            const row = first + i * width;
            for (let j = 0; j < kernelW; j++) {
              const v = x[source + row + j]!;
              if (v > best || v !== v) {
                best = v;
                where = row + j;
                if (v !== v) break search;
              }
            }
          }
        }
        out[at] = best;
        indices[at] = where;
      }
    }
  }
}

export function maxPool2dGradKernel(dy: FloatArray, indices: FloatArray, spec: WindowSpec, out: FloatArray): void {
  const plane = spec.height * spec.width;
  const outPlane = spec.outH * spec.outW;
  out.fill(0);
  for (let p = 0, at = 0; p < spec.batch * spec.channels; p++) {
    const base = p * plane;
    for (let q = 0; q < outPlane; q++, at++) out[base + indices[at]!] += dy[at]!;
  }
}

export function pool2dKernel(op: PoolOp, x: FloatArray, divisors: FloatArray, spec: WindowSpec, out: FloatArray): void {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, outH, outW } = spec;
  const plane = height * width;
  let forward: boolean;
  switch (op) {
    case "avgPool2d":
      forward = true;
      break;
    case "avgPool2dGrad":
      forward = false;
      out.fill(0);
      break;
    default: {
      const never: never = op;
      throw unknownOp("pool2d", never);
    }
  }
  let at = 0;
  for (let p = 0; p < batch * channels; p++) {
    const base = p * plane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = Math.max(oh * strideH - padH, 0);
      const h1 = Math.min(oh * strideH - padH + kernelH, height);
      for (let ow = 0; ow < outW; ow++, at++) {
        const w0 = Math.max(ow * strideW - padW, 0);
        const w1 = Math.min(ow * strideW - padW + kernelW, width);
        const divisor = divisors[oh * outW + ow]!;
        if (forward) {
          let sum = 0;
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum += x[base + h * width + w]!;
          out[at] = sum / divisor;
        } else {
          const g = x[at]! / divisor;
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) out[base + h * width + w] += g;
        }
      }
    }
  }
}
