import type { Tensor } from "../tensor/tensor.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import { Storage, recycleStorage } from "../tensor/storage.js";
import { internalTo } from "./internal-to.js";
import type { GradFn } from "./grad-fn.js";
import { withGradMode } from "./grad-mode.js";

/** Options of {@link Tensor.backward} (PyTorch's `retain_graph`). */
export interface BackwardOptions {
  /** Keep the graph's saved tensors so `backward` can run through it again. */
  retainGraph?: boolean;
}

/**
 * Orders the graph behind `root` so every node comes after all nodes that consume its output.
 * Iterative depth-first search: a chain of 100,000 ops must not overflow the call stack.
 */
function topologicalOrder(root: GradFn): GradFn[] {
  const postOrder: GradFn[] = [];
  const visited = new Set<GradFn>([root]);
  const stack: [GradFn, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [node, next] = top;
    if (next < node.inputs.length) {
      top[1] = next + 1;
      const child = node.inputs[next]!.gradFn;
      if (child !== null && !visited.has(child)) {
        visited.add(child);
        stack.push([child, 0]);
      }
    } else {
      stack.pop();
      postOrder.push(node);
    }
  }
  return postOrder.reverse();
}

/**
 * Adds `grad` into `leaf.grad`. `fresh`: the gradient's buffer belongs to it alone, so `.grad`
 * may take it without a copy. `madeHere`: the leaves whose `.grad` this pass made. A weight
 * used at every step of a recurrent net gets a gradient per use; the first makes `.grad` and
 * the rest are added into it in place, as PyTorch accumulates, instead of a new buffer per use
 * (which user code cannot tell apart: it sees `.grad` only after the pass). A `.grad` from an
 * earlier pass is not written: the first sum is a new tensor, and later ones go into that.
 */
function accumulateLeaf(leaf: Tensor, grad: Tensor, madeHere: Set<Tensor>, fresh = false): void {
  if (!shapesEqual(leaf.shape, grad.shape)) {
    throw new Error(`backward: gradient of shape ${formatShape(grad.shape)} does not match its tensor ${formatShape(leaf.shape)}`);
  }
  if (leaf.grad !== null && madeHere.has(leaf)) leaf.grad.add_(grad.to(leaf.dtype));
  else if (leaf.grad !== null) leaf.grad = leaf.grad.add(grad.to(leaf.dtype));
  else if (fresh && grad.dtype === leaf.dtype) {
    leaf.grad = grad;
    grad.storage.kept = true; // the leaf's from now on: never a spent gradient
  } else leaf.grad = ownedCopy(grad, leaf.dtype);
  madeHere.add(leaf);
}

/**
 * A fresh buffer for a `.grad`: the incoming gradient may be the caller's `gradient` or shared
 * with other inputs (add passes one dy to both), and an in-place update of one `.grad`
 * (clipping, zeroing) must not change another.
 */
function ownedCopy(grad: Tensor, dtype: Tensor["dtype"]): Tensor {
  return grad.dtype === dtype ? grad.clone() : grad.to(dtype);
}

/**
 * Whether `grads[i]` sits in a contiguous buffer that the rule just made (serial ≥ `mark`) and
 * gave to no other input: then nothing else can see it, and copying it into `.grad` — a full
 * copy of every parameter's gradient each step — can be skipped.
 */
function madeForOneInput(grads: readonly (Tensor | null)[], i: number, mark: number): boolean {
  const grad = grads[i]!;
  if (grad.storage.serial < mark || !grad.isContiguous) return false;
  return grads.every((other, j) => j === i || other === null || other.storage !== grad.storage);
}

/**
 * The gradients of one backward pass that nothing can reach once used, given back to the
 * backend for reuse (Backend.recycle): a pass makes a gradient buffer for every intermediate
 * tensor, and fresh memory costs far more than reused (src/backend/js-buffer.ts). Only
 * buffers this pass made (serial ≥ `mark`) are candidates — never the caller's gradient or a
 * tensor from the forward pass — and one is recycled only when no pending gradient holds it
 * (counted per storage, so views of it count: reshape's rule passes a view of dy on), no leaf
 * took it as its `.grad`, and no rule kept it past its call ({@link Storage.kept}). No rule
 * reads a gradient after returning, and user code never sees one: `.grad` gets a copy or a
 * buffer marked kept, `retainGrad` a copy.
 */
