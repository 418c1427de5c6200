// One-group 2-D convolution and its gradients (op-table.ts's CONV_OPS), image by image: the
// windows of one image are unfolded into `cols` [C·kh·kw, outH·outW] here in this memory (it
// stays in cache, a few hundred KB) and the packed matmul runs on them. The reference is
// src/backend/js-conv.ts.
import { copyRow } from "./copy-row";
import { matmul } from "./matmul";
import { A_CAPACITY_F32, packWhole, packsFromPadded, productFromPadded, tapOffsets } from "./conv-packed";
import { packWeightPanels, turnedProduct, turns } from "./conv-turned";
import { CONV2D, CONV2D_INPUT_GRAD, CONV2D_WEIGHT_GRAD } from "./opcodes";
import { BATCH, CHANNELS, HEIGHT, WIDTH, KERNEL_H, KERNEL_W, STRIDE_H, STRIDE_W, PAD_H, PAD_W, DILATION_H, DILATION_W, OUT_H, OUT_W, field, setField } from "./window-spec";

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
function im2colPadded<T>(x: usize, spec: usize, cols: usize, padded: usize): void {
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
  const batch = field(spec, BATCH), channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
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
function col2im<T>(cols: usize, spec: usize, x: usize): void {
  const batch = field(spec, BATCH), channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
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

@inline function unfold<T>(x: usize, spec: usize, cols: usize, padded: usize): void {
  if (field(spec, STRIDE_W) == 1) im2colPadded<T>(x, spec, cols, padded);
  else im2col<T>(x, spec, cols);
}

/** How productOf runs a call's products (prepare chooses): turned around, or with A packed whole or block by block. */
const TURNED = 2, WHOLE = 1, BLOCKS = 0;

/**
 * The packed path's set-up for a call: the taps' offsets into `taps` (the call's `cols`, unused
 * otherwise), then A [m, patch] packed for the turned product (conv-turned.ts) where it applies,
 * else packed whole into `ap` where it fits. Returns which (TURNED, WHOLE or BLOCKS).
 */
function prepare(a: usize, m: i32, spec: usize, taps: usize, ap: usize, bp: usize): i32 {
  tapOffsets(spec, taps);
  const k = field(spec, CHANNELS) * field(spec, KERNEL_H) * field(spec, KERNEL_W);
  if (turns(m, k, field(spec, OUT_H) * field(spec, OUT_W))) {
    packWeightPanels(a, m, k, bp);
    return TURNED;
  }
  return packWhole(a, m, k, ap, A_CAPACITY_F32) ? WHOLE : BLOCKS;
}

/** out [m, positions] = A · unfold(padded image) as prepare chose (`mode`), `taps` the call's `cols`. */
@inline function productOf(a: usize, m: i32, padded: usize, spec: usize, taps: usize, out: usize, ap: usize, bp: usize, tile: usize, mode: i32): void {
  if (mode == TURNED) turnedProduct(m, padded, spec, taps, out, ap, bp, tile);
  else productFromPadded(a, m, padded, spec, taps, out, ap, mode == WHOLE, bp, tile);
}

/**
 * Whether conv2dInputGrad can run as a stride-1 correlation (below): stride 1, and no more
 * padding than the kernel reaches, so padding dy by the rest of the reach gives dx's size.
 */
@inline function correlates(spec: usize): bool {
  return field(spec, STRIDE_H) == 1 && field(spec, STRIDE_W) == 1 && field(spec, PAD_H) <= (field(spec, KERNEL_H) - 1) * field(spec, DILATION_H) && field(spec, PAD_W) <= (field(spec, KERNEL_W) - 1) * field(spec, DILATION_W);
}

/** Bytes the correlation's geometry (14 f64) takes at the start of its scratch, a cache line's multiple. */
const CORRELATION_SPEC_BYTES: usize = 128;

/**
 * dx of a stride-1 convolution as a convolution itself: dx[c] = Σₒ dy[o] ⋆ flip(W[o, c]), dy
 * padded by (k − 1)·dilation − pad on each side. Per image that is one product with a long
 * inner dimension, [C, O·kh·kw] · [O·kh·kw, H·W], as the forward pass runs, where the transposed
 * form (cols = Wᵀ·dy, then col2im's scattered sums) multiplies over O alone and writes C·kh·kw
 * rows: W5's second layer took 7.0 ms that way against 5.0 for its forward. `scratch` holds the
 * geometry, the flipped kernel [C, O·kh·kw] and the windows of one image of dy (wasm-conv.ts's
 * convScratchSizes sizes it); `padded`, one image of dy with its border.
 */
function inputGradByCorrelation<T>(dy: usize, w: usize, spec: usize, outChannels: i32, dx: usize, scratch: usize, padded: usize, ap: usize, bp: usize, tile: usize): void {
  const batch = field(spec, BATCH), channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
  const kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W);
  const dilationH = field(spec, DILATION_H), dilationW = field(spec, DILATION_W), outH = field(spec, OUT_H), outW = field(spec, OUT_W);
  const geometry = scratch;
  setField(geometry, BATCH, 1);
  setField(geometry, CHANNELS, outChannels);
  setField(geometry, HEIGHT, outH);
  setField(geometry, WIDTH, outW);
  setField(geometry, KERNEL_H, kernelH);
  setField(geometry, KERNEL_W, kernelW);
  setField(geometry, STRIDE_H, 1);
  setField(geometry, STRIDE_W, 1);
  setField(geometry, PAD_H, (kernelH - 1) * dilationH - field(spec, PAD_H));
  setField(geometry, PAD_W, (kernelW - 1) * dilationW - field(spec, PAD_W));
  setField(geometry, DILATION_H, dilationH);
  setField(geometry, DILATION_W, dilationW);
  setField(geometry, OUT_H, height);
  setField(geometry, OUT_W, width);
  // flipped[c, (o, i, j)] = W[o, c, kh − 1 − i, kw − 1 − j]
  const taps = kernelH * kernelW;
  const patch = outChannels * taps;
  const flipped = geometry + CORRELATION_SPEC_BYTES;
  for (let c = 0; c < channels; c++)
    for (let o = 0; o < outChannels; o++)
      for (let t = 0; t < taps; t++) store<T>(at<T>(flipped, (c * outChannels + o) * taps + t), load<T>(at<T>(w, (o * channels + c) * taps + taps - 1 - t)));
  const cols = flipped + ((((<usize>(channels * patch)) << alignof<T>()) + 63) & ~63);
  const image = channels * height * width, plane = outChannels * outH * outW;
  const direct = packsFromPadded<T>(geometry);
  const mode = direct ? prepare(flipped, channels, geometry, cols, ap, bp) : BLOCKS;
  for (let n = 0; n < batch; n++) {
    if (direct) {
      padImage<T>(at<T>(dy, n * plane), geometry, padded);
      productOf(flipped, channels, padded, geometry, cols, at<T>(dx, n * image), ap, bp, tile, mode);
    } else {
      im2colPadded<T>(at<T>(dy, n * plane), geometry, cols, padded);
      matmul<T>(flipped, cols, at<T>(dx, n * image), 1, channels, patch, height * width, false, false, 0, 0, ap, bp, tile);
    }
  }
}

/**
 * `op` over a batch: conv2d (a = x, b = W, bias or 0), conv2dInputGrad (a = dy, b = W),
 * conv2dWeightGrad (a = x, b = dy). `cols` holds one image's columns and `padded` its zero-padded
 * copy (im2colPadded, both with 16 bytes of slack); `ap`, `bp`, `tile` are
 * the matmul's scratch.
 */
export function conv2d<T>(op: i32, a: usize, b: usize, bias: usize, spec: usize, outChannels: i32, out: usize, cols: usize, padded: usize, ap: usize, bp: usize, tile: usize): void {
  const batch = field(spec, BATCH), channels = field(spec, CHANNELS), height = field(spec, HEIGHT), width = field(spec, WIDTH);
  const kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W), strideH = field(spec, STRIDE_H), strideW = field(spec, STRIDE_W);
  const padH = field(spec, PAD_H), padW = field(spec, PAD_W), dilationH = field(spec, DILATION_H), dilationW = field(spec, DILATION_W);
  const outH = field(spec, OUT_H), outW = field(spec, OUT_W);
  const patch = channels * kernelH * kernelW;
  const positions = outH * outW;
  const image = channels * height * width;
  const plane = outChannels * positions;
  if (op == CONV2D) {
    // float32 at column stride 1: the panels come straight from the padded image, and `cols` holds the taps' offsets
    const direct = packsFromPadded<T>(spec);
    const mode = direct ? prepare(b, outChannels, spec, cols, ap, bp) : BLOCKS;
    for (let n = 0; n < batch; n++) {
      const y = at<T>(out, n * plane);
      if (direct) {
        padImage<T>(at<T>(a, n * image), spec, padded);
        productOf(b, outChannels, padded, spec, cols, y, ap, bp, tile, mode);
      } else {
        unfold<T>(at<T>(a, n * image), spec, cols, padded);
        matmul<T>(b, cols, y, 1, outChannels, patch, positions, false, false, 0, 0, ap, bp, tile);
      }
      if (bias != 0) {
        for (let o = 0; o < outChannels; o++) {
          const row = at<T>(y, o * positions);
          const v = load<T>(at<T>(bias, o));
          const splat = v128.splat<T>(v);
          const step = 16 / sizeof<T>();
          let p = 0;
          for (; p + step <= positions; p += step) v128.store(at<T>(row, p), v128.add<T>(v128.load(at<T>(row, p)), splat));
          for (; p < positions; p++) store<T>(at<T>(row, p), load<T>(at<T>(row, p)) + v);
        }
      }
    }
  } else if (op == CONV2D_INPUT_GRAD) {
    if (correlates(spec)) {
      inputGradByCorrelation<T>(a, b, spec, outChannels, out, cols, padded, ap, bp, tile);
      return;
    }
    for (let n = 0; n < batch; n++) {
      // cols = Wᵀ·dy_n: W is [out, patch], read transposed
      matmul<T>(b, at<T>(a, n * plane), cols, 1, patch, outChannels, positions, true, false, 0, 0, ap, bp, tile);
      col2im<T>(cols, spec, at<T>(out, n * image));
    }
  } else if (op == CONV2D_WEIGHT_GRAD) {
    if (batch == 0) memory.fill(out, 0, (<usize>(outChannels * patch)) << alignof<T>());
    for (let n = 0; n < batch; n++) {
      unfold<T>(at<T>(a, n * image), spec, cols, padded);
      // dW (+)= dy_n·colsᵀ: cols is [patch, positions], read transposed
      matmul<T>(at<T>(b, n * plane), cols, out, 1, outChannels, positions, patch, false, true, 0, 0, ap, bp, tile, n > 0);
    }
  } else {
    unreachable();
  }
}
