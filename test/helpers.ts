import assert from "node:assert/strict";
import { setBackend, type BackendName, type NestedArray, type Tensor } from "../src/index.js";

/** Every test file runs on the backend named by NABLA_BACKEND (the test script runs each). */
export const backendUnderTest = (process.env.NABLA_BACKEND ?? "js") as BackendName;
setBackend(backendUnderTest);

function flatten(value: NestedArray): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [Number(value)];
}

function shapeOf(value: NestedArray): number[] {
  const shape: number[] = [];
  for (let v = value; Array.isArray(v); v = v[0]!) shape.push(v.length);
  return shape;
}

/** Asserts `actual` has `expected`'s shape and values within atol + rtol·|expected|. */
export function assertClose(actual: Tensor | NestedArray, expected: NestedArray, atol = 1e-5, rtol = 1e-5, message = ""): void {
  const got = typeof actual === "number" || typeof actual === "boolean" || Array.isArray(actual) ? actual : actual.toArray();
  assert.deepEqual(shapeOf(got), shapeOf(expected), `${message} shape`);
  const a = flatten(got);
  const e = flatten(expected);
  for (let i = 0; i < e.length; i++) {
    const ok = Number.isNaN(e[i]!) ? Number.isNaN(a[i]!) : a[i] === e[i] || Math.abs(a[i]! - e[i]!) <= atol + rtol * Math.abs(e[i]!);
    assert.ok(ok, `${message} element ${i}: got ${a[i]}, expected ${e[i]} (atol ${atol}, rtol ${rtol})`);
  }
}
