// Unfolding a convolution's windows (im2col) and folding them back (col2im), with the zero-padded
// copy of an image that both the unfold and conv-packed.ts's panels read. conv.ts runs the
// convolutions on them; the reference is src/backend/js-conv.ts.
import { copyRow } from "./copy-row";
import { CHANNELS, HEIGHT, WIDTH, KERNEL_H, KERNEL_W, STRIDE_H, STRIDE_W, PAD_H, PAD_W, DILATION_H, DILATION_W, OUT_H, OUT_W, field } from "./window-spec";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

// Rows here are short (tens of values): memory.copy and memory.fill call out of the module for
// each, which cost more than these inline SIMD loops (12% of a W5 step in im2col alone).

/** dst[0, n) = 0. */
@inline function zeroRow<T>(dst: usize, n: i32): void {
  const bytes = (<usize>n) << alignof<T>();
  const zero = i64x2.splat(0);
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, zero);
  for (; i < bytes; i += sizeof<T>()) store<T>(dst + i, <T>0);
}

/** First output column ow whose input column ow·stride + offset is ≥ 0. */
@inline function lowColumn(offset: i32, stride: i32, outW: i32): i32 {
  return offset >= 0 ? 0 : min(outW, (-offset + stride - 1) / stride);
}

/** One past the last output column whose input column ow·stride + offset is < width. */
@inline function highColumn(offset: i32, stride: i32, width: i32, outW: i32): i32 {
  return width - offset <= 0 ? 0 : min(outW, (width - offset + stride - 1) / stride);
}

/** Rows and columns of the zero-padded image that im2colPadded reads: the taps' full reach. */
@inline export function paddedRows(spec: usize): i32 {
  return (field(spec, OUT_H) - 1) * field(spec, STRIDE_H) + (field(spec, KERNEL_H) - 1) * field(spec, DILATION_H) + 1;
}
@inline export function paddedColumns(spec: usize): i32 {
  return (field(spec, OUT_W) - 1) * field(spec, STRIDE_W) + (field(spec, KERNEL_W) - 1) * field(spec, DILATION_W) + 1;
}

/**
 * Copies image x [C, H, W] into `padded` [C, paddedRows, paddedColumns] with its zero border,
 * so each row of taps is a plain run of values with no bounds to test (im2colPadded, and
 * conv-packed.ts's panels packed straight from it).
 */
export function padImage<T>(x: usize, spec: usize, padded: usize): void {
  const channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
  const padH = field(spec, PAD_H), padW = field(spec, PAD_W);
  const rows = paddedRows(spec), columns = paddedColumns(spec);
  // the border and the image: columns [lo, hi) of a padded row come from the input
  const lo = min(padW, columns), hi = max(lo, min(columns, padW + width));
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < rows; r++) {
      const dst = at<T>(padded, (c * rows + r) * columns);
      const ih = r - padH;
      if (ih < 0 || ih >= height) {
        zeroRow<T>(dst, columns);
        continue;
      }
      zeroRow<T>(dst, lo);
      copyRow<T>(at<T>(dst, lo), at<T>(x, (c * height + ih) * width + lo - padW), hi - lo);
      zeroRow<T>(at<T>(dst, hi), columns - hi);
    }
  }
}

/**
 * im2col for column stride 1 (nearly every convolution): the image is first padded (padImage),
 * then each row of taps is copied as a run of outW values. Runs are copied in whole v128s, the
 * last one reaching up to 3 values past the run, into the next run (written after it) or the
 * slack the caller leaves after `cols` and `padded`.
 */
export function im2colPadded<T>(x: usize, spec: usize, cols: usize, padded: usize): void {
  const channels = field(spec, CHANNELS);
  const kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W), strideH = field(spec, STRIDE_H);
  const dilationH = field(spec, DILATION_H), dilationW = field(spec, DILATION_W);
  const outH = field(spec, OUT_H), outW = field(spec, OUT_W);
  const rows = paddedRows(spec), columns = paddedColumns(spec);
  padImage<T>(x, spec, padded);
  const positions = outH * outW;
  const runBytes = (<usize>outW) << alignof<T>();
  let row = 0;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row++) {
        let src = at<T>(padded, (c * rows + i * dilationH) * columns + j * dilationW);
        const step = (<usize>(strideH * columns)) << alignof<T>();
        let dst = at<T>(cols, row * positions);
        for (let oh = 0; oh < outH; oh++, src += step, dst += runBytes) {
          for (let b: usize = 0; b < runBytes; b += 16) v128.store(dst + b, v128.load(src + b));
        }
      }
    }
  }
}

