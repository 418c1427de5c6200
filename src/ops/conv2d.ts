/**
 * One-group 2-D convolution as a primitive with its two gradients (op-table.ts's CONV_OPS), so a
 * backend runs each as one kernel: the WebAssembly backend unfolds an image's windows into its
 * own memory and feeds the packed matmul there, instead of im2col, a product, a bias add and a
 * permute each crossing into and out of it.
 *
 * With U(x) the im2col columns of x and W the weight as a matrix [out, C·kh·kw]:
 *   conv2d(x, W)           = W·U(x)            (+ bias)
 *   conv2dInputGrad(g, W)  = Uᵀ(Wᵀ·g)          (col2im)
 *   conv2dWeightGrad(x, g) = Σ_b g_b·U(x_b)ᵀ
 * Each is bilinear, and the derivatives of each are the others, so gradients of gradients work.
 */
import type { WindowSpec } from "../backend/backend.js";
import type { ConvOp } from "../backend/op-table.js";
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";

function run(op: ConvOp, a: Tensor, b: Tensor, bias: Tensor | null, spec: WindowSpec, outChannels: number, shape: number[]): Tensor {
  const out = emptyLike(a, shape);
  a.backend.conv2d(op, a.dataRef(), b.dataRef(), bias === null ? null : bias.dataRef(), spec, outChannels, out.storage.ref);
  return out;
}

/** @internal x [N, C, H, W], weight [out, C, kh, kw], bias [out] or null → [N, out, outH, outW]. */
export function conv2dPrimitive(x: Tensor, weight: Tensor, bias: Tensor | null, spec: WindowSpec): Tensor {
  const outChannels = weight.shape[0]!;
  const out = run("conv2d", x, weight, bias, spec, outChannels, [spec.batch, outChannels, spec.outH, spec.outW]);
  const inputs = bias === null ? [x, weight] : [x, weight, bias];
  // y = W·U(x) + b: dx = Uᵀ(Wᵀ·dy), dW = Σ dy·U(x)ᵀ, db = Σ of dy over batch and positions
  return record(out, "conv2d", inputs, (dy) => [
    x.requiresGrad ? conv2dInputGrad(dy, weight, spec) : null,
    weight.requiresGrad ? conv2dWeightGrad(x, dy, spec, weight.shape) : null,
    bias?.requiresGrad ? dy.sum([0, 2, 3]) : null,
  ]);
}

/** @internal Uᵀ(Wᵀ·g): g [N, out, outH, outW] → [N, C, H, W]. */
export function conv2dInputGrad(g: Tensor, weight: Tensor, spec: WindowSpec): Tensor {
  const out = run("conv2dInputGrad", g, weight, null, spec, weight.shape[0]!, [spec.batch, spec.channels, spec.height, spec.width]);
  // linear in g and in W: dg = W·U(h) = conv2d(h, W); dW = Σ g·U(h)ᵀ = conv2dWeightGrad(h, g)
  return record(out, "conv2dInputGrad", [g, weight], (h) => [
    g.requiresGrad ? conv2dPrimitive(h, weight, null, spec) : null,
    weight.requiresGrad ? conv2dWeightGrad(h, g, spec, weight.shape) : null,
  ]);
}

/** @internal Σ_b g_b·U(x_b)ᵀ: x [N, C, H, W], g [N, out, outH, outW] → `weightShape` [out, C, kh, kw]. */
export function conv2dWeightGrad(x: Tensor, g: Tensor, spec: WindowSpec, weightShape: readonly number[]): Tensor {
  const out = run("conv2dWeightGrad", x, g, null, spec, weightShape[0]!, [...weightShape]);
  // ⟨H, g·U(x)ᵀ⟩: dg = H·U(x) = conv2d(x, H); dx = Uᵀ(Hᵀ·g) = conv2dInputGrad(g, H)
  return record(out, "conv2dWeightGrad", [x, g], (h) => [
    x.requiresGrad ? conv2dInputGrad(g, h, spec) : null,
    g.requiresGrad ? conv2dPrimitive(x, h, null, spec) : null,
  ]);
}
