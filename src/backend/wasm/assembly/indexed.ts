// Gather and scatter-add reading an int32 index where it lies (a compiled step's index buffer,
// compile/wasm-gather.ts), checking it first: no pass in JavaScript to check the index and
// convert it to floats for reduce.ts's kernels, and no float-to-int conversion per element
// here. Each returns the position of the first index outside [0, axisSize), having written
// nothing, or −1 when it ran.

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

/** The first of `count` int32 indices outside [0, axisSize), or −1. */
function firstBadIndex(index: usize, count: i32, axisSize: i32): i32 {
  for (let k = 0; k < count; k++) if (<u32>load<i32>(at<i32>(index, k)) >= <u32>axisSize) return k;
  return -1;
}

export function gatherIndexI32<T>(x: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): i32 {
  const bad = firstBadIndex(index, outer * indexAxis * inner, axisSize);
  if (bad >= 0) return bad;
  if (inner == 1 && indexAxis == 1) {
    // one pick per row (a loss's target class): one flat loop
    for (let o = 0; o < outer; o++) store<T>(at<T>(out, o), load<T>(at<T>(x, o * axisSize + load<i32>(at<i32>(index, o)))));
    return -1;
  }
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indexAxis; j++)
      for (let i = 0; i < inner; i++) {
        const k = (o * indexAxis + j) * inner + i;
        store<T>(at<T>(out, k), load<T>(at<T>(x, (o * axisSize + load<i32>(at<i32>(index, k))) * inner + i)));
      }
  return -1;
}

/** Adds dy into out at the indexed places (out keeps what the caller put there). */
export function scatterAddIndexI32<T>(dy: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): i32 {
  const bad = firstBadIndex(index, outer * indexAxis * inner, axisSize);
  if (bad >= 0) return bad;
  if (inner == 1 && indexAxis == 1) {
    for (let o = 0; o < outer; o++) {
      const dst = at<T>(out, o * axisSize + load<i32>(at<i32>(index, o)));
      store<T>(dst, load<T>(dst) + load<T>(at<T>(dy, o)));
    }
    return -1;
  }
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indexAxis; j++)
      for (let i = 0; i < inner; i++) {
        const k = (o * indexAxis + j) * inner + i;
        const dst = at<T>(out, (o * axisSize + load<i32>(at<i32>(index, k))) * inner + i);
        store<T>(dst, load<T>(dst) + load<T>(at<T>(dy, k)));
      }
  return -1;
}