/** Unfolds image x [C, H, W] into cols [C·kh·kw, outH·outW], zeros where a tap reads padding. */
function im2col<T>(x: usize, spec: usize, cols: usize): void {
  const channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
  const kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W), strideH = field(spec, STRIDE_H), strideW = field(spec, STRIDE_W);
  const padH = field(spec, PAD_H), padW = field(spec, PAD_W), dilationH = field(spec, DILATION_H), dilationW = field(spec, DILATION_W);
  const outH = field(spec, OUT_H), outW = field(spec, OUT_W);
  const plane = height * width;
  const positions = outH * outW;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const source = at<T>(x, c * plane);
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row++) {
        const offsetW = j * dilationW - padW;
        const lo = lowColumn(offsetW, strideW, outW);
        const hi = max(lo, highColumn(offsetW, strideW, width, outW));
        let dst = at<T>(cols, row * positions);
        for (let oh = 0; oh < outH; oh++, dst += (<usize>outW) << alignof<T>()) {
          const ih = oh * strideH - padH + i * dilationH;
          if (ih < 0 || ih >= height) {
            zeroRow<T>(dst, outW);
            continue;
          }
          const base = at<T>(source, ih * width + offsetW);
          if (lo > 0) zeroRow<T>(dst, lo);
          if (strideW == 1) copyRow<T>(at<T>(dst, lo), at<T>(base, lo), hi - lo);
          else for (let ow = lo; ow < hi; ow++) store<T>(at<T>(dst, ow), load<T>(at<T>(base, ow * strideW)));
          if (hi < outW) zeroRow<T>(at<T>(dst, hi), outW - hi);
        }
      }
    }
  }
}

/** The adjoint of im2col: image x [C, H, W] = Σ of the columns at each input place. */
export function col2im<T>(cols: usize, spec: usize, x: usize): void {
  const channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
  const kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W), strideH = field(spec, STRIDE_H), strideW = field(spec, STRIDE_W);
  const padH = field(spec, PAD_H), padW = field(spec, PAD_W), dilationH = field(spec, DILATION_H), dilationW = field(spec, DILATION_W);
  const outH = field(spec, OUT_H), outW = field(spec, OUT_W);
  const plane = height * width;
  const positions = outH * outW;
  memory.fill(x, 0, (<usize>(channels * plane)) << alignof<T>());
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const target = at<T>(x, c * plane);
    for (let i = 0; i < kernelH; i++) {
      for (let j = 0; j < kernelW; j++, row++) {
        const offsetW = j * dilationW - padW;
        const lo = lowColumn(offsetW, strideW, outW);
        const hi = max(lo, highColumn(offsetW, strideW, width, outW));
        let src = at<T>(cols, row * positions);
        for (let oh = 0; oh < outH; oh++, src += (<usize>outW) << alignof<T>()) {
          const ih = oh * strideH - padH + i * dilationH;
          if (ih < 0 || ih >= height) continue;
          const base = at<T>(target, ih * width + offsetW);
          if (strideW == 1) {
            let ow = lo;
            const step = 16 / sizeof<T>();
            for (; ow + step <= hi; ow += step) {
              const p = at<T>(base, ow);
              v128.store(p, v128.add<T>(v128.load(p), v128.load(at<T>(src, ow))));
            }
            for (; ow < hi; ow++) store<T>(at<T>(base, ow), load<T>(at<T>(base, ow)) + load<T>(at<T>(src, ow)));
          } else {
            for (let ow = lo; ow < hi; ow++) {
              const p = at<T>(base, ow * strideW);
              store<T>(p, load<T>(p) + load<T>(at<T>(src, ow)));
            }
          }
        }
      }
    }
  }
}

@inline export function unfold<T>(x: usize, spec: usize, cols: usize, padded: usize): void {
  if (field(spec, STRIDE_W) == 1) im2colPadded<T>(x, spec, cols, padded);
  else im2col<T>(x, spec, cols);
}
