// Copies of short rows inside the module. memory.copy calls out of the module (a bounds check
// and a memmove each time): for rows of tens of values that costs more than the copy itself,
// so short rows go through an inline SIMD loop and only long ones through memory.copy.

/** Bytes from which memory.copy's call is worth its cost (its memmove then moves wider words). */
const LONG_ROW_BYTES: usize = 512;

/** dst[0, n) = src[0, n), inline: for rows known to be short (im2col's). */
@inline export function copyRow<T>(dst: usize, src: usize, n: i32): void {
  const bytes = (<usize>n) << alignof<T>();
  let i: usize = 0;
  for (; i + 16 <= bytes; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i < bytes; i += sizeof<T>()) store<T>(dst + i, load<T>(src + i));
}

/** dst[0, n) = src[0, n) for rows of any length (the ranges must not overlap). */
@inline export function copyAnyRow<T>(dst: usize, src: usize, n: i32): void {
  if (((<usize>n) << alignof<T>()) >= LONG_ROW_BYTES) memory.copy(dst, src, (<usize>n) << alignof<T>());
  else copyRow<T>(dst, src, n);
}
