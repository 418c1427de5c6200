/**
 * Whether a run (a compiled plan's replay, or one eager call of a product or convolution shape:
 * eager-tuner.ts) should post its jobs to the worker threads or run every task on the calling
 * thread. On idle cores the workers pay (W3's products take about half the time); on cores
 * other processes keep busy they cost more than they bring (waking a worker lets the scheduler
 * run it in the caller's place, a worker is descheduled holding a task the caller waits for, and
 * its spinning takes the caller's share): W6 measured 2.2× slower with threads than without on
 * two cores at load 8. Which one holds changes with the machine, so the tuner measures: it
 * alternates the two for a few runs, keeps the faster (by median) for the next ones, then
 * measures again. A job computes the same values either way, so the choice never changes them.
 *
 * @example
 * ```ts
 * const tuner = new ThreadTuner();
 * const solo = tuner.next(); // false: a trial starts with the threads
 * tuner.record(solo, 1.5); // the run took 1.5 ms
 * ```
 */
export class ThreadTuner {
  /** Runs per mode in a trial, alternating. */
  static readonly TRIAL = 3;
  /** Runs between trials. */
  static readonly KEEP = 48;
  private readonly times: [number[], number[]] = [[], []];
  private left = 0;
  private solo = false;

  /** Whether the next run does its work on the calling thread alone. */
  next(): boolean {
    if (this.left > 0) return this.solo;
    return this.times[0].length > this.times[1].length; // trials alternate: threads, solo, threads …
  }

  /** Records the run just done (with `solo` as next() said) that took `milliseconds`. */
  record(solo: boolean, milliseconds: number): void {
    if (this.left > 0) {
      this.left--;
      return;
    }
    this.times[solo ? 1 : 0].push(milliseconds);
    if (this.times[1].length < ThreadTuner.TRIAL) return;
    this.solo = median(this.times[1]) < median(this.times[0]);
    this.times[0].length = 0;
    this.times[1].length = 0;
    this.left = ThreadTuner.KEEP;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}
