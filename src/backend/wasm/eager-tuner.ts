/**
 * Eager mode's choice, for each large product or convolution, between the worker threads and
 * the calling thread alone. Compiled plans time whole replays (src/compile/wasm-executor.ts);
 * eager mode has no replay, so it times calls, one ThreadTuner per shape class (the op, the
 * dtype and every dimension): a training loop calls the same shapes every step, and calls of
 * one shape are alike enough to compare, which calls of different shapes are not. Both ways
 * compute the same values (wasm-matmul.ts, wasm-conv.ts), so the choice never changes results.
 */
import { ThreadTuner } from "./thread-tuner.js";

/**
 * "tuned" (the default): each shape class measured as it runs; "threads" or "single": always
 * that way (tests, and benchmarks that compare the two).
 */
export type ThreadMode = "tuned" | "threads" | "single";

/**
 * Runs each call of a shape class threaded or single-threaded, whichever that class's tuner
 * measured faster (see ThreadTuner: a trial alternates the two, the faster is kept for a while,
 * then measured again).
 *
 * @example
 * ```ts
 * const tuner = new EagerThreadTuner();
 * tuner.run("matmul 1024·64·256", () => false, () => console.log("ran on the calling thread"));
 * ```
 */
export class EagerThreadTuner {
  /** Shape classes remembered; past this many (a workload of ever-changing shapes) they start over. */
  static readonly CLASSES = 256;
  /** How calls choose; see {@link ThreadMode}. */
  mode: ThreadMode = "tuned";
  private readonly tuners = new Map<string, ThreadTuner>();

  /**
   * `clock`: milliseconds, as performance.now() (tests inject their own). `joined`: the jobs the
   * worker threads have worked on so far (ThreadPool.joined), or null to count every threaded
   * call as one they took part in.
   */
  constructor(
    private readonly clock: () => number = () => performance.now(),
    private readonly joined: (() => number) | null = null,
  ) {}

  /**
   * Runs one call of the shape class `key`: `threaded`, which returns false having done
   * nothing where the threads are unavailable (then `single` runs), or `single`.
   */
  run(key: string, threaded: () => boolean, single: () => void): void {
    if (this.mode !== "tuned") {
      if (this.mode === "single" || !threaded()) single();
      return;
    }
    let tuner = this.tuners.get(key);
    if (tuner === undefined) {
      if (this.tuners.size >= EagerThreadTuner.CLASSES) this.tuners.clear();
      tuner = new ThreadTuner();
      this.tuners.set(key, tuner);
    }
    const solo = tuner.next();
    const joined = this.joined?.() ?? 0;
    const start = this.clock();
    if (solo) single();
    else if (!threaded()) return single(); // no threads to measure
    tuner.record(solo, this.clock() - start, this.joined === null || this.joined() !== joined);
  }
}