class SpentGradients {
  private readonly holders = new Map<Storage, number>();
  constructor(private readonly mark: number) {}

  /** `grad` now sits in a pending slot. */
  hold(grad: Tensor): void {
    const storage = grad.storage;
    if (storage.serial >= this.mark) this.holders.set(storage, (this.holders.get(storage) ?? 0) + 1);
  }

  /** `grad` left its pending slot: recycled unless something else holds its buffer. */
  letGo(grad: Tensor): void {
    const storage = grad.storage;
    if (storage.serial < this.mark) return;
    const count = (this.holders.get(storage) ?? 0) - 1;
    if (count > 0) this.holders.set(storage, count);
    else {
      this.holders.delete(storage);
      this.drop(grad);
    }
  }

  /** Recycles `grad`'s buffer if this pass made it and nothing holds or kept it. */
  drop(grad: Tensor): void {
    const storage = grad.storage;
    if (storage.serial < this.mark || storage.kept || this.holders.has(storage)) return;
    recycleStorage(storage);
  }
}

let passes = 0;

/**
 * @internal How many backward passes have started: a rule that gathers the gradients of
 * several nodes within one pass (split's parts, ops/split-views.ts) tells its pass by this.
 */
export function backwardPass(): number {
  return passes;
}

/**
 * Reverse-mode automatic differentiation: propagates `gradient` (dL/d`root`) back through the
 * recorded graph by the chain rule and accumulates dL/dx into `.grad` of every leaf that
 * requires a gradient, as PyTorch does.
 */
export function runBackward(root: Tensor, gradient: Tensor, options: BackwardOptions = {}): void {
  if (!root.requiresGrad) {
    throw new Error("backward: the tensor does not require grad and has no graph (was it computed inside noGrad, or from tensors without requiresGrad?)");
  }
  const rootNode = root.gradFn;
  passes++;
  withGradMode(false, () => {
    const madeHere = new Set<Tensor>();
    if (rootNode === null) {
      accumulateLeaf(root, gradient, madeHere);
      return;
    }
    const order = topologicalOrder(rootNode);
    const spent = new SpentGradients(Storage.nextSerial);
    // a node's gradient is dropped once used (set to undefined rather than deleted: a Map that
    // shrinks rehashes into a new table, several times per backward)
    const pending = new Map<GradFn, Tensor | undefined>([[rootNode, gradient]]);
    for (const node of order) {
      const dy = pending.get(node);
      pending.set(node, undefined);
      if (dy === undefined) continue;
      if (node.rule === null) {
        throw new Error(`backward: trying to go through the graph a second time at ${node.name}; its saved tensors were freed after the first backward (pass { retainGraph: true } to the first call)`);
      }
      if (node.retained !== null) node.retained.grad = node.retained.grad === null ? ownedCopy(dy, dy.dtype) : node.retained.grad.add(dy);
      const mark = Storage.nextSerial;
      // what the rule made for itself (tanh's y², a layer norm's intermediates) goes back at once
      const rule = node.rule;
      const grads = internalTo(
        () => node.runRule(rule, dy),
        (returned) => returned,
      );
      if (!options.retainGraph) {
        node.rule = null;
        node.released();
      }
      for (let i = 0; i < node.inputs.length; i++) {
        const input = node.inputs[i]!;
        const grad = grads[i];
        if (grad === null || grad === undefined || !input.requiresGrad) continue;
        if (input.gradFn === null) accumulateLeaf(input, grad, madeHere, madeForOneInput(grads, i, mark));
        else {
          const previous = pending.get(input.gradFn);
          const sum = previous === undefined ? grad : previous.add(grad);
          pending.set(input.gradFn, sum);
          spent.hold(sum);
          if (previous !== undefined) spent.letGo(previous);
        }
      }
      // dy, and what the rule made that no pending gradient holds, are spent
      spent.letGo(dy);
      for (const grad of grads) if (grad !== null && grad !== undefined) spent.drop(grad);
    }
  });
}
