// The lane arithmetic every element-wise file shares: how many elements of T a 128-bit vector
// holds, and the byte address of element i.

@inline export function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

@inline export function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}
