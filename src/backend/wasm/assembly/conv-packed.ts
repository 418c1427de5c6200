// A float32 convolution's product with op(B)'s panels packed straight from the zero-padded image:
// conv.ts's forward pass and its input gradient (as a correlation) at column stride 1. The
// unfolded windows (`cols`, C·kh·kw rows of outH·outW) are never written: im2col wrote every
// window value once and the packing read and wrote it again, 90 MB per W5 step (a sampling
// profile of compiled W5 on one thread: 4.45 and 3.0 ms of a 40 ms step). The micro-kernel sees
// the same panels, so the results are the bits of im2col followed by the packed product
// (matmul.ts); bench/conv-ab.ts races the kernels against another revision's and checks that.
import { KC, MC, NC, at, kStepOf, macro, packA } from "./matmul";
import { mr, nr } from "./matmul-micro";
import { paddedColumns, paddedRows } from "./im2col";
import { CHANNELS, DILATION_H, DILATION_W, KERNEL_H, KERNEL_W, OUT_H, OUT_W, STRIDE_H, STRIDE_W, field } from "./window-spec";

/** Whether the packed path applies: float32 (8-wide panels of v128 pairs) at column stride 1. */
@inline export function packsFromPadded<T>(spec: usize): bool {
  return sizeof<T>() == 4 && field(spec, STRIDE_W) == 1;
}

/**
 * taps[r] = where window row r = (c, i, j) of the patch starts in the padded image, relative to
 * a position's top-left corner: (c·paddedRows + i·dilationH)·paddedColumns + j·dilationW.
 */
export function tapOffsets(spec: usize, taps: usize): void {
  const channels = field(spec, CHANNELS), kernelH = field(spec, KERNEL_H), kernelW = field(spec, KERNEL_W);
  const dilationH = field(spec, DILATION_H), dilationW = field(spec, DILATION_W);
  const rows = paddedRows(spec), columns = paddedColumns(spec);
  let r = 0;
  for (let c = 0; c < channels; c++)
    for (let i = 0; i < kernelH; i++)
      for (let j = 0; j < kernelW; j++, r++) store<i32>(taps + ((<usize>r) << 2), (c * rows + i * dilationH) * columns + j * dilationW);
}

/** Lane masks for positions q ≥ split (q < 8) of a panel, as two v128: lanes from the next output row. */
@inline function laterLanes(split: i32, half: i32): v128 {
  const q = half * 4;
  let mask = i32x4.splat(0);
  mask = i32x4.replace_lane(mask, 0, q >= split ? -1 : 0);
  mask = i32x4.replace_lane(mask, 1, q + 1 >= split ? -1 : 0);
  mask = i32x4.replace_lane(mask, 2, q + 2 >= split ? -1 : 0);
  mask = i32x4.replace_lane(mask, 3, q + 3 >= split ? -1 : 0);
  return mask;
}

/** Stores lanes 4… of a group of `width` values (8: four more, 6: two more, 4: none) from `upper`. */
@inline function storeUpper(dst: usize, upper: v128, width: i32): void {
  if (width == 8) v128.store(dst, upper, 16);
  else if (width == 6) v128.store64_lane(dst, upper, 0, 16);
}

/**
 * Packs window rows [pc, pc+kc) of positions [first, first+count) of the unfolded image into
 * groups of `width` positions, p-major, zero-padded: matmul.ts's panels of op(B) (width 8, the
 * positions as columns) or strips of op(A) (width mr, as rows, conv-turned.ts). A group within
 * one output row reads each window row as one run; one that wraps onto the next row reads a run
 * from each and selects lanes; a narrower group, or rows shorter than its reach, is gathered
 * value by value. Runs are read in whole v128s, up to 2 values past a group of 6, into the
 * padded image's next row or the slack after it. Inlined, so that each caller's width is a
 * constant and the branches on it fold away (called with the width as a parameter, the
 * convolutions ran 4–7% slower).
 */
