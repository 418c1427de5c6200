/**
 * Whether a run (a compiled plan's replay, or one eager call of a product or convolution shape:
 * eager-tuner.ts) should post its jobs to the worker threads or run every task on the calling
 * thread. On idle cores the workers pay (W3's products take about half the time); on cores
 * other processes keep busy they cost more than they bring (waking a worker lets the scheduler
 * run it in the caller's place, a worker is descheduled holding a task the caller waits for, and
 * its spinning takes the caller's share): W6 measured 2.2× slower with threads than without on
 * two cores at load 8. Which one holds changes with the machine, so the tuner measures: it
 * alternates the two for a few runs (a trial), keeps the faster (by median) for a while, then
 * measures again.
 *
 * How long a choice is kept grows while trials confirm it, twice as long each time, and starts
 * over when a trial changes it. The threads start at KEEP runs (DECISIVE_KEEP after a trial
 * they won by more than DECISIVE) and grow to LONGEST_KEEP, since
 * their runs are watched: once they run clearly slower than the last trial's lone runs did
 * (other processes took the cores), a trial starts at once. Lone runs show nothing about the other
 * cores, so the calling thread alone starts at FIRST_KEEP runs and grows to KEEP: a wrong
 * choice, which the first runs make likely (V8 and the workers warming up), is undone after 12
 * runs instead of 48. Fewer trials matter because a trial's runs on the slower side cost time
 * (three lone replays of W3's step cost about 4 ms).
 * A job computes the same values either way, so the choice never changes them.
 *
 * @example
 * ```ts
 * const tuner = new ThreadTuner();
 * const solo = tuner.next(); // false: the first run and trials start with the threads
 * tuner.record(solo, 1.5); // the run took 1.5 ms
 * ```
 */
export class ThreadTuner {
  /** Runs per mode in a trial, alternating. */
  static readonly TRIAL = 3;
  /** Threaded runs before the first trial, not measured: the first replay of a plan is the slowest (4.8–8 ms of W3's, against 2 later). */
  static readonly WARM_UP = 1;
  /** Runs the calling thread alone is kept after a trial that chose it instead of the threads. */
  static readonly FIRST_KEEP = 12;
  /** Runs the threads are kept after a trial that chose them instead; the most the calling thread alone is kept. */
  static readonly KEEP = 48;
  /** The most runs the threads are kept. */
  static readonly LONGEST_KEEP = 16 * ThreadTuner.KEEP;
  /**
   * How much slower than the last trial's lone runs the threaded runs must be to start a trial:
   * a worker the system delays for a run or two (W6's compiled steps 15 and 16 took 26 and 22 ms
   * against 13, beside 21.8 alone) is not a change of load, and a trial costs three lone runs.
   */
  static readonly WATCH_MARGIN = 1.2;
  /**
   * A trial the threads win by more than this (lone runs this many times slower) keeps them at
   * least DECISIVE_KEEP runs: such a lead does not turn without other processes taking the cores,
   * which the watch sees at once, and each trial costs three lone runs (W5's compiled step takes
   * 28 ms alone against 16 threaded, so its second trial cost 2.4% of the 90 timed steps).
   */
  static readonly DECISIVE = 1.5;
  /** Runs the threads are kept after a decisive trial (see DECISIVE). */
  static readonly DECISIVE_KEEP = 4 * ThreadTuner.KEEP;
  private readonly times: [number[], number[]] = [[], []];
  private left = ThreadTuner.WARM_UP;
  private solo = false;
  /** Runs to keep the choice if the next trial confirms it; 0 until a trial has chosen. */
  private keep = 0;
  /** The last trial's median run alone: threaded runs slower than that mean the cores got busy. */
  private soloMedian = Infinity;
  /** The latest threaded runs while the threads are kept. */
  private readonly recent: number[] = [];
  /** Whether a worker has worked on a threaded run yet (see {@link record}). */
  private workersSeen = false;

  /** Whether the next run does its work on the calling thread alone. */
  next(): boolean {
    if (this.left > 0) return this.solo;
    return this.times[0].length > this.times[1].length; // trials alternate: threads, solo, threads …
  }

  /**
   * Records the run just done (with `solo` as next() said) that took `milliseconds`.
   * `workersJoined`: whether a worker thread worked on any of a threaded run's jobs. Until one
   * has, threaded runs are not measured: the calling thread did all their work (the workers
   * were booting, or had not yet received a compiled plan's memory), so they say nothing about
   * the threads, and a trial among them is a coin toss that could keep the calling thread alone
   * for FIRST_KEEP runs (W3 ran its steps 3–26 so at 2.6 ms instead of 1.6).
   */
  record(solo: boolean, milliseconds: number, workersJoined = true): void {
    if (!solo) {
      if (workersJoined) this.workersSeen = true;
      else if (!this.workersSeen) return;
    }
    if (this.left > 0) {
      this.left--;
      if (!solo && this.keep > 0) this.watch(milliseconds);
      return;
    }
    this.times[solo ? 1 : 0].push(milliseconds);
    if (this.times[1].length < ThreadTuner.TRIAL) return;
    this.soloMedian = median(this.times[1]);
    const threadedMedian = median(this.times[0]);
    const aloneFaster = this.soloMedian < threadedMedian;
    this.times[0].length = 0;
    this.times[1].length = 0;
    this.recent.length = 0;
    if (this.keep === 0 || aloneFaster !== this.solo) this.keep = aloneFaster ? ThreadTuner.FIRST_KEEP : ThreadTuner.KEEP;
    if (this.soloMedian > ThreadTuner.DECISIVE * threadedMedian) this.keep = Math.max(this.keep, ThreadTuner.DECISIVE_KEEP);
    this.left = this.keep;
    this.keep = Math.min(2 * this.keep, aloneFaster ? ThreadTuner.KEEP : ThreadTuner.LONGEST_KEEP);
    this.solo = aloneFaster;
  }

  /**
   * While the threads are kept: when the median of the last TRIAL threaded runs is slower than
   * the last trial's runs alone were, by WATCH_MARGIN, a trial starts now. A single slow run (a
   * collection, a preemption) does not start one: the median needs two of three.
   */
  private watch(milliseconds: number): void {
    this.recent.push(milliseconds);
    if (this.recent.length > ThreadTuner.TRIAL) this.recent.shift();
    if (this.recent.length === ThreadTuner.TRIAL && median(this.recent) > ThreadTuner.WATCH_MARGIN * this.soloMedian) {
      this.left = 0;
      this.keep = ThreadTuner.KEEP; // confirmed or not, the threads' keep starts over
    }
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}
