// Max pooling in one pass each way (reference: src/backend/js-window.ts). Indices are i32 flat
// positions h·width + w within each plane, PyTorch's `return_indices` layout.
import { AVG_POOL2D, AVG_POOL2D_GRAD } from "./opcodes";
import { BATCH, CHANNELS, HEIGHT, WIDTH, KERNEL_H, KERNEL_W, STRIDE_H, STRIDE_W, PAD_H, PAD_W, DILATION_H, DILATION_W, OUT_H, OUT_W, field } from "./window-spec";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

@inline function at32(base: usize, i: i32): usize {
  return base + ((<usize>i) << 2);
}

/** out, indices [batch, channels, outH, outW]: each window's maximum (the first; a NaN wins and stays) and where it is. */
export function maxPool2d<T>(x: usize, spec: usize, out: usize, indices: usize): void {
  const batch = field(spec, BATCH), channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
  const kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W), strideH = field(spec, STRIDE_H), strideW = field(spec, STRIDE_W);
  const padH = field(spec, PAD_H), padW = field(spec, PAD_W), dilationH = field(spec, DILATION_H), dilationW = field(spec, DILATION_W);
  const outH = field(spec, OUT_H), outW = field(spec, OUT_W);
  const plane = height * width;
  const planes = batch * channels;
  const inside = padH == 0 && padW == 0 && dilationH == 1 && dilationW == 1 && (outH - 1) * strideH + kernelH <= height && (outW - 1) * strideW + kernelW <= width;
  if (inside && kernelH == 2 && kernelW == 2 && strideH == 2 && strideW == 2) return maxPool2x2<T>(x, planes, height, width, outH, outW, out, indices);
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const source = at<T>(x, p * plane);
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, q++) {
        let best: T;
        let where: i32;
        if (inside) {
          // every tap lies in the input: no bounds tests, and no branches on the values (random
          // data mispredicts them half the time); a window holding a NaN is searched again below
          const first = oh * strideH * width + ow * strideW;
          best = load<T>(at<T>(source, first));
          where = first;
          let nan = 0;
          for (let i = 0; i < kernelH; i++) {
            const row = first + i * width;
            for (let j = 0; j < kernelW; j++) {
              const v = load<T>(at<T>(source, row + j));
              const wins = v > best;
              best = select<T>(v, best, wins);
              where = select<i32>(row + j, where, wins);
              nan |= <i32>(v != v);
            }
          }
          if (nan != 0) {
            best = load<T>(at<T>(source, first));
            where = first;
          }
          if (nan != 0 && best == best) {
            for (let i = 0; i < kernelH; i++) {
              const row = first + i * width;
              let j = 0;
              for (; j < kernelW; j++) {
                const v = load<T>(at<T>(source, row + j));
                if (v > best || v != v) {
                  best = v;
                  where = row + j;
                  if (v != v) break;
                }
              }
              if (j < kernelW) break;
            }
          }
        } else {
          best = <T>-Infinity;
          where = -1;
          const h0 = oh * strideH - padH;
          const w0 = ow * strideW - padW;
          for (let i = 0; i < kernelH; i++) {
            const h = h0 + i * dilationH;
            if (h < 0 || h >= height) continue;
            let stop = false;
            for (let j = 0; j < kernelW; j++) {
              const w = w0 + j * dilationW;
              if (w < 0 || w >= width) continue;
              const v = load<T>(at<T>(source, h * width + w));
              if (v > best || v != v || where < 0) {
                best = v;
                where = h * width + w;
                if (v != v) {
                  stop = true;
                  break;
                }
              }
            }
            if (stop) break;
          }
        }
        store<T>(at<T>(out, q), best);
        store<i32>(at32(indices, q), where);
      }
    }
  }
}

