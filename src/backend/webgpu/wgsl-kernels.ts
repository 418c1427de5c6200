/**
 * WGSL for the kernels that are not element-wise ops of the table: copies and strided views,
 * where, reductions over the middle axis of [outer, axisSize, inner], running sums, sort,
 * gather/scatter (with device-side index checks); the window kernels and the matrix product
 * are in wgsl-window.ts and wgsl-matmul.ts. Reductions run one thread per output and accumulate in f32.
 */
import type { DType } from "../../tensor/dtype.js";
import { binding, elementKernel, load, memo, store, stridedOffsets } from "./wgsl.js";

const computeOf = (dtype: DType): "f32" | "i32" => (dtype === "float32" ? "f32" : "i32");

/** out[i] = F(0) (or prm[2] for integers). */
export const fillShader = memo(function fillShader(dtype: DType): string {
  const value = dtype === "float32" ? "F(0)" : dtype === "int32" ? "prm[2]" : "u32(prm[2] != 0)";
  return elementKernel([binding(5, "out", dtype)], `  out[i] = ${value};`);
});

export const castShader = memo(function castShader(from: DType, to: DType): string {
  const as = from === "float32" ? "f32" : "i32";
  return elementKernel([binding(1, "xs", from), binding(5, "out", to)], `  out[i] = ${store(load("xs", from, "i", as), as, to)};`);
});

/** out[i] = x[strided], rank and strides from prm[8] (prm[0] the size). */
export const copyStridedShader = memo(function copyStridedShader(dtype: DType): string {
  return elementKernel([binding(1, "xs", dtype), binding(5, "out", dtype)], `${stridedOffsets(["ix"], "8")}\n  out[i] = xs[ix];`);
});

/** out[strided] = x[strided]. */
export const copyIntoShader = memo(function copyIntoShader(from: DType, to: DType): string {
  const as = computeOf(from);
  return elementKernel([binding(1, "xs", from), binding(5, "out", to)], `${stridedOffsets(["ix", "io"], "8")}\n  out[io] = ${store(load("xs", from, "ix", as), as, to)};`);
});

/** out = cond ? a : b; a number operand is F(0)/F(1) (prm[3]/prm[4] as integers). */
export const whereShader = memo(function whereShader(condType: DType, aType: DType | null, bType: DType | null, outType: DType): string {
  const as = computeOf(outType);
  const operands = ["ic", ...(aType !== null ? ["ia"] : []), ...(bType !== null ? ["ib"] : [])];
  const bindings = [binding(1, "cond", condType), binding(5, "out", outType)];
  if (aType !== null) bindings.push(binding(3, "av", aType));
  if (bType !== null) bindings.push(binding(4, "bv", bType));
  const number = (k: number) => (as === "f32" ? `F(${k})` : `prm[${3 + k}]`);
  const a = aType !== null ? load("av", aType, "ia", as) : number(0);
  const b = bType !== null ? load("bv", bType, "ib", as) : number(1);
  const c = condType === "float32" ? "truthy(cond[ic])" : "cond[ic] != 0";
  return elementKernel(bindings, `${stridedOffsets(operands, "8")}\n  out[i] = ${store(`select(${b}, ${a}, ${c})`, as, outType)};`);
});

/** out = clamp(x, F(0), F(1)); NaN passes through, as in the reference kernel. */
export const clampShader = memo(function clampShader(dtype: DType): string {
  const as = computeOf(dtype);
  const [lo, hi] = as === "f32" ? ["F(0)", "F(1)"] : ["prm[3]", "prm[4]"];
  return elementKernel(
    [binding(1, "xs", dtype), binding(5, "out", dtype)],
    `  let v = ${load("xs", dtype, "i", as)};\n  out[i] = ${store(`select(select(v, ${hi}, v > ${hi}), ${lo}, v < ${lo})`, as, dtype)};`,
  );
});

/** out = fround(alpha·x) + fround(beta·y) (f32 rounds each product). */
export const axpbyShader = memo(function axpbyShader(): string {
  return elementKernel([binding(1, "xs", "float32"), binding(2, "ys", "float32"), binding(5, "out", "float32")], `  out[i] = F(0) * xs[i] + F(1) * ys[i];`);
});

/** Thread i is output (o, j) of [outer, inner]: base is where its slice starts, the axis stride is inner. prm[8..10] = outer, axisSize, inner. */
const SLICE = `  let axis = prm[9]; let inner = prm[10];
  let o = i / inner; let j = i % inner;
  let base = o * axis * inner + j;`;

