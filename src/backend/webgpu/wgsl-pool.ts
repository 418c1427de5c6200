/**
 * WGSL for pooling's other kernels: max pooling's backward and average pooling both ways
 * (op-table.ts's POOL_OPS). The backward kernels run one thread per input element and sum the
 * windows that cover it in output order, so they need no float atomics and give the same sums
 * as the reference kernel (src/backend/js-window.ts), which adds window by window.
 */
import { binding, elementKernel, memo } from "./wgsl.js";

/** WindowSpec fields from prm[8], in specTail's order (kernel-params.ts). */
const SPEC = `  let B = prm[8]; let C = prm[9]; let H = prm[10]; let W = prm[11]; let KH = prm[12]; let KW = prm[13];
  let SH = prm[14]; let SW = prm[15]; let PH = prm[16]; let PW = prm[17]; let DH = prm[18]; let DW = prm[19]; let OH = prm[20]; let OW = prm[21];`;

/**
 * The output rows (or columns) whose window can reach input row h: oh·S − P ≤ h ≤ oh·S − P +
 * span, so oh from ⌈(h + P − span)/S⌉ to ⌊(h + P)/S⌋, clipped to [0, O). WGSL's integer
 * division truncates toward zero, hence the case for a non-positive numerator.
 */
const RANGE = `fn firstWindow(h: i32, P: i32, S: i32, span: i32) -> i32 { let n = h + P - span; if (n <= 0) { return 0; } return (n + S - 1) / S; }
fn lastWindow(h: i32, P: i32, S: i32, O: i32) -> i32 { return min((h + P) / S, O - 1); }`;

/** out[plane, h, w] = Σ dy over the windows whose maximum (indices from maxPool2d) is at h·W + w. */
export const maxPool2dGradShader = memo(function maxPool2dGradShader(): string {
  return elementKernel(
    [binding(1, "dy", "float32"), binding(2, "indices", "int32"), binding(5, "out", "float32"), RANGE],
    `${SPEC}
  let w = i % W; let h = (i / W) % H; let plane = i / (W * H);
  let at = h * W + w;
  var acc = 0.0;
  for (var oh = firstWindow(h, PH, SH, (KH - 1) * DH); oh <= lastWindow(h, PH, SH, OH); oh = oh + 1) {
    for (var ow = firstWindow(w, PW, SW, (KW - 1) * DW); ow <= lastWindow(w, PW, SW, OW); ow = ow + 1) {
      let o = (plane * OH + oh) * OW + ow;
      if (indices[o] == at) { acc = acc + dy[o]; }
    }
  }
  out[i] = acc;`,
  );
});

/** out[plane, oh, ow] = Σ of the window's taps inside the input / divisors[oh·OW + ow] (no dilation, as in PyTorch). */
export const avgPool2dShader = memo(function avgPool2dShader(): string {
  return elementKernel(
    [binding(1, "xs", "float32"), binding(2, "divisors", "float32"), binding(5, "out", "float32")],
    `${SPEC}
  let ow = i % OW; let oh = (i / OW) % OH; let plane = i / (OW * OH);
  let h0 = max(oh * SH - PH, 0); let h1 = min(oh * SH - PH + KH, H);
  let w0 = max(ow * SW - PW, 0); let w1 = min(ow * SW - PW + KW, W);
  var acc = 0.0;
  for (var h = h0; h < h1; h = h + 1) {
    for (var w = w0; w < w1; w = w + 1) { acc = acc + xs[(plane * H + h) * W + w]; }
  }
  out[i] = acc / divisors[oh * OW + ow];`,
  );
});

/** out[plane, h, w] = Σ dy/divisor over the windows covering (h, w). */
export const avgPool2dGradShader = memo(function avgPool2dGradShader(): string {
  return elementKernel(
    [binding(1, "dy", "float32"), binding(2, "divisors", "float32"), binding(5, "out", "float32"), RANGE],
    `${SPEC}
  let w = i % W; let h = (i / W) % H; let plane = i / (W * H);
  var acc = 0.0;
  for (var oh = firstWindow(h, PH, SH, KH - 1); oh <= lastWindow(h, PH, SH, OH); oh = oh + 1) {
    for (var ow = firstWindow(w, PW, SW, KW - 1); ow <= lastWindow(w, PW, SW, OW); ow = ow + 1) {
      let q = oh * OW + ow;
      acc = acc + dy[plane * OH * OW + q] / divisors[q];
    }
  }
  out[i] = acc;`,
  );
});
