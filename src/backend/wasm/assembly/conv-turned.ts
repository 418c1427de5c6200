// A float32 convolution's product turned around: outᵀ [positions, m] = unfold(image)ᵀ · Aᵀ,
// the image's positions as the micro-kernel's rows (strips packed straight from the padded
// image) and A's m rows (out channels, or in channels for the input gradient) as its columns
// (panels of 8, packed once per call). The 6×8 tile wastes a part strip at the end of the rows:
// W5's 16 and 32 channels fill 3 and 6 strips of 6 (18 and 36 rows for 16 and 32), while 196
// or 784 positions fill theirs to within a row, and 16 or 32 columns fill whole panels. outᵀ is
// then transposed into out. Each element is still one chain of madds over the window in order,
// so the results are conv-packed.ts's bits.
import { KC, MC, NC, at, kStepOf, macro, packPanels, transpose4x4 } from "./matmul";
import { mr, nr } from "./matmul-micro";
import { packPositions } from "./conv-packed";
import { CHANNELS, KERNEL_H, KERNEL_W, OUT_H, OUT_W, field } from "./window-spec";

/** Elements of f32 the matmul's B scratch holds (index.ts's matmulScratchB counts f64). */
const B_CAPACITY_F32: i32 = KC * NC * 2;

/** Bytes the taps' table (conv-packed.ts tapOffsets) takes at the start of `cols`; outᵀ follows. */
@inline function tapsBytes(k: i32): usize {
  return (((<usize>k) << 2) + 15) & ~15;
}

/**
 * Whether the turned product applies to A [m, k] over n positions, and pays: m leaves a part
 * strip (not a multiple of mr), the window has at least 128 values (the strips' packing and the
 * transpose cost about what the part strip wastes at W5's first layer, 25: 4% slower there
 * without this threshold, 8–9% faster at its second, 400 and 800; bench/conv-ab.ts), A's panels
 * fit the B scratch whole, and outᵀ fits in `cols` (k·n values, sized for the windows) after
 * the taps.
 */
export function turns(m: i32, k: i32, n: i32): bool {
  if (m % mr<f32>() == 0 || k < 128) return false;
  return (m + nr<f32>() - 1) / nr<f32>() * nr<f32>() * k <= B_CAPACITY_F32 && tapsBytes(k) + ((<usize>(n * m)) << 2) <= ((<usize>(k * n)) << 2);
}

/**
 * Whether conv2dWeightGrad's product runs turned around in float32: dWᵀ [patch, out] =
 * Σ cols·dyᵀ, the window's values as the micro-kernel's rows and the out channels as its
 * columns, where that fills the 6×8 tiles better than dW [out, patch] = Σ dy·colsᵀ (W5's
 * layers: 402×32 against 36×400 computed, and 30×16 against 18×32).
 */
export function weightGradTurns(outChannels: i32, patch: i32): bool {
  const height = mr<f32>(), width = nr<f32>();
  return roundUp(patch, height) * roundUp(outChannels, width) < roundUp(outChannels, height) * roundUp(patch, width);
}

@inline function roundUp(x: i32, to: i32): i32 {
  return (x + to - 1) / to * to;
}

/** Aᵀ's panels for every k block into `bp`, block pc at pc·mPad: all of matmul.ts's packPanels over A read transposed. */
export function packWeightPanels(a: usize, m: i32, k: i32, bp: usize): void {
  packPanels<f32>(a, k, m, true, 0, m, 0, (m + nr<f32>() - 1) / nr<f32>(), bp);
}

/** out [m, n] = source [n, m] transposed: 4×4 blocks where both sides are multiples of 4. */
export function transposeInto(source: usize, n: i32, m: i32, out: usize): void {
  if (n % 4 == 0 && m % 4 == 0) {
    const row = (<usize>m) << 2;
    for (let o = 0; o < m; o += 4) {
      for (let p = 0; p < n; p += 4) {
        const r0 = at<f32>(source, p * m + o);
        transpose4x4(r0, r0 + row, r0 + 2 * row, r0 + 3 * row, at<f32>(out, o * n + p), (<usize>n) << 2);
      }
    }
    return;
  }
  for (let o = 0; o < m; o++) for (let p = 0; p < n; p++) store<f32>(at<f32>(out, o * n + p), load<f32>(at<f32>(source, p * m + o)));
}

/**
 * out [m, outH·outW] = A · unfold(the padded image) for one image through outᵀ: A's panels
 * packed by packWeightPanels into `bp`, `taps` filled (conv-packed.ts tapOffsets) with outᵀ's
 * room after them (turns), `ap` the strips' scratch.
 */
export function turnedProduct(m: i32, padded: usize, spec: usize, taps: usize, out: usize, ap: usize, bp: usize, tile: usize): void {
  const k = field(spec, CHANNELS) * field(spec, KERNEL_H) * field(spec, KERNEL_W);
  const n = field(spec, OUT_H) * field(spec, OUT_W);
  const mPad = (m + nr<f32>() - 1) / nr<f32>() * nr<f32>();
  const turned = taps + tapsBytes(k);
  const kStep = kStepOf(k);
  for (let pc = 0; pc < k; pc += kStep) {
    const kc = min(kStep, k - pc);
    for (let ic = 0; ic < n; ic += MC) {
      const mc = min(MC, n - ic);
      packPositions(padded, spec, taps, pc, kc, ic, mc, mr<f32>(), ap);
      macro<f32>(ap, at<f32>(bp, pc * mPad), mc, m, kc, at<f32>(turned, ic * m), m, pc > 0, tile);
    }
  }
  transposeInto(turned, n, m, out);
}
