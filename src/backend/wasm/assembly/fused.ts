// Kernels for compile()'s plans (src/compile/): a blocked interpreter that runs a chain of
// element-wise ops over one element count in a single call, block by block, so the chain makes
// one trip into WebAssembly and its operands stay in cache; Adam's and AdamW's update of one
// parameter in one pass.
//
// Every op rounds exactly as the kernel eager mode calls for it (the same unary, binary, clamp
// and axpby code, the same groups of four from element 0), so a fused plan's results are eager's
// bit for bit.
import { unary, binary, axpby, clamp } from "./elementwise";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

// Instruction kinds of a fused program.
const UNARY: i32 = 0;
const BINARY: i32 = 1;
const CLAMP: i32 = 2;
const AXPBY: i32 = 3;
/** A binary op with a mod/div operand of long rows (c ≥ 8, the same c for both), as rows where a block holds whole rows. */
const BINARY_ROWS: i32 = 4;

// How an operand is read at element i.
const DENSE: i32 = 0; // x[i]
const SCALAR: i32 = 1; // x[0]
const MOD: i32 = 2; // x[i % c]: a row repeated down a matrix
const DIV: i32 = 3; // x[i / c]: one value per row, repeated along it

/** Element stride between rows of an operand read in `mode` over rows of c. */
@inline function rowStride(mode: i32, c: i32): i32 {
  return mode == DENSE ? c : mode == DIV ? 1 : 0;
}

/** Element stride along a row. */
@inline function columnStride(mode: i32): i32 {
  return mode == DENSE || mode == MOD ? 1 : 0;
}

/** Bytes per instruction: i32 words kind, op, out, a, aMode, aC, b, bMode, bC, (pad), then f64 alpha at 40, beta at 48. */
export const FUSED_INSTRUCTION_BYTES: i32 = 64;
/** Elements per block (a multiple of four, so vector groups fall where eager mode's do). */
export const FUSED_BLOCK: i32 = 512;

/** The operand's address for the block starting at `start` (`length` elements), expanding MOD/DIV operands into `scratch`. */
@inline function operand<T>(ptr: usize, mode: i32, c: i32, start: i32, length: i32, scratch: usize): usize {
  if (mode == DENSE) return at<T>(ptr, start);
  if (mode == SCALAR) return ptr;
  if (mode == MOD) {
    let j = start % c;
    for (let i = 0; i < length; i++) {
      store<T>(at<T>(scratch, i), load<T>(at<T>(ptr, j)));
      if (++j == c) j = 0;
    }
  } else {
    let row = start / c;
    let j = start % c;
    let value = load<T>(at<T>(ptr, row));
    for (let i = 0; i < length; i++) {
      store<T>(at<T>(scratch, i), value);
      if (++j == c) {
        j = 0;
        value = load<T>(at<T>(ptr, ++row));
      }
    }
  }
  return scratch;
}

/**
 * Runs `count` instructions at `program` over elements [begin, end), FUSED_BLOCK at a time:
 * every instruction on the first block, then on the next … Each instruction writes its whole
 * output range, so what follows the chain sees what the separate kernels would have left.
 * `scratch` holds two blocks of T. A compiled plan's worker threads each run a range whose
 * begin is a multiple of FUSED_BLOCK (wasm-threaded.ts), so the blocks, and the bits, are
 * those of one call over [0, n).
 */
export function fused<T>(program: usize, count: i32, begin: i32, end: i32, scratch: usize): void {
  const scratchB = scratch + (<usize>FUSED_BLOCK << alignof<T>());
  for (let start = begin; start < end; start += FUSED_BLOCK) {
    const length = min(FUSED_BLOCK, end - start);
    for (let s = 0; s < count; s++) {
      const p = program + <usize>(s * FUSED_INSTRUCTION_BYTES);
      let kind = load<i32>(p);
      const op = load<i32>(p, 4);
      const out = at<T>(load<u32>(p, 8), start);
      const aMode = load<i32>(p, 16);
      const c = max(load<i32>(p, 20), load<i32>(p, 32));
      if (kind == BINARY_ROWS && (start % c != 0 || length % c != 0)) kind = BINARY;
      const a = kind == BINARY_ROWS ? 0 : operand<T>(load<u32>(p, 12), aMode, load<i32>(p, 20), start, length, scratch);
      const alpha = load<f64>(p, 40);
      const beta = load<f64>(p, 48);
      if (kind == UNARY) unary<T>(op, a, out, length, alpha, beta);
      else if (kind == CLAMP) clamp<T>(a, <T>alpha, <T>beta, out, length);
      else {
        const bMode = load<i32>(p, 28);
        const b = kind == BINARY_ROWS ? 0 : operand<T>(load<u32>(p, 24), bMode, load<i32>(p, 32), start, length, scratchB);
        if (kind == BINARY) binary<T>(op, a, 0, aMode == SCALAR ? 0 : 1, b, 0, bMode == SCALAR ? 0 : 1, out, 1, length);
        else if (kind == BINARY_ROWS) {
          // whole rows of c in the block: the kernel's two loops read the broadcast in place
          const pa = aMode == DENSE ? at<T>(load<u32>(p, 12), start) : aMode == DIV ? at<T>(load<u32>(p, 12), start / c) : <usize>load<u32>(p, 12);
          const pb = bMode == DENSE ? at<T>(load<u32>(p, 24), start) : bMode == DIV ? at<T>(load<u32>(p, 24), start / c) : <usize>load<u32>(p, 24);
          binary<T>(op, pa, rowStride(aMode, c), columnStride(aMode), pb, rowStride(bMode, c), columnStride(bMode), out, length / c, c);
        }
        else if (kind == AXPBY) axpby<T>(<T>alpha, a, <T>beta, b, out, length);
        else unreachable();
      }
    }
  }
}

