/**
 * Gradient clipping (PyTorch's `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_`): both
 * change the parameters' `.grad` in place, outside the graph, between `backward()` and
 * `optimizer.step()`.
 */
import { noGrad } from "../../autograd/grad-mode.js";
import { full, zeros } from "../../tensor/creation.js";
import { Tensor } from "../../tensor/tensor.js";
import { stack } from "../../ops/join.js";

/** Options of {@link clipGradNorm_} (PyTorch's `norm_type`, `error_if_nonfinite`). */
export interface ClipGradNormOptions {
  /** The p of the p-norm: any positive number, or Infinity for the largest magnitude (default 2). */
  normType?: number;
  /** Throw, leaving the gradients alone, when the total norm is NaN or infinite (default false). */
  errorIfNonfinite?: boolean;
}

/** The parameters that have a gradient, from one tensor or any iterable of them. */
function withGradients(op: string, parameters: Tensor | Iterable<Tensor>): Tensor[] {
  const list = parameters instanceof Tensor ? [parameters] : [...parameters];
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) throw new Error(`${op}: parameter ${i} is not a Tensor`);
  });
  return list.filter((p) => p.grad !== null);
}

/** ‖x‖_p over every element: the norm kernel for 1, 2 and ∞, (Σ|x|^p)^(1/p) otherwise. */
function pNorm(x: Tensor, p: number): Tensor {
  return p === 1 || p === 2 || p === Infinity ? x.norm(p) : x.abs().pow(p).sum().pow(1 / p);
}

/** grad ← grad·scale in place, or a scaled copy where the gradient is an expanded (read-only) view. */
function scaleGradient(parameter: Tensor, scale: Tensor): void {
  const grad = parameter.grad!;
  const factor = scale.to(grad.dtype);
  if (grad.shape.some((size, d) => size > 1 && grad.strides[d] === 0)) parameter.grad = grad.mul(factor);
  else grad.mul_(factor);
}

/**
 * Scales the gradients of `parameters` in place so that their total norm — the p-norm of all
 * gradients taken together as one vector — is at most `maxNorm`, and returns that total norm
 * (before clipping) as a 0-d tensor. As in PyTorch, the scale is maxNorm / (norm + 1e-6), capped
 * at 1, and parameters without a gradient are skipped (no gradient at all gives 0).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const w = tensor([0, 0], { requiresGrad: true });
 * w.mul(tensor([3, 4])).sum().backward();
 * const total = nn.utils.clipGradNorm_([w], 1);
 * console.log(total.item(), w.grad!.toArray()); // 5 [0.5999999046325684, 0.7999998331069946]
 * ```
 */
export function clipGradNorm_(parameters: Tensor | Iterable<Tensor>, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const normType = options.normType ?? 2;
  if (!(normType > 0)) throw new Error(`clipGradNorm_: normType must be positive (or Infinity), got ${normType}`);
  if (!(maxNorm >= 0)) throw new Error(`clipGradNorm_: maxNorm must be non-negative, got ${maxNorm}`);
  const clipped = withGradients("clipGradNorm_", parameters);
  return noGrad(() => {
    if (clipped.length === 0) return zeros([]);
    const dtype = clipped.some((p) => p.grad!.dtype === "float64") ? "float64" : clipped[0]!.grad!.dtype;
    const norms = clipped.map((p) => pNorm(p.grad!.detach(), normType).to(dtype));
    const total = pNorm(stack(norms), normType);
    if (options.errorIfNonfinite === true && !Number.isFinite(total.item())) {
      throw new Error(`clipGradNorm_: the total norm of order ${normType} of the gradients is ${total.item()}, so they cannot be clipped; pass errorIfNonfinite: false to scale them by it anyway`);
    }
    const scale = full([], maxNorm, { dtype }).div(total.add(1e-6)).clamp(null, 1);
    for (const p of clipped) scaleGradient(p, scale);
    return total;
  });
}

/**
 * Clamps every gradient of `parameters` in place to [−clipValue, clipValue] (PyTorch's
 * `clip_grad_value_`); parameters without a gradient are skipped.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const w = tensor([0, 0, 0], { requiresGrad: true });
 * w.mul(tensor([-3, 0.5, 2])).sum().backward();
 * nn.utils.clipGradValue_(w, 1);
 * console.log(w.grad!.toArray()); // [-1, 0.5, 1]
 * ```
 */
export function clipGradValue_(parameters: Tensor | Iterable<Tensor>, clipValue: number): void {
  if (!(clipValue >= 0)) throw new Error(`clipGradValue_: clipValue must be non-negative, got ${clipValue}`);
  const clipped = withGradients("clipGradValue_", parameters);
  noGrad(() => {
    for (const p of clipped) {
      const grad = p.grad!;
      const limited = grad.clamp(-clipValue, clipValue);
      if (grad.shape.some((size, d) => size > 1 && grad.strides[d] === 0)) p.grad = limited;
      else grad.copy_(limited);
    }
  });
}
