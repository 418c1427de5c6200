/**
 * Compares two traces of one signature. A plan replays what its trace saw; values the function
 * computes in JavaScript (a number it passes to an op, `tensor(...)` made from host data, a
 * branch on a counter) are frozen in it. Tracing a signature twice and comparing the two plans
 * finds those that change from call to call, so a plan that would replay a stale value is
 * never used (TinyJit likewise captures only on the second run).
 */
import type { Backend, DataRef } from "../backend/backend.js";
import { isPlainObject, type Plan, type PlanNode } from "./plan.js";
import { refOf } from "./memory-plan.js";

/** Where two plans differ, described for a warning; null when they do the same work. */
export function planDifference(a: Plan, b: Plan): string | null {
  if (a.nodes.length !== b.nodes.length) return `the second call made ${b.nodes.length} kernel and host calls, the first ${a.nodes.length}`;
  for (let i = 0; i < a.nodes.length; i++) {
    const difference = nodeDifference(a.nodes[i]!, b.nodes[i]!, a.backend);
    if (difference !== null) return `call ${i + 1} of ${a.nodes.length}: ${difference}`;
  }
  return null;
}

function nodeDifference(x: PlanNode, y: PlanNode, backend: Backend): string | null {
  if (x.kind !== y.kind) return `${describe(x)} in the first call, ${describe(y)} in the second`;
  switch (x.kind) {
    case "kernel": {
      const other = y as typeof x;
      if (x.name !== other.name || x.args.length !== other.args.length) return `${describe(x)} in the first call, ${describe(y)} in the second`;
      for (let j = 0; j < x.args.length; j++) {
        if (!sameArgument(x.args[j], other.args[j])) return `argument ${j + 1} of ${x.name} was ${show(x.args[j])}, then ${show(other.args[j])}`;
      }
      return null;
    }
    case "values": {
      const other = y as typeof x;
      const first = backend.read(x.source);
      const second = backend.read(other.source);
      if (first.length !== second.length || first.some((v, j) => !Object.is(v, second[j]))) return `a tensor made from host values (tensor(...) inside the function) held other values`;
      return null;
    }
    case "random": {
      const other = y as typeof x;
      return x.draw === other.draw && x.values.length === other.values.length && x.generator === other.generator ? null : "random draws of another kind or size";
    }
    case "host": {
      const other = y as typeof x;
      return x.name === other.name && x.target === other.target ? null : `${x.name}, then ${other.name}`;
    }
    case "grads": {
      const other = y as typeof x;
      return x.leaves.length === other.leaves.length && x.leaves.every((leaf, j) => leaf === other.leaves[j]) ? null : "backward() reached other tensors";
    }
  }
}

function describe(node: PlanNode): string {
  return node.kind === "kernel" ? `kernel ${node.name}` : node.kind === "host" ? node.name : node.kind;
}

/** Same value, or buffers of one size and dtype viewed the same way. */
function sameArgument(x: unknown, y: unknown): boolean {
  const refX = refOf(x);
  const refY = refOf(y);
  if (refX !== null || refY !== null) {
    if (refX === null || refY === null || !sameBuffer(refX, refY)) return false;
    if (refX === x) return refY === y;
    const [vx, vy] = [x as { offset: number; strides: readonly number[] }, y as { offset: number; strides: readonly number[] }];
    return vx.offset === vy.offset && sameArgument(vx.strides, vy.strides);
  }
  if (Array.isArray(x) || Array.isArray(y)) return Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => sameArgument(v, y[i]));
  if (isPlainObject(x) && isPlainObject(y)) {
    // a BatchNormRefs: its buffers compare as buffers, field by field
    const keys = Object.keys(x);
    return keys.length === Object.keys(y).length && keys.every((key) => key in y && sameArgument(x[key], y[key]));
  }
  if (typeof x === "object" && x !== null && typeof y === "object" && y !== null) return JSON.stringify(x) === JSON.stringify(y);
  return Object.is(x, y);
}

function sameBuffer(x: DataRef, y: DataRef): boolean {
  return x.size === y.size && x.dtype === y.dtype;
}

function show(value: unknown): string {
  const ref = refOf(value);
  if (ref !== null) return `a ${ref.dtype} buffer of ${ref.size}`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([key, field]) => `${key}: ${show(field)}`).join(", ")}}`;
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}
