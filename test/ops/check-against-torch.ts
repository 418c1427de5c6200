// The check every PyTorch op-fixture test makes: the forward value, then — for a case with
// gradients — backward of Σ weight·out against the gradients PyTorch computed.
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import type { NestedArray, Tensor } from "../../src/index.js";

export type RealDType = "float32" | "float64";

export interface TorchCase<F> {
  name: string;
  out: F;
  weight?: F;
  grads?: readonly F[];
}

export interface FixtureDecoder<F> {
  /** A fixture tensor as nested values (float64, the fixture's precision). */
  nested(value: F): NestedArray;
  /** A fixture tensor as a tensor of `dtype`. */
  rebuild(value: F, dtype: RealDType): Tensor;
  /** The op's output as the nested values to compare (default: `toArray()`). */
  forward?(out: Tensor): NestedArray;
}

export function checkAgainstTorch<F>(c: TorchCase<F>, out: Tensor, leaves: readonly Tensor[], dtype: RealDType, tolerance: { atol: number; rtol: number }, decoder: FixtureDecoder<F>): void {
  const { atol, rtol } = tolerance;
  assertClose(decoder.forward === undefined ? out : decoder.forward(out), decoder.nested(c.out), atol, rtol, `${c.name} forward`);
  if (c.weight === undefined || c.grads === undefined) {
    assert.equal(out.requiresGrad, false, `${c.name} has no gradient`);
    return;
  }
  assert.equal(out.dtype, dtype);
  out.mul(decoder.rebuild(c.weight, dtype)).sum().backward();
  c.grads.forEach((grad, i) => {
    assert.ok(leaves[i]!.grad !== null, `${c.name}: input ${i} got no gradient`);
    assert.equal(leaves[i]!.grad!.dtype, dtype);
    assertClose(leaves[i]!.grad!, decoder.nested(grad), atol, rtol, `${c.name} grad of input ${i}`);
  });
}
