import { record } from "../../autograd/grad-fn.js";
import { mm } from "../../ops/matmul.js";
import { expand } from "../../ops/movement.js";
import { formatShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";

/**
 * y = x Wᵀ + b for `x` of shape [..., in], `weight` [out, in] and `bias` [out]. The product reads
 * W transposed in place, so Wᵀ is never materialised, forward or backward.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const y = nn.functional.linear(tensor([[1, 2]]), tensor([[1, 0], [0, 1], [1, 1]]), tensor([0, 0, 1]));
 * console.log(y.toArray()); // [[1, 2, 4]]
 * ```
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  const inFeatures = weight.shape[1];
  if (weight.ndim !== 2 || x.ndim === 0 || x.shape[x.ndim - 1] !== inFeatures) {
    throw new Error(`linear: input ${formatShape(x.shape)} does not match weight ${formatShape(weight.shape)} (expected input [..., ${inFeatures ?? "?"}] and weight [out, in])`);
  }
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== weight.shape[0])) {
    throw new Error(`linear: bias ${formatShape(bias.shape)} does not match weight ${formatShape(weight.shape)} (expected [${weight.shape[0]}])`);
  }
  const rows = x.ndim === 2 ? x : x.reshape([-1, inFeatures!]);
  // float64 wins, as in PyTorch's type promotion
  const dtype = rows.dtype === "float64" || weight.dtype === "float64" ? "float64" : "float32";
  const product = mm(rows.to(dtype), weight.to(dtype), false, true);
  // a bias of another dtype promotes, one on another backend gets add's error: both through add
  const y = bias === null ? product : bias.dtype === dtype && bias.backend === product.backend ? addBiasInto(product, bias) : product.add(bias);
  return x.ndim === 2 ? y : y.reshape([...x.shape.slice(0, -1), weight.shape[0]!]);
}

/**
 * product + bias (broadcast over the rows), written into the product's own buffer: the product
 * is a fresh tensor nothing else reads (its matmul's backward needs the operands, not it), so
 * the sum needs no tensor of its own, which saves an allocation of the whole output per layer.
 * The same kernel and rule as `product.add(bias)`, so the values and gradients are the same.
 */
function addBiasInto(product: Tensor, bias: Tensor): Tensor {
  const row = expand(bias, product.shape);
  product.backend.binary("add", product.stridedRef(), row.stridedRef(), product.shape, product.storage.ref);
  const sum = new Tensor(product.storage, product.shape);
  // d(p+b)/dp = 1, d(p+b)/db = 1 (the expand sums it over the rows)
  return record(sum, "add", [product, row], (dy) => [dy, dy]);
}