/** The common 2×2, stride 2 window inside the input, unrolled and without branches on the values. */
function maxPool2x2<T>(x: usize, planes: i32, height: i32, width: i32, outH: i32, outW: i32, out: usize, indices: usize): void {
  const rowBytes = (<usize>width) << alignof<T>();
  let q = 0;
  for (let p = 0; p < planes; p++) {
    const source = at<T>(x, p * height * width);
    for (let oh = 0; oh < outH; oh++) {
      const top = 2 * oh * width;
      let ow = 0;
      if (sizeof<T>() == 4) {
        // four windows at once: V8 turns a scalar float select into a branch, which random data
        // mispredicts; SIMD compares and bit-selects do not branch
        for (; ow + 4 <= outW; ow += 4, q += 4) {
          const i0 = top + 2 * ow;
          const a = at<T>(source, i0);
          const topLo = v128.load(a), topHi = v128.load(a, 16);
          const bottomLo = v128.load(a + rowBytes), bottomHi = v128.load(a + rowBytes, 16);
          const v0 = v128.shuffle<f32>(topLo, topHi, 0, 2, 4, 6);
          const v1 = v128.shuffle<f32>(topLo, topHi, 1, 3, 5, 7);
          const v2 = v128.shuffle<f32>(bottomLo, bottomHi, 0, 2, 4, 6);
          const v3 = v128.shuffle<f32>(bottomLo, bottomHi, 1, 3, 5, 7);
          const nan = v128.or(v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)), v128.or(f32x4.ne(v2, v2), f32x4.ne(v3, v3)));
          if (v128.any_true(nan)) break; // the scalar loop below takes it from here
          const first = i32x4.add(i32x4.splat(i0), i32x4(0, 2, 4, 6));
          let best = v0;
          let where = first;
          let wins = f32x4.gt(v1, best);
          best = v128.bitselect(v1, best, wins);
          where = v128.bitselect(i32x4.add(first, i32x4.splat(1)), where, wins);
          wins = f32x4.gt(v2, best);
          best = v128.bitselect(v2, best, wins);
          where = v128.bitselect(i32x4.add(first, i32x4.splat(width)), where, wins);
          wins = f32x4.gt(v3, best);
          best = v128.bitselect(v3, best, wins);
          where = v128.bitselect(i32x4.add(first, i32x4.splat(width + 1)), where, wins);
          v128.store(at<T>(out, q), best);
          v128.store(at32(indices, q), where);
        }
      }
      for (; ow < outW; ow++, q++) {
        const i0 = top + 2 * ow;
        const a = at<T>(source, i0);
        const v0 = load<T>(a), v1 = load<T>(a, sizeof<T>()), v2 = load<T>(a + rowBytes), v3 = load<T>(a + rowBytes + sizeof<T>());
        let best = v0;
        let where = i0;
        let wins = v1 > best;
        best = select<T>(v1, best, wins);
        where = select<i32>(i0 + 1, where, wins);
        wins = v2 > best;
        best = select<T>(v2, best, wins);
        where = select<i32>(i0 + width, where, wins);
        wins = v3 > best;
        best = select<T>(v3, best, wins);
        where = select<i32>(i0 + width + 1, where, wins);
        if ((v0 != v0) | (v1 != v1) | (v2 != v2) | (v3 != v3)) {
          // the first NaN wins (PyTorch's rule)
          where = v0 != v0 ? i0 : v1 != v1 ? i0 + 1 : v2 != v2 ? i0 + width : i0 + width + 1;
          best = <T>NaN;
        }
        store<T>(at<T>(out, q), best);
        store<i32>(at32(indices, q), where);
      }
    }
  }
}

/** dx [batch, channels, height, width] = 0, plus dy added at each window's index. */
export function maxPool2dGrad<T>(dy: usize, indices: usize, spec: usize, dx: usize): void {
  const batch = field(spec, BATCH), channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
  const kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W), strideH = field(spec, STRIDE_H), strideW = field(spec, STRIDE_W);
  const padH = field(spec, PAD_H), padW = field(spec, PAD_W), dilationH = field(spec, DILATION_H), dilationW = field(spec, DILATION_W);
  const outH = field(spec, OUT_H), outW = field(spec, OUT_W);
  const plane = height * width;
  const outPlane = outH * outW;
  memory.fill(dx, 0, (<usize>(batch * channels * plane)) << alignof<T>());
  let q = 0;
  for (let p = 0; p < batch * channels; p++) {
    const target = at<T>(dx, p * plane);
    for (let r = 0; r < outPlane; r++, q++) {
      const to = at<T>(target, load<i32>(at32(indices, q)));
      store<T>(to, load<T>(to) + load<T>(at<T>(dy, q)));
    }
  }
}

/**
 * Average pooling (op AVG_POOL2D: x → out [planes, outH, outW]) and its adjoint
 * (AVG_POOL2D_GRAD: dy → out [planes, height, width]), `divisors` [outH·outW] per position.
 */
export function pool2d<T>(op: i32, x: usize, divisors: usize, spec: usize, out: usize): void {
  const batch = field(spec, BATCH), channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
  const kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W), strideH = field(spec, STRIDE_H), strideW = field(spec, STRIDE_W);
  const padH = field(spec, PAD_H), padW = field(spec, PAD_W), outH = field(spec, OUT_H), outW = field(spec, OUT_W);
  const plane = height * width;
  if (op != AVG_POOL2D && op != AVG_POOL2D_GRAD) unreachable();
  const forward = op == AVG_POOL2D;
  if (!forward) memory.fill(out, 0, (<usize>(batch * channels * plane)) << alignof<T>());
  let q = 0;
  for (let p = 0; p < batch * channels; p++) {
    const base = p * plane;
    for (let oh = 0; oh < outH; oh++) {
      const h0 = max(oh * strideH - padH, 0);
      const h1 = min(oh * strideH - padH + kernelH, height);
      for (let ow = 0; ow < outW; ow++, q++) {
        const w0 = max(ow * strideW - padW, 0);
        const w1 = min(ow * strideW - padW + kernelW, width);
        const divisor = load<T>(at<T>(divisors, oh * outW + ow));
        if (forward) {
          let sum = <T>0;
          for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) sum += load<T>(at<T>(x, base + h * width + w));
          store<T>(at<T>(out, q), sum / divisor);
        } else {
          const g = load<T>(at<T>(x, q)) / divisor;
          for (let h = h0; h < h1; h++) {
            for (let w = w0; w < w1; w++) {
              const to = at<T>(out, base + h * width + w);
              store<T>(to, load<T>(to) + g);
            }
          }
        }
      }
    }
  }
}