/**
 * One SGD-with-momentum update of n parameters in place, in one pass: the two axpby calls of
 * eager mode's step (src/optim/sgd.ts), b ← μ·b + keep·g then θ ← 1·θ + (−lr)·b, with the
 * same products and sums (no fused multiply-add), so the results are theirs bit for bit.
 */
export function sgdMomentum<T>(p: usize, g: usize, b: usize, n: i32, momentum: T, keep: T, negLr: T): void {
  const step = 16 / sizeof<T>();
  const vn = n & ~(step - 1);
  const mu = v128.splat<T>(momentum);
  const k = v128.splat<T>(keep);
  const one = v128.splat<T>(<T>1);
  const rate = v128.splat<T>(negLr);
  let i = 0;
  for (; i < vn; i += step) {
    const bi = v128.add<T>(v128.mul<T>(mu, v128.load(at<T>(b, i))), v128.mul<T>(k, v128.load(at<T>(g, i))));
    v128.store(at<T>(b, i), bi);
    v128.store(at<T>(p, i), v128.add<T>(v128.mul<T>(one, v128.load(at<T>(p, i))), v128.mul<T>(rate, bi)));
  }
  for (; i < n; i++) {
    const bi = momentum * load<T>(at<T>(b, i)) + keep * load<T>(at<T>(g, i));
    store<T>(at<T>(b, i), bi);
    store<T>(at<T>(p, i), <T>1 * load<T>(at<T>(p, i)) + negLr * bi);
  }
}

/**
 * One Adam/AdamW update of n parameters in place, in eager mode's order of roundings
 * (src/optim/adam.ts through the in-place ops): θ ← θ·decay (AdamW, when `decoupled`),
 * m ← β1·m + (1 − β1)·g, v ← v·β2 + (g·(1 − β2))·g, d ← √v / c2 + ε, θ ← θ + (m·(−step)) / d.
 * The f32 constants arrive rounded as eager mode's scalar operands are.
 */
export function adam<T>(p: usize, g: usize, m: usize, v: usize, n: i32, decoupled: bool, decay: T, beta1: T, oneMinusBeta1: T, beta2: T, oneMinusBeta2: T, c2: T, eps: T, negStep: T): void {
  const step = 16 / sizeof<T>();
  const vn = n & ~(step - 1);
  let i = 0;
  for (; i < vn; i += step) {
    const gi = v128.load(at<T>(g, i));
    let pi = v128.load(at<T>(p, i));
    if (decoupled) pi = v128.mul<T>(pi, v128.splat<T>(decay));
    const mi = v128.add<T>(v128.mul<T>(v128.splat<T>(beta1), v128.load(at<T>(m, i))), v128.mul<T>(v128.splat<T>(oneMinusBeta1), gi));
    const vi = v128.add<T>(v128.mul<T>(v128.load(at<T>(v, i)), v128.splat<T>(beta2)), v128.mul<T>(v128.mul<T>(gi, v128.splat<T>(oneMinusBeta2)), gi));
    const d = v128.add<T>(v128.div<T>(v128.sqrt<T>(vi), v128.splat<T>(c2)), v128.splat<T>(eps));
    v128.store(at<T>(p, i), v128.add<T>(pi, v128.div<T>(v128.mul<T>(mi, v128.splat<T>(negStep)), d)));
    v128.store(at<T>(m, i), mi);
    v128.store(at<T>(v, i), vi);
  }
  for (; i < n; i++) {
    const gi = load<T>(at<T>(g, i));
    let pi = load<T>(at<T>(p, i));
    if (decoupled) pi = pi * decay;
    const mi = beta1 * load<T>(at<T>(m, i)) + oneMinusBeta1 * gi;
    const vi = load<T>(at<T>(v, i)) * beta2 + gi * oneMinusBeta2 * gi;
    const d = <T>Math.sqrt(<f64>vi) / c2 + eps;
    store<T>(at<T>(p, i), pi + (mi * negStep) / d);
    store<T>(at<T>(m, i), mi);
    store<T>(at<T>(v, i), vi);
  }
}
