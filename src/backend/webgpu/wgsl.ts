/**
 * Pieces every WGSL kernel shares: the parameter buffer, the thread index, the storage type
 * of each dtype and the conversions between them, and float helpers whose WGSL built-ins are
 * missing or unreliable (WGSL lets implementations assume no NaN or infinity, so NaN tests
 * look at the bits; SwiftShader's exp(NaN) is +∞).
 */
import type { DType } from "../../tensor/dtype.js";

/** Threads per workgroup of the one-thread-per-element kernels. */
export const GROUP = 64;

/** The storage element type of a dtype: bool is a u32 (WGSL has no 8-bit storage). */
export function storageType(dtype: DType): string {
  if (dtype === "float32") return "f32";
  if (dtype === "int32") return "i32";
  if (dtype === "bool") return "u32";
  throw new Error(`webgpu: ${dtype} tensors are not supported; use float32`);
}

/** WGSL reading element `index` of binding `name` (of `dtype`) as `as` (f32 or i32). */
export function load(name: string, dtype: DType, index: string, as: "f32" | "i32"): string {
  const raw = `${name}[${index}]`;
  if (storageType(dtype) === as) return raw;
  return `${as}(${raw})`;
}

/** WGSL converting `value` (an f32 or i32 expression) to `dtype`'s storage type, as a typed-array store converts. */
export function store(value: string, from: "f32" | "i32", dtype: DType): string {
  if (dtype === "bool") return from === "f32" ? `toBool(${value})` : `select(0u, 1u, ${value} != 0)`;
  if (dtype === "int32") return from === "f32" ? `toI32(${value})` : value;
  return from === "f32" ? value : `f32(${value})`;
}

/**
 * A storage binding: inputs at 1–4 are read-only (one buffer may be bound to several), outputs
 * at 5 and 6 read_write (WebGPU forbids binding a buffer written there anywhere else in the
 * dispatch: the backend copies an input that is also the output first).
 */
export function binding(index: number, name: string, dtype: DType): string {
  return `@group(0) @binding(${index}) var<storage, ${index >= 5 ? "read_write" : "read"}> ${name}: array<${storageType(dtype)}>;`;
}

