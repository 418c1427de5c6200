/** WGSL for the sliding-window kernels of convolution and pooling: im2col, its adjoint col2im, and max pooling with indices. */
import { binding, elementKernel, memo } from "./wgsl.js";

/** WindowSpec fields from prm[8]: batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW. */
const SPEC = `  let B = prm[8]; let C = prm[9]; let H = prm[10]; let W = prm[11]; let KH = prm[12]; let KW = prm[13];
  let SH = prm[14]; let SW = prm[15]; let PH = prm[16]; let PW = prm[17]; let DH = prm[18]; let DW = prm[19]; let OH = prm[20]; let OW = prm[21];`;

export const im2colShader = memo(function im2colShader(): string {
  return elementKernel(
    [binding(1, "xs", "float32"), binding(5, "out", "float32")],
    `${SPEC}
  let cols = B * OH * OW;
  let row = i / cols; let col = i % cols;
  let c = row / (KH * KW); let ki = (row / KW) % KH; let kj = row % KW;
  let b = col / (OH * OW); let oh = (col / OW) % OH; let ow = col % OW;
  let h = oh * SH - PH + ki * DH; let w = ow * SW - PW + kj * DW;
  var v = 0.0;
  if (h >= 0 && h < H && w >= 0 && w < W) { v = xs[((b * C + c) * H + h) * W + w]; }
  out[i] = v;`,
  );
});

export const col2imShader = memo(function col2imShader(): string {
  return elementKernel(
    [binding(1, "cols", "float32"), binding(5, "out", "float32")],
    `${SPEC}
  let w = i % W; let h = (i / W) % H; let c = (i / (W * H)) % C; let b = i / (W * H * C);
  let ncols = B * OH * OW;
  var acc = 0.0;
  for (var ki = 0; ki < KH; ki = ki + 1) {
    let hh = h + PH - ki * DH;
    if (hh < 0 || hh % SH != 0 || hh / SH >= OH) { continue; }
    for (var kj = 0; kj < KW; kj = kj + 1) {
      let ww = w + PW - kj * DW;
      if (ww < 0 || ww % SW != 0 || ww / SW >= OW) { continue; }
      acc = acc + cols[((c * KH + ki) * KW + kj) * ncols + (b * OH + hh / SH) * OW + ww / SW];
    }
  }
  out[i] = acc;`,
  );
});

export const maxPool2dShader = memo(function maxPool2dShader(): string {
  return elementKernel(
    [binding(1, "xs", "float32"), binding(5, "out", "float32"), binding(6, "indices", "int32")],
    `${SPEC}
  let ow = i % OW; let oh = (i / OW) % OH; let plane = i / (OW * OH);
  var best = -inff(); var at = -1;
  for (var ki = 0; ki < KH; ki = ki + 1) {
    let h = oh * SH - PH + ki * DH;
    if (h < 0 || h >= H) { continue; }
    for (var kj = 0; kj < KW; kj = kj + 1) {
      let w = ow * SW - PW + kj * DW;
      if (w < 0 || w >= W) { continue; }
      let v = xs[plane * H * W + h * W + w];
      if (at < 0 || (!isnan(best) && (v > best || isnan(v)))) { best = v; at = h * W + w; }
    }
  }
  out[i] = best; indices[i] = at;`,
  );
});
