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

/**
 * V8's full collection as a function (test files run without --expose-gc; turning the flag on
 * later and asking a fresh context for `gc` works the same).
 */
async function collector(): Promise<() => void> {
  const { setFlagsFromString } = await import("node:v8");
  const { runInNewContext } = await import("node:vm");
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/**
 * Two full collections: what is then still resident is what is still referenced. A reading
 * taken without one also counts garbage the collector has not reached yet, which on a loaded
 * machine (its concurrent marking slowed) can be hundreds of MB.
 */
export async function collectGarbage(): Promise<void> {
  const gc = await collector();
  gc();
  gc();
}

/**
 * Runs the garbage collector until `measure` (live device memory, say) has held still for three
 * rounds in a row, at most 60. Finalizers run as tasks after a collection, and on a loaded
 * machine later than the next timer: a fixed number of rounds can measure before they ran.
 */
export async function collectUntilSettled(measure: () => number): Promise<void> {
  const gc = await collector();
  let last = measure();
  for (let round = 0, still = 0; round < 60 && still < 3; round++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setTimeout(resolve, 2));
    const now = measure();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}