@inline export function packPositions(padded: usize, spec: usize, taps: usize, pc: i32, kc: i32, first: i32, count: i32, width: i32, dst: usize): void {
  const pitch = (<usize>width) << 2;
  const outW = field(spec, OUT_W);
  const rowPitch = field(spec, STRIDE_H) * paddedColumns(spec);
  const tapAt = taps + ((<usize>pc) << 2);
  for (let g = 0; g < count; g += width) {
    const group = at<f32>(dst, g * kc);
    const cols = min(width, count - g);
    const position = first + g;
    const oh = position / outW;
    const ow = position - oh * outW;
    const start = at<f32>(padded, oh * rowPitch + ow);
    const split = outW - ow; // the group's positions still in output row oh
    if (cols == width && split >= width) {
      for (let p = 0; p < kc; p++) {
        const src = start + ((<usize>load<i32>(tapAt + ((<usize>p) << 2))) << 2);
        const to = group + <usize>p * pitch;
        v128.store(to, v128.load(src));
        if (width > 4) storeUpper(to, v128.load(src, 16), width);
      }
      continue;
    }
    if (cols == width && width - split <= outW) {
      // lane q ≥ split is position (oh + 1, q − split): read from the next row, shifted back by split
      const next = at<f32>(padded, (oh + 1) * rowPitch - split);
      const low = laterLanes(split, 0), high = laterLanes(split, 1);
      for (let p = 0; p < kc; p++) {
        const offset = (<usize>load<i32>(tapAt + ((<usize>p) << 2))) << 2;
        const a = start + offset, b = next + offset;
        const to = group + <usize>p * pitch;
        v128.store(to, v128.bitselect(v128.load(b), v128.load(a), low));
        if (width > 4) storeUpper(to, v128.bitselect(v128.load(b, 16), v128.load(a, 16), high), width);
      }
      continue;
    }
    for (let q = 0; q < width; q++) {
      const lane = group + ((<usize>q) << 2);
      if (q >= cols) {
        for (let p = 0; p < kc; p++) store<f32>(lane + <usize>p * pitch, 0);
        continue;
      }
      const h = (position + q) / outW;
      const from = at<f32>(padded, h * rowPitch + position + q - h * outW);
      for (let p = 0; p < kc; p++) store<f32>(lane + <usize>p * pitch, load<f32>(from + ((<usize>load<i32>(tapAt + ((<usize>p) << 2))) << 2)));
    }
  }
}

/**
 * A [m, C·kh·kw] (row-major) packed once for every block, where that fits in `ap` (`capacity`
 * elements), as the product's loop nest will read it: k block pc at pc·mPad, row block ic at
 * ic·kc in it. False where it does not fit (then each block is packed as it is used).
 */
export function packWhole(a: usize, m: i32, k: i32, ap: usize, capacity: i32): bool {
  const height = mr<f32>();
  const mPad = (m + height - 1) / height * height;
  if (mPad * k > capacity) return false;
  const kStep = kStepOf(k);
  for (let pc = 0; pc < k; pc += kStep) {
    const kc = min(kStep, k - pc);
    for (let ic = 0; ic < m; ic += MC) packA<f32>(a, m, k, false, ic, min(MC, m - ic), pc, kc, at<f32>(ap, pc * mPad + ic * kc));
  }
  return true;
}

/**
 * out [m, outH·outW] = A [m, C·kh·kw] · unfold(the padded image) for one image, padded already
 * (conv.ts's padImage) and `taps` filled (tapOffsets). `packed`: A was packed by packWhole into
 * `ap`; else each block of A is packed into `ap` as it is used.
 */
export function productFromPadded(a: usize, m: i32, padded: usize, spec: usize, taps: usize, out: usize, ap: usize, packed: bool, bp: usize, tile: usize): void {
  const k = field(spec, CHANNELS) * field(spec, KERNEL_H) * field(spec, KERNEL_W);
  const n = field(spec, OUT_H) * field(spec, OUT_W);
  const height = mr<f32>();
  const mPad = (m + height - 1) / height * height;
  const kStep = kStepOf(k);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += kStep) {
      const kc = min(kStep, k - pc);
      packPositions(padded, spec, taps, pc, kc, jc, nc, nr<f32>(), bp);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        let strip = ap;
        if (packed) strip = at<f32>(ap, pc * mPad + ic * kc);
        else packA<f32>(a, m, k, false, ic, mc, pc, kc, ap);
        macro<f32>(strip, bp, mc, nc, kc, at<f32>(out, ic * n + jc), n, pc > 0, tile);
      }
    }
  }
}

/** Elements of f32 the matmul's A scratch holds (index.ts's matmulScratchA counts f64). */
export const A_CAPACITY_F32: i32 = MC * KC * 2;