export const reduceShader = memo(function reduceShader(op: "sum" | "max", dtype: DType): string {
  const as = computeOf(dtype);
  const x = load("xs", dtype, "base + r * inner", as);
  const loop =
    op === "sum"
      ? `  var acc = ${as === "f32" ? "0.0" : "0"};\n  for (var r = 0; r < axis; r = r + 1) { acc = acc + ${x}; }`
      : as === "f32"
        ? `  var acc = -inff();\n  for (var r = 0; r < axis; r = r + 1) { let v = ${x}; if (v > acc || isnan(v)) { acc = v; } if (isnan(acc)) { break; } }`
        : `  var acc = -2147483647 - 1;\n  for (var r = 0; r < axis; r = r + 1) { acc = max(acc, ${x}); }`;
  return elementKernel([binding(1, "xs", dtype), binding(5, "out", dtype)], `${SLICE}\n${loop}\n  out[i] = ${store("acc", as, dtype)};`);
});

/** Values and first indices of the max or min of each slice; a NaN wins at its first position. */
export const reduceWithIndexShader = memo(function reduceWithIndexShader(op: "max" | "min", dtype: DType, withValues: boolean): string {
  const as = computeOf(dtype);
  const x = load("xs", dtype, "base + r * inner", as);
  const better = op === "max" ? "v > best" : "v < best";
  const nanWins = as === "f32" ? "(!isnan(best) && (" + better + " || isnan(v)))" : better;
  const bindings = [binding(1, "xs", dtype), binding(6, "indices", "int32")];
  if (withValues) bindings.push(binding(5, "out", dtype));
  return elementKernel(
    bindings,
    `${SLICE}
  var best = ${load("xs", dtype, "base", as)}; var at = 0;
  for (var r = 1; r < axis; r = r + 1) { let v = ${x}; if ${nanWins} { best = v; at = r; } }
  indices[i] = at;${withValues ? `\n  out[i] = ${store("best", as, dtype)};` : ""}`,
  );
});

/** Running sums or products; prm[11] = reverse, prm[12] = exclusive. */
export const scanShader = memo(function scanShader(op: "sum" | "prod", dtype: DType): string {
  const as = computeOf(dtype);
  const start = op === "sum" ? (as === "f32" ? "0.0" : "0") : as === "f32" ? "1.0" : "1";
  const combine = op === "sum" ? "acc + v" : "acc * v";
  return elementKernel(
    [binding(1, "xs", dtype), binding(5, "out", dtype)],
    `${SLICE}
  let reverse = prm[11] != 0; let exclusive = prm[12] != 0;
  var acc = ${start};
  for (var s = 0; s < axis; s = s + 1) {
    let r = select(s, axis - 1 - s, reverse);
    let v = ${load("xs", dtype, "base + r * inner", as)};
    if (exclusive) { out[base + r * inner] = ${store("acc", as, dtype)}; acc = ${combine}; }
    else { acc = ${combine}; out[base + r * inner] = ${store("acc", as, dtype)}; }
  }`,
  );
});

/** Σ(x − mean)² / (axisSize − F(0)), two passes. */
export const varianceShader = memo(function varianceShader(): string {
  return elementKernel(
    [binding(1, "xs", "float32"), binding(5, "out", "float32")],
    `${SLICE}
  var s = 0.0;
  for (var r = 0; r < axis; r = r + 1) { s = s + xs[base + r * inner]; }
  let mean = s / f32(axis);
  var q = 0.0;
  for (var r = 0; r < axis; r = r + 1) { let d = xs[base + r * inner] - mean; q = q + d * d; }
  out[i] = q / (f32(axis) - F(0));`,
  );
});

/** log Σ exp(x − m) + m, m the slice's maximum (±∞ and NaN as the reference). */
export const logsumexpShader = memo(function logsumexpShader(): string {
  return elementKernel(
    [binding(1, "xs", "float32"), binding(5, "out", "float32")],
    `${SLICE}
  var m = -inff();
  for (var r = 0; r < axis; r = r + 1) { let v = xs[base + r * inner]; if (v > m || isnan(v)) { m = v; } if (isnan(m)) { break; } }
  if (isnan(m) || isinf(m)) { out[i] = m; return; }
  var s = 0.0;
  for (var r = 0; r < axis; r = r + 1) { s = s + expf(xs[base + r * inner] - m); }
  out[i] = m + log(s);`,
  );
});

/**
 * Stable sort by rank: thread i is element (o, r, j) of [outer, axisSize, inner]; its rank is
 * how many elements of its slice come before it (NaN above +∞; ties by position). prm[8..12]
 * = outer, axisSize, inner, k, descending.
 */
