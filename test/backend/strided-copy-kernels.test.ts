import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { instantiateKernels } from "../../src/backend/wasm/wasm-module.js";

// The kernel module's strided copy (assembly/copy-strided.ts), which compiled plans run at plan
// addresses: copyInto writes a view into a strided region, or gathers it into a contiguous buffer
// (compile's copyStrided: the region of contiguous strides). Views of one to four axes take
// nested loops, more take the odometer; rows are contiguous (short: inline vector copies, 512
// bytes or more: memory.copy), broadcast (stride 0), reversed (negative strides, as flip makes)
// or strided. Each case is checked element by
// element against the index arithmetic done here in TypeScript, on f32 and f64 data.

const { kernels, memory } = instantiateKernels(false);
const base = (kernels.heapBase() + 63) & ~63;
const SOURCE = 1 << 17; // elements of source data, f64-sized
const src = base;
const dst = src + SOURCE * 8;
const meta = dst + SOURCE * 8;
if (meta + 4096 > memory.buffer.byteLength) memory.grow(Math.ceil((meta + 4096 - memory.buffer.byteLength) / 65536));

/** A deterministic generator, so a failure names a case that can be rerun. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

type View = { shape: number[]; strides: number[]; offset: number };

/** A view of the source: random extents, strides of a random permutation, some reversed or broadcast, within SOURCE elements. */
function randomView(next: () => number, ndim: number, innerExtent: number): View {
  const outer = ndim > 4 ? 3 : 5; // keeps six-axis views of 200-value rows inside the source
  const shape = Array.from({ length: ndim }, (_, d) => (d === ndim - 1 ? innerExtent : 1 + Math.floor(next() * outer)));
  const order = shape.map((_, d) => d).sort(() => next() - 0.5);
  const strides = new Array<number>(ndim).fill(0);
  let step = 1 + Math.floor(next() * 2); // 1: rows contiguous when the last axis comes first in order
  for (const d of order.reverse()) {
    strides[d] = step;
    step *= shape[d]!;
  }
  if (next() < 0.5) strides[ndim - 1] = 1; // most views the kernels see have contiguous rows
  if (ndim > 1 && next() < 0.3) strides[Math.floor(next() * (ndim - 1))] = 0; // expand
  let offset = 0;
  for (let d = 0; d < ndim; d++) {
    if (next() < 0.25 && strides[d] !== 0) {
      offset += (shape[d]! - 1) * strides[d]!; // flip: start at the far end
      strides[d] = -strides[d]!;
    }
  }
  let reach = offset;
  for (let d = 0; d < ndim; d++) reach += strides[d]! > 0 ? (shape[d]! - 1) * strides[d]! : 0;
  assert.ok(reach < SOURCE, "the view stays inside the source");
  return { shape, strides, offset };
}

/** Element offsets of a view in row-major order. */
function offsets(view: View): number[] {
  const out: number[] = [];
  const walk = (d: number, at: number): void => {
    if (d === view.shape.length) {
      out.push(at);
      return;
    }
    for (let i = 0; i < view.shape[d]!; i++) walk(d + 1, at + i * view.strides[d]!);
  };
  walk(0, view.offset);
  return out;
}

function writeMeta(...words: number[][]): void {
  new Int32Array(memory.buffer, meta, words.flat().length + 16).set(words.flat());
}

/** 300 trials over a source holding i + 0.5 at element i: views of 1 to 6 axes, rows of a length drawn from short to long. */
function trials(f64: boolean, seed: number, trial: (next: () => number, ndim: number, inner: number, index: number) => void): void {
  const source = new (f64 ? Float64Array : Float32Array)(memory.buffer, src, SOURCE);
  for (let i = 0; i < SOURCE; i++) source[i] = i + 0.5;
  const next = random(seed);
  for (let index = 0; index < 300; index++) {
    const inner = [1, 3, 16, 17, 130, 200][Math.floor(next() * 6)]!; // 130 f32 / 200 f64 rows pass 512 bytes
    trial(next, 1 + (index % 6), inner, index);
  }
}

for (const f64 of [false, true]) {
  const Array_ = f64 ? Float64Array : Float32Array;
  const name = f64 ? "f64" : "f32";
  test(`copyInto${name.toUpperCase()}: views of 1 to 6 axes gather into contiguous memory as their index arithmetic says`, () => {
    trials(f64, f64 ? 7 : 3, (next, ndim, inner, trial) => {
      const view = randomView(next, ndim, inner);
      const want = offsets(view).map((at) => at + 0.5);
      const out = new Array_(memory.buffer, dst, want.length + 1);
      out.fill(-1);
      const contiguous = view.shape.map((_, d) => view.shape.slice(d + 1).reduce((product, extent) => product * extent, 1));
      writeMeta(view.shape, view.strides, contiguous);
      (f64 ? kernels.copyIntoF64 : kernels.copyIntoF32)(src, view.offset, meta, ndim, dst, 0, want.length);
      const label = `trial ${trial}: shape [${view.shape}] strides [${view.strides}] offset ${view.offset}`;
      assert.deepEqual(Array.from(out.subarray(0, want.length)), want, label);
      assert.equal(out[want.length], -1, `${label}: wrote past its end`);
    });
  });

  test(`copyInto${name.toUpperCase()}: views of 1 to 6 axes land in strided regions as their index arithmetic says`, () => {
    trials(f64, f64 ? 11 : 5, (next, ndim, inner, trial) => {
      const from = randomView(next, ndim, inner);
      // the region: the same shape laid out row-major (no broadcast: each element written once), some axes reversed
      const to = randomView(next, ndim, inner);
      to.shape = from.shape;
      let step = 1;
      for (let d = ndim - 1; d >= 0; d--) {
        to.strides[d] = (to.strides[d]! < 0 ? -1 : 1) * step;
        step *= to.shape[d]!;
      }
      to.offset = to.strides.reduce((sum, stride, d) => sum + (stride < 0 ? -stride * (to.shape[d]! - 1) : 0), 0);
      const target = new Array_(memory.buffer, dst, step + 1);
      target.fill(-1);
      const want = new Array<number>(step + 1).fill(-1);
      const reads = offsets(from);
      offsets(to).forEach((at, i) => (want[at] = reads[i]! + 0.5));
      writeMeta(from.shape, from.strides, to.strides);
      (f64 ? kernels.copyIntoF64 : kernels.copyIntoF32)(src, from.offset, meta, ndim, dst, to.offset, reads.length);
      assert.deepEqual(Array.from(target), want, `trial ${trial}: shape [${from.shape}] from strides [${from.strides}] into [${to.strides}]`);
    });
  });
}
