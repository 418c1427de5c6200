// W4 helpers shared by the JS workers: inputs, the timing protocol (≥ 7 reps of ≥ 50 ms,
// median) and the error check against a float64 product on sampled rows.
export function sgemmSizes(): number[] {
  return (process.env.NABLA_BENCH_SIZES ?? "128,256,512,1024").split(",").map(Number);
}

function uniform(size: number, seed: number): Float32Array {
  // a small LCG: the inputs only need to be the same in every framework's process
  const out = new Float32Array(size);
  let state = seed >>> 0;
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 32 - 0.5;
  }
  return out;
}

/** Median seconds per call: each rep repeats `run` until it has lasted ≥ 50 ms. */
export function timeReps(run: () => void, reps = 7): number {
  run();
  let calls = 1;
  for (;;) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) run();
    if (performance.now() - start >= 50) break;
    calls *= 2;
  }
  const perCall: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) run();
    perCall.push((performance.now() - start) / 1000 / calls);
  }
  perCall.sort((x, y) => x - y);
  return perCall[reps >> 1]!;
}

/**
 * timeReps for a device that computes after the call returns: each rep ends when `sync`
 * resolves (the last result read), and `between` runs between reps, outside the timing. Every
 * 32 calls the loop gives the event loop a turn, in which finalizers return the buffers of
 * results already dropped (a rep of small products would otherwise hold thousands of them).
 */
export async function timeRepsAsync(run: () => void, sync: () => Promise<unknown>, between: () => Promise<void>, reps = 7): Promise<number> {
  const calls = async (count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      run();
      if (i % 32 === 31) await new Promise((resolve) => setImmediate(resolve));
    }
    await sync();
  };
  run();
  await sync();
  let count = 1;
  for (;;) {
    const start = performance.now();
    await calls(count);
    const elapsed = performance.now() - start;
    await between();
    if (elapsed >= 50) break;
    count *= 2;
  }
  const perCall: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    await calls(count);
    perCall.push((performance.now() - start) / 1000 / count);
    await between();
  }
  perCall.sort((x, y) => x - y);
  return perCall[reps >> 1]!;
}

export const sgemmCheck = {
  inputs(n: number): { a: Float32Array; b: Float32Array } {
    return { a: uniform(n * n, n), b: uniform(n * n, n + 1) };
  },
  /** Max |c − c64| / max|c64| over 16 sampled rows. */
  error(a: Float32Array, b: Float32Array, n: number, c: ArrayLike<number>): number {
    let worst = 0;
    let scale = 0;
    for (let s = 0; s < 16; s++) {
      const i = Math.floor((s * n) / 16);
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < n; p++) sum += a[i * n + p]! * b[p * n + j]!;
        worst = Math.max(worst, Math.abs(c[i * n + j]! - sum));
        scale = Math.max(scale, Math.abs(sum));
      }
    }
    return worst / scale;
  },
};
