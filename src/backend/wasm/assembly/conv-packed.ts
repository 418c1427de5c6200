// A float32 convolution's product with op(B)'s panels packed straight from the zero-padded image:
// conv.ts's forward pass and its input gradient (as a correlation) at column stride 1. The
// unfolded windows (`cols`, C·kh·kw rows of outH·outW) are never written: im2col wrote every
// window value once and the packing read and wrote it again, 90 MB per W5 step on one thread,
// 7.5 of its 40 ms. The micro-kernel sees the same panels, so the results are the bits of
// im2col followed by the packed product (matmul.ts).
import { KC, MC, NC, at, kStepOf, macro, packA } from "./matmul";
import { mr, nr } from "./matmul-micro";
import { paddedColumns, paddedRows } from "./conv";
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
@inline export function laterLanes(split: i32, half: i32): v128 {
  const q = half * 4;
  let mask = i32x4.splat(0);
  mask = i32x4.replace_lane(mask, 0, q >= split ? -1 : 0);
  mask = i32x4.replace_lane(mask, 1, q + 1 >= split ? -1 : 0);
  mask = i32x4.replace_lane(mask, 2, q + 2 >= split ? -1 : 0);
  mask = i32x4.replace_lane(mask, 3, q + 3 >= split ? -1 : 0);
  return mask;
}

/**
 * Packs op(B)[pc : pc+kc, jc : jc+nc] of the unfolded image into panels of 8 positions, p-major,
 * zero-padded (matmul.ts's packB layout). A panel within one output row reads each window row
 * as one run of 8; one that wraps onto the next row reads a run from each and selects lanes; a
 * narrower panel or rows shorter than its reach are gathered value by value.
 */
function packPanels(padded: usize, spec: usize, taps: usize, pc: i32, kc: i32, jc: i32, nc: i32, bp: usize): void {
  const width = nr<f32>();
  const outW = field(spec, OUT_W), strideH = field(spec, STRIDE_H);
  const rowPitch = strideH * paddedColumns(spec);
  const tapAt = taps + ((<usize>pc) << 2);
  for (let jp = 0; jp < nc; jp += width) {
    const panel = at<f32>(bp, jp * kc);
    const cols = min(width, nc - jp);
    const j = jc + jp;
    const oh = j / outW, ow = j - (j / outW) * outW;
    const first = at<f32>(padded, oh * rowPitch + ow);
    const split = outW - ow; // the panel's positions still in output row oh
    if (cols == width && split >= width) {
      for (let p = 0; p < kc; p++) {
        const src = first + ((<usize>load<i32>(tapAt + ((<usize>p) << 2))) << 2);
        const dst = at<f32>(panel, p * width);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
      continue;
    }
    if (cols == width && width - split <= outW) {
      // lane q ≥ split is position (oh + 1, q − split): read from the next row, shifted back by split
      const next = at<f32>(padded, (oh + 1) * rowPitch - split);
      const low = laterLanes(split, 0), high = laterLanes(split, 1);
      for (let p = 0; p < kc; p++) {
        const offset = (<usize>load<i32>(tapAt + ((<usize>p) << 2))) << 2;
        const a = first + offset, b = next + offset;
        const dst = at<f32>(panel, p * width);
        v128.store(dst, v128.bitselect(v128.load(b), v128.load(a), low));
        v128.store(dst, v128.bitselect(v128.load(b, 16), v128.load(a, 16), high), 16);
      }
      continue;
    }
    for (let q = 0; q < width; q++) {
      if (q >= cols) {
        for (let p = 0; p < kc; p++) store<f32>(at<f32>(panel, p * width + q), 0);
        continue;
      }
      const position = j + q;
      const h = position / outW;
      const start = at<f32>(padded, h * rowPitch + position - h * outW);
      for (let p = 0; p < kc; p++) store<f32>(at<f32>(panel, p * width + q), load<f32>(start + ((<usize>load<i32>(tapAt + ((<usize>p) << 2))) << 2)));
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
      packPanels(padded, spec, taps, pc, kc, jc, nc, bp);
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