export const sortShader = memo(function sortShader(dtype: DType): string {
  const as = computeOf(dtype);
  const key = as === "f32" ? "select(v, inff(), isnan(v))" : "v";
  const tie = as === "f32" ? "(isnan(u) == isnan(v)) && uk == vk" : "u == v";
  return elementKernel(
    [binding(1, "xs", dtype), binding(5, "out", dtype), binding(6, "indices", "int32")],
    `  let axis = prm[9]; let inner = prm[10]; let k = prm[11]; let descending = prm[12] != 0;
  let j = i % inner; let r = (i / inner) % axis; let o = i / (inner * axis);
  let base = o * axis * inner + j;
  let v = ${load("xs", dtype, "base + r * inner", as)}; let vk = ${key};
  var rank = 0;
  for (var q = 0; q < axis; q = q + 1) {
    let u = ${load("xs", dtype, "base + q * inner", as)}; let uk = ${key.replaceAll("v", "u")};
    let nanOrder = ${as === "f32" ? "isnan(u) && !isnan(v)" : "false"};
    let beforeAsc = ${as === "f32" ? "(uk < vk) || (uk == vk && !isnan(u) && isnan(v))" : "u < v"};
    let beforeDesc = ${as === "f32" ? "(uk > vk) || nanOrder" : "u > v"};
    let tied = ${tie};
    if (select(beforeAsc, beforeDesc, descending) || (tied && q < r)) { rank = rank + 1; }
  }
  if (rank < k) {
    out[o * k * inner + rank * inner + j] = ${store("v", as, dtype)};
    indices[o * k * inner + rank * inner + j] = r;
  }`,
  );
});

/**
 * The device-side index check: an index outside [0, axisSize) writes nothing and records the
 * op's code, the position and the value in `status` (the first one wins), which the next
 * read reports.
 */
const CHECK = `fn badIndex(code: i32, position: i32, value: i32, axis: i32) {
  if (atomicAdd(&status[0], 1) == 0) { atomicStore(&status[1], code); atomicStore(&status[2], position); atomicStore(&status[3], value); atomicStore(&status[4], axis); }
}`;
const STATUS = "@group(0) @binding(9) var<storage, read_write> status: array<atomic<i32>>;";

/** out[o, r, j] = x[o, index[o, r, j], j]; prm[8..11] = outer, axisSize, indexAxis, inner. */
export const gatherShader = memo(function gatherShader(dtype: DType): string {
  return elementKernel(
    [binding(1, "xs", dtype), binding(2, "index", "int32"), binding(5, "out", dtype), STATUS, CHECK],
    `  let axis = prm[9]; let count = prm[10]; let inner = prm[11];
  let j = i % inner; let o = i / (inner * count);
  let at = index[i];
  if (at < 0 || at >= axis) { badIndex(1, i, at, axis); return; }
  out[i] = xs[o * axis * inner + at * inner + j];`,
  );
});

/** out[o, r, j] = x[o, index[r], j] (a 1-d index); prm[8..11] = outer, axisSize, count, inner. */
export const indexSelectShader = memo(function indexSelectShader(dtype: DType): string {
  return elementKernel(
    [binding(1, "xs", dtype), binding(2, "index", "int32"), binding(5, "out", dtype), STATUS, CHECK],
    `  let axis = prm[9]; let count = prm[10]; let inner = prm[11];
  let j = i % inner; let r = (i / inner) % count; let o = i / (inner * count);
  let at = index[r];
  if (at < 0 || at >= axis) { badIndex(4, r, at, axis); return; }
  out[i] = xs[o * axis * inner + at * inner + j];`,
  );
});

/** Thread (o, j) writes its column in order, so a repeated index keeps the last value. */
export const scatterShader = memo(function scatterShader(dtype: DType): string {
  return elementKernel(
    [binding(1, "src", dtype), binding(2, "index", "int32"), binding(5, "out", dtype), STATUS, CHECK],
    `  let axis = prm[9]; let count = prm[10]; let inner = prm[11];
  let j = i % inner; let o = i / inner;
  for (var r = 0; r < count; r = r + 1) {
    let p = o * count * inner + r * inner + j;
    let at = index[p];
    if (at < 0 || at >= axis) { badIndex(2, p, at, axis); continue; }
    out[o * axis * inner + at * inner + j] = src[p];
  }`,
  );
});

/** Thread (o, a, j) of out sums the dy whose index is a (no float atomics in WGSL; deterministic). */
export const scatterAddShader = memo(function scatterAddShader(): string {
  return elementKernel(
    [binding(1, "dy", "float32"), binding(2, "index", "int32"), binding(5, "out", "float32"), STATUS, CHECK],
    `  let axis = prm[9]; let count = prm[10]; let inner = prm[11];
  let j = i % inner; let a = (i / inner) % axis; let o = i / (inner * axis);
  var acc = 0.0;
  for (var r = 0; r < count; r = r + 1) {
    let p = o * count * inner + r * inner + j;
    let at = index[p];
    if (at == a) { acc = acc + dy[p]; }
    else if (a == 0 && (at < 0 || at >= axis)) { badIndex(3, p, at, axis); }
  }
  out[i] = out[i] + acc;`,
  );
});
