/**
 * Whether a threaded plan's replays should post their jobs to the worker threads or run every
 * task on the calling thread. On idle cores the workers pay (W3's products take about half the
 * time); on cores other processes keep busy they cost more than they bring (a worker is
 * descheduled holding a task the caller waits for, and its spinning takes the caller's share):
 * W6 measured 2.2× slower with threads than without on two cores at load 8. Which one holds
 * changes with the machine, so the tuner measures: it alternates the two for a few replays,
 * keeps the faster (by median) for the next ones, then measures again. A job splits into the
 * same tasks either way, so the values computed never depend on the choice.
 */
export class ThreadTuner {
  /** Replays per mode in a trial, alternating. */
  static readonly TRIAL = 3;
  /** Replays between trials. */
  static readonly KEEP = 48;
  private readonly times: [number[], number[]] = [[], []];
  private left = 0;
  private solo = false;

  /** Whether the next replay runs its jobs on the calling thread alone. */
  next(): boolean {
    if (this.left > 0) return this.solo;
    return this.times[0].length > this.times[1].length; // trials alternate: threads, solo, threads …
  }

  /** Records the replay just run (with `solo` as next() said) that took `milliseconds`. */
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
