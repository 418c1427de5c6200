// One-group 2-D convolution and its gradients (op-table.ts's CONV_OPS), image by image: the
// windows of one image are unfolded into `cols` [C·kh·kw, outH·outW] in this memory (im2col.ts;
// it stays in cache, a few hundred KB) and the packed matmul runs on them, or, in float32 at
// column stride 1, the matmul's operand is packed straight from the padded image
// (conv-packed.ts, conv-turned.ts). The reference is src/backend/js-conv.ts.
import { matmul } from "./matmul";
import { col2im, im2colPadded, padImage, unfold } from "./im2col";
import { A_CAPACITY_F32, packWhole, packsFromPadded, productFromPadded, tapOffsets } from "./conv-packed";
import { packWeightPanels, transposeInto, turnedProduct, turns, weightGradTurns } from "./conv-turned";
import { CONV2D, CONV2D_INPUT_GRAD, CONV2D_WEIGHT_GRAD } from "./opcodes";
import { BATCH, CHANNELS, HEIGHT, WIDTH, KERNEL_H, KERNEL_W, STRIDE_H, STRIDE_W, PAD_H, PAD_W, DILATION_H, DILATION_W, OUT_H, OUT_W, field, setField } from "./window-spec";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
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
    // dWᵀ in `cols` after the windows (wasm-conv.ts convScratchSizes), where turning pays
    const turned = sizeof<T>() == 4 && weightGradTurns(outChannels, patch) ? cols + ((((<usize>(patch * positions)) << 2) + 16 + 63) & ~63) : 0;
    for (let n = 0; n < batch; n++) {
      unfold<T>(at<T>(a, n * image), spec, cols, padded);
      // dW (+)= dy_n·colsᵀ: cols is [patch, positions], read transposed; turned, dWᵀ (+)= cols·dy_nᵀ,
      // each element the same chain of madds over the positions in order (the same bits)
      if (turned != 0) matmul<T>(cols, at<T>(b, n * plane), turned, 1, patch, positions, outChannels, false, true, 0, 0, ap, bp, tile, n > 0);
      else matmul<T>(at<T>(b, n * plane), cols, out, 1, outChannels, positions, patch, false, true, 0, 0, ap, bp, tile, n > 0);
    }
    if (turned != 0 && batch > 0) transposeInto(turned, patch, outChannels, out);
  } else {
    unreachable();
  }
}
