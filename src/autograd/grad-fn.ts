import type { Tensor } from "../tensor/tensor.js";
import { recycleStorage, type Storage } from "../tensor/storage.js";
import { isGradEnabled } from "./grad-mode.js";
import { isFloatingPoint } from "../tensor/dtype.js";

/** Maps the gradient of an op's output to the gradients of its inputs (null: not needed). */
export type BackwardRule = (dy: Tensor) => readonly (Tensor | null)[];

/** A recorded op: the node `backward` visits. Its rule is dropped once used, freeing saved tensors. */
export class GradFn {
  /** Set by `retainGrad()`: the output tensor whose `.grad` the engine fills in. */
  retained: Tensor | null = null;
  /**
   * The buffers the rule may read — its inputs', its output's and any other tensor it saved —
   * each followed by its version when the op ran: storage, version, storage, version … in one
   * array (see {@link GradFn.runRule}).
   */
  private readonly saved: readonly (Storage | number)[];
  /** `output` and `alsoSaved` join the inputs as tensors the rule may read. */
  constructor(
    /** The op that produced the tensor, e.g. "matmul" (PyTorch names the node `MmBackward0`). */
    readonly name: string,
    /** The op's tensor inputs, in order: the edges `backward` follows. */
    readonly inputs: readonly Tensor[],
    /** The op's backward rule; null once `backward` has used it (unless `retainGraph`). */
    public rule: BackwardRule | null,
    /** Numbers the op took as operands (they reach the kernels as numbers, not tensors): for drawing the graph. */
    readonly constants: readonly number[] = NO_CONSTANTS,
    output?: Tensor,
    alsoSaved: readonly Tensor[] = NO_TENSORS,
  ) {
    // runs for every recorded op: plain loops, no closure, one array (a repeated storage is harmless)
    const saved: (Storage | number)[] = [];
    for (let i = 0; i < inputs.length; i++) saved.push(inputs[i]!.storage, inputs[i]!.storage.version);
    if (output !== undefined) saved.push(output.storage, output.storage.version);
    for (let i = 0; i < alsoSaved.length; i++) saved.push(alsoSaved[i]!.storage, alsoSaved[i]!.storage.version);
    for (let i = 0; i < saved.length; i += 2) (saved[i] as Storage).savers++;
    this.saved = saved;
  }

  /**
   * @internal Called once backward has dropped the rule: this op reads its saved buffers no
   * more, and a library function's internal one that no other op saved goes back to its
   * backend (see internalTo, src/autograd/internal-to.ts).
   */
  released(): void {
    const saved = this.saved;
    for (let i = 0; i < saved.length; i += 2) {
      const storage = saved[i] as Storage;
      if (--storage.savers === 0 && storage.internal) recycleStorage(storage);
    }
  }

  /**
   * @internal Runs the rule on `dy`. PyTorch's version check: a buffer the op saved may have been
   * changed in place since (an `add_`, an optimizer's step); the rule would then compute a
   * wrong gradient from the new values. Such buffers are marked for the rule's duration, and
   * the tensor layer throws if a kernel reads one (Tensor.dataRef/stridedRef), so only what a
   * rule actually reads is checked — `add` never reads its inputs, `mul` reads the other
   * operand, `exp` its output — as PyTorch checks only what an op saved. No version moved (the
   * usual case): one comparison per saved buffer, nothing marked.
   */
  runRule(rule: BackwardRule, dy: Tensor): readonly (Tensor | null)[] {
    let stale: Storage[] | null = null;
    let expected: number[] | null = null;
    const saved = this.saved;
    for (let i = 0; i < saved.length; i += 2) {
      const storage = saved[i] as Storage;
      const version = saved[i + 1] as number;
      if (storage.version === version || (stale ??= []).includes(storage)) continue;
      stale.push(storage);
      (expected ??= []).push(version);
    }
    if (stale === null) return rule(dy);
    stale.forEach((storage, k) => (storage.staleFor = { op: this.name, expected: expected![k]! }));
    try {
      return rule(dy);
    } finally {
      for (const storage of stale) storage.staleFor = null;
    }
  }
}

const NO_CONSTANTS: readonly number[] = [];
/** Shared, so an op that saves nothing else allocates no array for it. */
const NO_TENSORS: readonly Tensor[] = [];

/**
 * @internal Attaches `rule` to `out` when grad mode is on and some input needs a gradient.
 * Returns `out` so an op can end with `return record(...)`. `constant`: the number operand of
 * an op with one (`x.mul(2)`), kept for `viz.graph`. The inputs' and the output's versions are
 * noted for backward's check; a rule that reads another tensor (gather's index) lists it in
 * `alsoSaved`.
 */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], rule: BackwardRule, constant?: number, alsoSaved: readonly Tensor[] = NO_TENSORS): Tensor {
  // integer and bool results (comparisons, argmax, casts to int) carry no gradient, as in PyTorch
  if (!isGradEnabled() || !isFloatingPoint(out.dtype)) return out;
  let needed = false;
  for (const input of inputs) if (input.requiresGrad) needed = true;
  if (!needed) return out;
  out.requiresGrad = true;
  out.gradFn = new GradFn(name, inputs, rule, constant === undefined ? NO_CONSTANTS : [constant], out, alsoSaved);
  return out;
}
