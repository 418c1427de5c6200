/** Shape arithmetic shared by every op. */
import { checkElementCount } from "./size-limit.js";

export type Shape = readonly number[];

export function formatShape(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

// Shape arrays are built with push, never `new Array(n)`: see backend/strides.ts, where the
// stride helpers and sizeOf live (one copy for the tensor layer and every backend).
export { contiguousStrides, filledArray, sizeOf } from "../backend/strides.js";

/** 0, 1, …, ndim − 1: every axis, as a packed array (not `shape.map((_, i) => i)`: see backend/strides.ts). */
export function allAxes(ndim: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) out.push(i);
  return out;
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy/PyTorch broadcasting: align from the right; sizes must match or be 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const ndim = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`${op}: cannot broadcast ${formatShape(a)} with ${formatShape(b)}`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Resolves a possibly negative dim against `ndim` (0-d tensors accept dim 0 and -1, as PyTorch). */
export function normalizeDim(op: string, dim: number, ndim: number): number {
  const rank = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) {
    throw new Error(`${op}: dim ${dim} is out of range for a tensor of ${ndim} dimension${ndim === 1 ? "" : "s"} (expected an integer in [${-rank}, ${rank - 1}])`);
  }
  return dim < 0 ? dim + rank : dim;
}

/** Normalises and sorts a dim list, rejecting repeats. */
export function normalizeDims(op: string, dims: number | readonly number[], ndim: number): number[] {
  const out: number[] = [];
  if (typeof dims === "number") out.push(normalizeDim(op, dims, ndim));
  else for (let i = 0; i < dims.length; i++) out.push(normalizeDim(op, dims[i]!, ndim));
  // insertion sort: a dim list is short, and Array.prototype.sort allocates a work copy (every
  // sum and mean comes through here)
  for (let i = 1; i < out.length; i++) {
    const value = out[i]!;
    let j = i - 1;
    for (; j >= 0 && out[j]! > value; j--) out[j + 1] = out[j]!;
    out[j + 1] = value;
  }
  for (let i = 1; i < out.length; i++) if (out[i] === out[i - 1]) throw new Error(`${op}: dim ${out[i]} appears more than once in ${JSON.stringify(typeof dims === "number" ? [dims] : dims)}`);
  return out;
}

export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${op}: invalid shape ${JSON.stringify(shape)} (expected an array of non-negative integers)`);
  }
  checkElementCount(op, shape as number[]);
  return [...(shape as number[])];
}
