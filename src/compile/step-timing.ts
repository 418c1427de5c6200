/**
 * @internal Wall time per step of compiled replays on the wasm backend, for profiling
 * (bench/plan-steps.ts). Off by default; while `enabled` is set, each plan built then runs its
 * steps interpreted, each step timed on its own, and adds up its times here. Generated code
 * would merge runs of kernel calls into one function, whose time a per-step clock would charge
 * to the run's first step, so timed plans never generate code.
 */
import type { MatmulSpec, WindowSpec } from "../backend/backend.js";
import type { FusedGroup } from "./fuse.js";
import type { PlanNode } from "./plan.js";

/** One timed plan: a label per step, the milliseconds each step has taken over all replays, and the replays. */
export interface TimedPlan {
  readonly labels: readonly string[];
  readonly milliseconds: Float64Array;
  replays: number;
}

export const stepTiming: { enabled: boolean; readonly plans: TimedPlan[] } = { enabled: false, plans: [] };

/** What a step runs: the kernel (a product with its shape and flags), the optimizer's host step, or a fused group's ops. */
export function stepLabel(node: PlanNode, group: FusedGroup | undefined): string {
  if (group !== undefined) return `fused ${group.ops.map((op) => op.op || op.kind).join(", ")} over ${group.size}`;
  if (node.kind === "kernel" && node.name === "matmul") {
    const { batch, m, k, n, transA, transB } = node.args[2] as MatmulSpec;
    return `matmul ${batch > 1 ? `${batch}×` : ""}[${m}×${k}]${transA ? "ᵀ" : ""}·[${k}×${n}]${transB ? "ᵀ" : ""}`;
  }
  if (node.kind === "kernel" && node.name === "conv2d") {
    // which of the three, on what: the input's [batch×channels×height×width], the out channels and the kernel
    const [op, , , , spec, outChannels] = node.args as [string, unknown, unknown, unknown, WindowSpec, number];
    return `${op} [${spec.batch}×${spec.channels}×${spec.height}×${spec.width}] → ${outChannels}, ${spec.kernelH}×${spec.kernelW}`;
  }
  if (node.kind === "kernel" && (node.name === "reduce" || node.name === "unary")) {
    // the op, and a reduction's [outer×axis×inner] or a unary op's length
    const [op, x] = node.args as [string, { size: number }];
    const [outer, axis, inner] = node.args.slice(2, 5) as number[];
    return node.name === "reduce" ? `reduce ${op} [${outer}×${axis}×${inner}]` : `unary ${op} over ${x.size}`;
  }
  return node.kind === "kernel" || node.kind === "host" ? node.name : node.kind;
}

/** Wraps every step of `steps` in place to add its wall time to a new timed plan, and returns that plan. */
export function timeSteps(steps: (() => void)[], labels: readonly string[]): TimedPlan {
  const timed: TimedPlan = { labels, milliseconds: new Float64Array(steps.length), replays: 0 };
  steps.forEach((step, i) => {
    steps[i] = () => {
      const start = performance.now();
      step();
      timed.milliseconds[i]! += performance.now() - start;
    };
  });
  stepTiming.plans.push(timed);
  return timed;
}
