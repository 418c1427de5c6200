import type { Tensor } from "../tensor/tensor.js";

/**
 * Every tensor in the graph behind `root` (root first), found by an iterative walk over
 * `gradFn.inputs` — no recursion, so a chain of 100,000 ops does not overflow the stack.
 *
 * @example
 * ```ts
 * import { tensor, viz } from "nabla";
 * const x = tensor(2, { requiresGrad: true });
 * console.log(viz.graphTensors(x.mul(3).exp()).length); // 3: exp, mul and x (the number 3 is no tensor)
 * ```
 */
export function graphTensors(root: Tensor): Tensor[] {
  const seen = new Set<Tensor>([root]);
  const stack = [root];
  const out: Tensor[] = [];
  while (stack.length > 0) {
    const t = stack.pop()!;
    out.push(t);
    for (const input of t.gradFn?.inputs ?? []) {
      if (seen.has(input)) continue;
      seen.add(input);
      stack.push(input);
    }
  }
  return out;
}

/**
 * Calls `retainGrad()` on every intermediate tensor behind `root`, so that after
 * `root.backward()` each has its `.grad` and `viz.graph` can draw the gradient on every edge.
 * Returns `root`.
 *
 * @example
 * ```ts
 * import { tensor, viz } from "nabla";
 * const x = tensor(-2, { requiresGrad: true });
 * const q = x.add(5);
 * const f = viz.retainGrads(q.mul(-4));
 * f.backward();
 * console.log(q.grad!.item()); // -4
 * ```
 */
export function retainGrads(root: Tensor): Tensor {
  for (const t of graphTensors(root)) if (!t.isLeaf) t.retainGrad();
  return root;
}
