// Packed, register-blocked matrix product (the GotoBLAS loop nest). op(B) is packed one
// KC×NC block at a time into panels NR columns wide, op(A) one MC×KC block at a time into
// strips mr rows tall, both p-major and zero-padded, so the micro-kernel (matmul-micro.ts)
// streams them with unit stride and never branches on edges. Transposed operands differ only in
// how they are packed, so the backward pass's dyᵀ·x and dy·Wᵀ run as fast as the forward product.
//
// The tile's shape never changes a result: each element of C is the same chain of madds over
// p from zero in every tile, so builds with different tiles (6×8 relaxed, 4×8 plain) and the
// threaded split (any row chunks) agree with the unpacked kernels bit for bit.

import { micro, mr, nr } from "./matmul-micro";

export const KC = 256;
/** Rows of an op(A) block: a multiple of every strip height (4 and 6). */
export const MC = 72;
export const NC = 512;

@inline export function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

/**
 * Four rows of four f32 (at r0…r3) written transposed to dst, dst + pitch, dst + 2·pitch,
 * dst + 3·pitch: the packing of a transposed operand, four loads and four stores instead of 16
 * scalar moves.
 */
@inline export function transpose4x4(r0: usize, r1: usize, r2: usize, r3: usize, dst: usize, pitch: usize): void {
  const v0 = v128.load(r0), v1 = v128.load(r1), v2 = v128.load(r2), v3 = v128.load(r3);
  const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5); // a0 b0 a1 b1
  const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5); // c0 d0 c1 d1
  const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7); // a2 b2 a3 b3
  const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7); // c2 d2 c3 d3
  v128.store(dst, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(dst + pitch, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(dst + 2 * pitch, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * pitch, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/**
 * Four f32 rows (from `src`, `rowBytes` apart), columns [0, kc), written p-major into `dst` with
 * `width` values per p: dst[p·width + r] = row r, column p. Used where packing transposes.
 */
@inline function packFourRows(src: usize, rowBytes: usize, kc: i32, dst: usize, width: i32): void {
  const pitch = (<usize>width) << 2;
  const kc4 = kc & ~3;
  for (let p = 0; p < kc4; p += 4) {
    const s = src + ((<usize>p) << 2);
    transpose4x4(s, s + rowBytes, s + 2 * rowBytes, s + 3 * rowBytes, dst + <usize>p * pitch, pitch);
  }
  for (let r = 0; r < 4; r++) {
    for (let p = kc4; p < kc; p++) store<f32>(dst + <usize>p * pitch + ((<usize>r) << 2), load<f32>(src + <usize>r * rowBytes + ((<usize>p) << 2)));
  }
}

/**
 * Two rows (`first`, and the next at `rowBytes`) into bytes 16–23 of each p's 24 in a 6-row
 * strip: per 4 p, the rows' v128s interleaved into pairs, one 8-byte store per p, where a
 * scalar loop made two loads and two stores per p (a third of packA's work in a 6-row strip).
 */
@inline function packTwoRows(first: usize, rowBytes: usize, kc: i32, dst: usize): void {
  const kc4 = kc & ~3;
  for (let p = 0; p < kc4; p += 4) {
    const s = first + ((<usize>p) << 2);
    const upper = v128.load(s);
    const lower = v128.load(s + rowBytes);
    const front = v128.shuffle<f32>(upper, lower, 0, 4, 1, 5);
    const back = v128.shuffle<f32>(upper, lower, 2, 6, 3, 7);
    const d = dst + <usize>p * 24 + 16;
    v128.store64_lane(d, front, 0);
    v128.store64_lane(d, front, 1, 24);
    v128.store64_lane(d, back, 0, 48);
    v128.store64_lane(d, back, 1, 72);
  }
  for (let p = kc4; p < kc; p++) {
    const d = dst + <usize>p * 24 + 16;
    store<f32>(d, load<f32>(first + ((<usize>p) << 2)));
    store<f32>(d, load<f32>(first + rowBytes + ((<usize>p) << 2)), 4);
  }
}

/** Packs op(B)[p0 : p0+kc, j0 : j0+nc] into panels of NR columns, p-major, zero-padded. */
function packB<T>(b: usize, k: i32, n: i32, transB: bool, p0: i32, kc: i32, j0: i32, nc: i32, bp: usize): void {
  const width = nr<T>();
  for (let jp = 0; jp < nc; jp += width) {
    const panel = at<T>(bp, jp * kc);
    const cols = min(width, nc - jp);
    const j = j0 + jp;
    if (!transB && cols == width) {
      for (let p = 0; p < kc; p++) {
        const src = at<T>(b, (p0 + p) * n + j);
        const dst = at<T>(panel, p * width);
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
      }
      continue;
    }
    if (transB && cols == width && sizeof<T>() == 4) {
      // B is [n, k]: each panel column is a row of B
      for (let half = 0; half < width; half += 4) packFourRows(at<T>(b, (j + half) * k + p0), (<usize>k) << 2, kc, at<T>(panel, half), width);
      continue;
    }
    for (let c = 0; c < width; c++) {
      if (c >= cols) {
        for (let p = 0; p < kc; p++) store<T>(at<T>(panel, p * width + c), <T>0);
      } else if (transB) {
        const row = at<T>(b, (j + c) * k + p0);
        for (let p = 0; p < kc; p++) store<T>(at<T>(panel, p * width + c), load<T>(at<T>(row, p)));
      } else {
        for (let p = 0; p < kc; p++) store<T>(at<T>(panel, p * width + c), load<T>(at<T>(b, (p0 + p) * n + j + c)));
      }
    }
  }
}

/** Packs op(A)[i0 : i0+mc, p0 : p0+kc] into strips of mr rows, p-major, zero-padded. */
export function packA<T>(a: usize, m: i32, k: i32, transA: bool, i0: i32, mc: i32, p0: i32, kc: i32, ap: usize): void {
  const height = mr<T>();
  for (let ip = 0; ip < mc; ip += height) {
    const strip = at<T>(ap, ip * kc);
    const rows = min(height, mc - ip);
    const i = i0 + ip;
    if (transA && rows == height) {
      // a strip's `height` elements per p are contiguous in op(A)ᵀ: 16, 24 or 32 bytes
      const bytes = height * sizeof<T>();
      for (let p = 0; p < kc; p++) {
        const src = at<T>(a, (p0 + p) * m + i);
        const dst = at<T>(strip, p * height);
        v128.store(dst, v128.load(src));
        if (bytes == 32) v128.store(dst, v128.load(src, 16), 16);
        else if (bytes == 24) store<u64>(dst, load<u64>(src, 16), 16);
      }
      continue;
    }
    if (!transA && rows == height && sizeof<T>() == 4) {
      // A is [m, k]: the strip's rows are rows of A, the first four transposed together
      packFourRows(at<T>(a, i * k + p0), (<usize>k) << 2, kc, strip, height);
      if (height == 6) packTwoRows(at<T>(a, (i + 4) * k + p0), (<usize>k) << 2, kc, strip);
      continue;
    }
    for (let r = 0; r < height; r++) {
      if (r >= rows) {
        for (let p = 0; p < kc; p++) store<T>(at<T>(strip, p * height + r), <T>0);
      } else if (transA) {
        for (let p = 0; p < kc; p++) store<T>(at<T>(strip, p * height + r), load<T>(at<T>(a, (p0 + p) * m + i + r)));
      } else {
        const row = at<T>(a, (i + r) * k + p0);
        for (let p = 0; p < kc; p++) store<T>(at<T>(strip, p * height + r), load<T>(at<T>(row, p)));
      }
    }
  }
}

/** One MC×KC block of packed A times one KC×NC block of packed B into C. */
export function macro<T>(ap: usize, bp: usize, mc: i32, nc: i32, kc: i32, c: usize, n: i32, accumulate: bool, tile: usize): void {
  const width = nr<T>();
  const height = mr<T>();
  const ldc = (<usize>n) << alignof<T>();
  for (let jr = 0; jr < nc; jr += width) {
    const panel = at<T>(bp, jr * kc);
    const cols = min(width, nc - jr);
    for (let ir = 0; ir < mc; ir += height) {
      const strip = at<T>(ap, ir * kc);
      const rows = min(height, mc - ir);
      const dst = at<T>(c, ir * n + jr);
      if (rows == height && cols == width) {
        micro<T>(strip, panel, kc, dst, ldc, accumulate);
        continue;
      }
      micro<T>(strip, panel, kc, tile, 32, false);
      for (let r = 0; r < rows; r++)
        for (let q = 0; q < cols; q++) {
          const to = at<T>(dst, r * n + q);
          const v = load<T>(at<T>(tile, r * width + q));
          store<T>(to, accumulate ? load<T>(to) + v : v);
        }
    }
  }
}

/**
 * out[t] = op(A[t]) · op(B[t]) for t < batch on one thread (larger products go through
 * packPanels and productRows below). `ap`, `bp`, `tile` are scratch of MC·KC, KC·NC and mr·NR
 * elements. `accumulate`: out[t] += the product instead (the convolution's weight gradient
 * sums one product per image).
 */
export function matmul<T>(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32, ap: usize, bp: usize, tile: usize, accumulate: bool = false): void {
  for (let t = 0; t < batch; t++) {
    const at_ = at<T>(a, t * strideA);
    const bt = at<T>(b, t * strideB);
    const ct = at<T>(out, t * m * n);
    if (k == 0 && !accumulate) memory.fill(ct, 0, (<usize>(m * n)) << alignof<T>());
    // equal k blocks (784 = 4 × 196, not 3 × 256 + 16): no thin last block to pack and run
    const kBlocks = (k + KC - 1) / KC;
    const kStep = kBlocks > 0 ? (k + kBlocks - 1) / kBlocks : KC;
    for (let jc = 0; jc < n; jc += NC) {
      const nc = min(NC, n - jc);
      for (let pc = 0; pc < k; pc += kStep) {
        const kc = min(kStep, k - pc);
        packB<T>(bt, k, n, transB, pc, kc, jc, nc, bp);
        for (let ic = 0; ic < m; ic += MC) {
          const mc = min(MC, m - ic);
          packA<T>(at_, m, k, transA, ic, mc, pc, kc, ap);
          macro<T>(ap, bp, mc, nc, kc, at<T>(ct, ic * n + jc), n, accumulate || pc > 0, tile);
        }
      }
    }
  }
}

// The threaded product shares one packing of op(B) among the threads: they first pack its
// panels together (a task is a run of panels, over every k block), then, once all are packed,
// take row chunks of C, each packing only its own rows of op(A). A thread that arrives late
// just finds fewer tasks left, so nobody waits for it.

/** Rows of each k block (equal blocks: 784 = 4 × 196, not 3 × 256 + 16). */
export function kStepOf(k: i32): i32 {
  const kBlocks = (k + KC - 1) / KC;
  return kBlocks > 0 ? (k + kBlocks - 1) / kBlocks : KC;
}

/**
 * Packs panels [panelStart, panelEnd) of op(B)[:, jc : jc+nc] for every k block into the shared
 * `bp`, where k block at row pc starts at element pc·ncPad (ncPad = nc rounded up to NR).
 */
export function packPanels<T>(b: usize, k: i32, n: i32, transB: bool, jc: i32, nc: i32, panelStart: i32, panelEnd: i32, bp: usize): void {
  const width = nr<T>();
  const ncPad = (nc + width - 1) / width * width;
  const first = panelStart * width;
  const cols = min(panelEnd * width, nc) - first;
  if (cols <= 0) return;
  const kStep = kStepOf(k);
  for (let pc = 0; pc < k; pc += kStep) {
    const kc = min(kStep, k - pc);
    packB<T>(b, k, n, transB, pc, kc, jc + first, cols, at<T>(bp, pc * ncPad + first * kc));
  }
}

/** Rows [rowStart, rowEnd) of out[:, jc : jc+nc] = op(A) · (the shared packed B). */
export function productRows<T>(a: usize, bp: usize, out: usize, m: i32, k: i32, n: i32, transA: bool, jc: i32, nc: i32, ap: usize, tile: usize, rowStart: i32, rowEnd: i32): void {
  const width = nr<T>();
  const ncPad = (nc + width - 1) / width * width;
  const kStep = kStepOf(k);
  for (let ic = rowStart; ic < rowEnd; ic += MC) {
    const mc = min(MC, rowEnd - ic);
    for (let pc = 0; pc < k; pc += kStep) {
      const kc = min(kStep, k - pc);
      packA<T>(a, m, k, transA, ic, mc, pc, kc, ap);
      macro<T>(ap, at<T>(bp, pc * ncPad), mc, nc, kc, at<T>(out, ic * n + jc), n, pc > 0, tile);
    }
  }
}