const HELPERS = `
@group(0) @binding(0) var<storage, read> prm: array<i32>;
fn F(k: i32) -> f32 { return bitcast<f32>(prm[1 + k]); }
fn isnan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
// prm[7] is always 0: NaN and ∞ must not be constant expressions, which WGSL rejects
fn nanf() -> f32 { return bitcast<f32>(0x7fc00000u + u32(prm[7])); }
fn inff() -> f32 { return bitcast<f32>(0x7f800000u + u32(prm[7])); }
fn truthy(x: f32) -> bool { return x != 0.0 || isnan(x); }
fn toBool(x: f32) -> u32 { return select(0u, 1u, truthy(x)); }
fn toI32(x: f32) -> i32 { if (isnan(x) || isinf(x)) { return 0; } return i32(x); }
fn logf(x: f32) -> f32 { if (isnan(x) || x < 0.0) { return nanf(); } if (x == 0.0) { return -inff(); } return log(x); }
fn expf(x: f32) -> f32 { if (isnan(x)) { return x; } if (x > 88.8) { return inff(); } if (x < -104.0) { return 0.0; } return exp(x); }
fn expm1f(x: f32) -> f32 {
  let u = expf(x);
  if (u == 1.0) { return x; }
  if (u - 1.0 == -1.0) { return -1.0; }
  if (isinf(u)) { return u; }
  return (u - 1.0) * x / log(u);
}
fn log1pf(x: f32) -> f32 {
  if (isnan(x) || x < -1.0) { return nanf(); }
  if (x == -1.0) { return -inff(); }
  if (isinf(x)) { return x; }
  let u = 1.0 + x;
  if (u == 1.0) { return x; }
  return log(u) * x / (u - 1.0);
}
fn sigmoidf(x: f32) -> f32 { if (x >= 0.0) { return 1.0 / (1.0 + expf(-x)); } let e = expf(x); return e / (1.0 + e); }
fn tanhf(x: f32) -> f32 { if (abs(x) > 10.0) { return sign(x); } if (abs(x) < 0.5) { return tanh(x); } let e = expf(2.0 * abs(x)); return sign(x) * (1.0 - 2.0 / (e + 1.0)); }
// Abramowitz and Stegun 7.1.26 is 1.5e-7 absolute; this is W. J. Cody's rational form through erfc for |x| ≥ 0.5.
fn erff(x: f32) -> f32 {
  let a = abs(x);
  if (a < 0.5) {
    let z = x * x;
    return x * (1.128379167 + z * (-0.3761263890 + z * (0.1128379167 + z * (-0.02686617064 + z * (0.005223977625 - z * 0.0008548327023)))));
  }
  if (a > 4.0) { return sign(x); }
  // erfc(a) = exp(-a²)·t·P(t), t = 1/(1 + a/2): Numerical Recipes' erfcc, 1.2e-7 relative
  let t = 1.0 / (1.0 + 0.5 * a);
  let p = -a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return sign(x) * (1.0 - t * expf(p));
}
fn powf(a: f32, b: f32) -> f32 {
  if (a == 1.0 || b == 0.0) { return 1.0; }
  if (isnan(a) || isnan(b)) { return nanf(); }
  if (b == round(b) && abs(b) <= 64.0) {
    // an integer power by squaring: exact where the result is, and defined for a < 0
    var n = i32(abs(b)); var base = a; var r = 1.0;
    loop { if (n == 0) { break; } if ((n & 1) == 1) { r = r * base; } base = base * base; n = n >> 1; }
    return select(r, 1.0 / r, b < 0.0);
  }
  if (isinf(b)) {
    let m = abs(a);
    if (m == 1.0) { return 1.0; }
    return select(select(inff(), 0.0, m < 1.0), select(0.0, inff(), m < 1.0), b < 0.0);
  }
  if (isinf(a)) {
    if (b < 0.0) { return 0.0; }
    return select(inff(), -inff(), a < 0.0 && abs(b % 2.0) == 1.0);
  }
  if (a < 0.0) {
    if (b != round(b)) { return nanf(); }
    let r = exp2(b * log2(-a));
    return select(r, -r, abs(b % 2.0) == 1.0);
  }
  if (a == 0.0) { return select(0.0, inff(), b < 0.0); }
  return exp2(b * log2(a));
}
// Dekker's exact product: q·b = p + e exactly (Veltkamp's split into 12-bit halves), as fma would give
fn productError(q: f32, b: f32, p: f32) -> f32 {
  let cq = 4097.0 * q; let qh = cq - (cq - q); let ql = q - qh;
  let cb = 4097.0 * b; let bh = cb - (cb - b); let bl = b - bh;
  return ((qh * bh - p) + qh * bl + ql * bh) + ql * bl;
}
// C's fmod: the sign of a, |r| < |b|; the quotient's rounding is repaired with one step
fn fmodf(a: f32, b: f32) -> f32 {
  let q = trunc(a / b);
  let p = q * b;
  var r = (a - p) - productError(q, b, p);
  let m = abs(b);
  if (a >= 0.0 && r < 0.0) { r = r + m; }
  if (a < 0.0 && r > 0.0) { r = r - m; }
  if (abs(r) >= m) { r = r - sign(r) * m; }
  return r;
}
fn remf(a: f32, b: f32) -> f32 {
  if (b == 0.0 || isnan(a) || isnan(b) || isinf(a)) { return nanf(); }
  if (isinf(b)) { if (a == 0.0 || (a < 0.0) == (b < 0.0)) { return a; } return b; }
  let m = fmodf(a, b);
  if (m != 0.0 && ((b < 0.0) != (m < 0.0))) { return m + b; }
  return m;
}
fn floorDivf(a: f32, b: f32) -> f32 {
  if (b == 0.0) { return a / b; }
  if (isnan(a) || isnan(b) || isinf(a)) { return nanf(); }
  if (isinf(b)) { return select(0.0, -1.0, a != 0.0 && ((b < 0.0) != (a < 0.0))); }
  let m = fmodf(a, b);
  var q = (a - m) / b;
  if (m != 0.0 && ((b < 0.0) != (m < 0.0))) { q = q - 1.0; }
  let f = floor(q);
  return select(f, f + 1.0, q - f > 0.5);
}
// atan2 with C's values at zeros and infinities, which WGSL leaves undefined
fn negative(x: f32) -> bool { return (bitcast<u32>(x) & 0x80000000u) != 0u; }
fn atan2f(a: f32, b: f32) -> f32 {
  if (isnan(a) || isnan(b)) { return nanf(); }
  let pi = 3.14159265358979;
  var v: f32;
  if (isinf(a) && isinf(b)) { v = select(pi / 4.0, 3.0 * pi / 4.0, b < 0.0); }
  else if (isinf(a)) { v = pi / 2.0; }
  else if (isinf(b) || a == 0.0) { v = select(0.0, pi, negative(b)); }
  else { return atan2(a, b); }
  return select(v, -v, negative(a));
}
fn remi(a: i32, b: i32) -> i32 { if (b == 0) { return 0; } let m = a % b; if (m != 0 && ((b < 0) != (m < 0))) { return m + b; } return m; }
fn floorDivi(a: i32, b: i32) -> i32 { if (b == 0) { return 0; } var q = a / b; if (a % b != 0 && ((a < 0) != (b < 0))) { q = q - 1; } return q; }
`;

/**
 * A one-thread-per-element kernel: `body` runs for thread `i` < prm[0]; the grid is 2-D when
 * one dimension's 65,535 workgroups are too few.
 */
export function elementKernel(bindings: string[], body: string): string {
  return `${HELPERS}
${bindings.join("\n")}
@compute @workgroup_size(${GROUP}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = i32(gid.x + gid.y * nwg.x * ${GROUP}u);
  if (i >= prm[0]) { return; }
${body}
}`;
}

/** A kernel with its own entry point (workgroup memory, workgroup ids): the shared helpers, then `source`. */
export function customKernel(bindings: string[], source: string): string {
  return `${HELPERS}
${bindings.join("\n")}
${source}`;
}

/**
 * WGSL computing the element offset of output index `i` in strided operands: parameters
 * from `start` are the rank, the shape, then per operand its offset and strides.
 */
export function stridedOffsets(operands: string[], start: string): string {
  const lines = [`  let rank = prm[${start}];`, `  var rem = i;`];
  operands.forEach((name, k) => lines.push(`  var ${name} = prm[${start} + 1 + rank + ${k} * (rank + 1)];`));
  lines.push(`  for (var d = rank - 1; d >= 0; d = d - 1) {`, `    let extent = prm[${start} + 1 + d];`, `    let c = rem % extent;`, `    rem = rem / extent;`);
  operands.forEach((name, k) => lines.push(`    ${name} = ${name} + c * prm[${start} + 1 + rank + ${k} * (rank + 1) + 1 + d];`));
  lines.push(`  }`);
  return lines.join("\n");
}

/** `make` with its results cached by its arguments: a kernel's source is built once, then found by a short key. */
export function memo<Args extends (string | boolean | null)[]>(make: (...args: Args) => string): (...args: Args) => string {
  const cache = new Map<string, string>();
  return (...args: Args) => {
    const key = args.join("|");
    let source = cache.get(key);
    if (source === undefined) cache.set(key, (source = make(...args)));
    return source;
  };
}
