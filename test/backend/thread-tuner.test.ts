import { test } from "node:test";
import assert from "node:assert/strict";
import { ThreadTuner } from "../../src/backend/wasm/thread-tuner.js";

// The tuner's schedule (thread-tuner.ts): a warm-up run, trials alternating threads ("t") and
// the calling thread alone ("s"), a choice kept twice as long each time a trial confirms it
// (threads from KEEP up to LONGEST_KEEP runs, alone from FIRST_KEEP up to KEEP), and threaded
// runs slower than the last trial's lone runs starting a trial at once.

/** Runs `count` runs as the tuner says, threaded ones taking `threaded` ms and lone ones `alone`; returns the modes run. */
function runs(tuner: ThreadTuner, count: number, threaded: number, alone: number): string {
  let modes = "";
  for (let i = 0; i < count; i++) {
    const solo = tuner.next();
    tuner.record(solo, solo ? alone : threaded);
    modes += solo ? "s" : "t";
  }
  return modes;
}

const trial = "ts".repeat(ThreadTuner.TRIAL);
const warmUp = "t".repeat(ThreadTuner.WARM_UP);

test("the first runs are threaded and not measured: a slow first run does not make the threads lose", () => {
  const tuner = new ThreadTuner();
  assert.equal(runs(tuner, ThreadTuner.WARM_UP, 50, 3), warmUp);
  assert.equal(runs(tuner, 2 * ThreadTuner.TRIAL, 2, 3), trial);
  assert.equal(runs(tuner, ThreadTuner.KEEP, 2, 3), "t".repeat(ThreadTuner.KEEP));
});

test("while the threads keep winning, each trial comes after twice as many runs as the last, up to LONGEST_KEEP", () => {
  const tuner = new ThreadTuner();
  runs(tuner, ThreadTuner.WARM_UP, 2, 3);
  let keep = ThreadTuner.KEEP;
  let round = 0;
  for (; keep < ThreadTuner.LONGEST_KEEP; round++) {
    assert.equal(runs(tuner, 2 * ThreadTuner.TRIAL, 2, 3), trial, `trial ${round}`);
    assert.equal(runs(tuner, keep, 2, 3), "t".repeat(keep), `kept after trial ${round}`);
    keep = Math.min(2 * keep, ThreadTuner.LONGEST_KEEP);
  }
  assert.ok(round >= 4, "several doublings");
  assert.equal(runs(tuner, 2 * ThreadTuner.TRIAL + ThreadTuner.LONGEST_KEEP + 2, 2, 3), trial + "t".repeat(ThreadTuner.LONGEST_KEEP) + "ts", "capped");
});

test("a choice that trials keep confirming alone is kept up to KEEP runs; a change starts over at FIRST_KEEP", () => {
  const tuner = new ThreadTuner();
  runs(tuner, ThreadTuner.WARM_UP + 2 * ThreadTuner.TRIAL, 4, 3); // alone is faster
  assert.equal(runs(tuner, ThreadTuner.FIRST_KEEP, 4, 3), "s".repeat(ThreadTuner.FIRST_KEEP));
  for (const keep of [2 * ThreadTuner.FIRST_KEEP, ThreadTuner.KEEP, ThreadTuner.KEEP]) {
    assert.equal(runs(tuner, 2 * ThreadTuner.TRIAL, 4, 3), trial);
    assert.equal(runs(tuner, keep, 4, 3), "s".repeat(keep), `kept ${keep}`);
  }
  // the cores are free again: the threads win, and are kept KEEP runs, then 2·KEEP
  assert.equal(runs(tuner, 2 * ThreadTuner.TRIAL + ThreadTuner.KEEP + 2, 2, 3), trial + "t".repeat(ThreadTuner.KEEP) + "ts");
  assert.equal(runs(tuner, 2 * ThreadTuner.TRIAL - 2 + 2 * ThreadTuner.KEEP + 1, 2, 3), trial.slice(2) + "t".repeat(2 * ThreadTuner.KEEP) + "t");
});

test("threaded runs slower than the trial's lone runs start a trial at once; one slow run does not", () => {
  const tuner = new ThreadTuner();
  runs(tuner, ThreadTuner.WARM_UP + 2 * ThreadTuner.TRIAL, 2, 3); // threads 2 ms, alone 3 ms: threads kept
  assert.equal(runs(tuner, 4, 2, 3), "tttt");
  assert.equal(runs(tuner, 1, 9, 3), "t", "a single slow run (a collection)");
  assert.equal(runs(tuner, 4, 2, 3), "tttt", "is ignored");
  // the cores get busy: threaded runs take 5 ms, more than the 3 ms alone took
  assert.equal(runs(tuner, 2, 5, 3), "tt", "two slow runs make the median of three slow");
  assert.equal(runs(tuner, 2 * ThreadTuner.TRIAL, 5, 3), trial, "so a trial starts before KEEP runs");
  assert.equal(runs(tuner, ThreadTuner.FIRST_KEEP, 5, 3), "s".repeat(ThreadTuner.FIRST_KEEP), "and the lone runs are kept");
});

test("threaded runs no slower than the trial's lone runs keep the threads for the whole keep", () => {
  const tuner = new ThreadTuner();
  runs(tuner, ThreadTuner.WARM_UP + 2 * ThreadTuner.TRIAL, 2, 3);
  // slower than in the trial, but not slower than alone
  assert.equal(runs(tuner, ThreadTuner.KEEP + 2, 3, 3), "t".repeat(ThreadTuner.KEEP) + "ts", "the trial comes on schedule");
});

test("threaded runs only somewhat slower than the lone runs (a delayed worker) do not start a trial", () => {
  const tuner = new ThreadTuner();
  runs(tuner, ThreadTuner.WARM_UP + 2 * ThreadTuner.TRIAL, 2, 3);
  const below = 0.95 * ThreadTuner.WATCH_MARGIN * 3;
  const above = 1.05 * ThreadTuner.WATCH_MARGIN * 3;
  assert.ok(below > 3, "slower than alone");
  assert.equal(runs(tuner, 3, below, 3), "ttt", "within the margin: kept");
  assert.equal(runs(tuner, 2, above, 3), "tt");
  assert.equal(runs(tuner, 2, 2, 3), "ts", "beyond it: a trial at once");
});

test("threaded runs no worker took part in are not measured until one has", () => {
  const tuner = new ThreadTuner();
  // the workers are booting: every "threaded" run is the calling thread's alone, as slow as a lone run
  for (let i = 0; i < 3 * ThreadTuner.KEEP; i++) {
    assert.equal(tuner.next(), false, `run ${i} stays threaded`);
    tuner.record(false, 3, false);
  }
  // once a worker joins, the warm-up and the trial follow as for a new tuner
  const modes = (count: number, workersJoined: boolean): string => {
    let text = "";
    for (let i = 0; i < count; i++) {
      const solo = tuner.next();
      tuner.record(solo, solo ? 3 : 2, workersJoined);
      text += solo ? "s" : "t";
    }
    return text;
  };
  assert.equal(modes(ThreadTuner.WARM_UP + 2 * ThreadTuner.TRIAL, true), warmUp + trial);
  // after that, a threaded run without the workers is measured like any other (slow ones can start a trial)
  assert.equal(modes(ThreadTuner.KEEP, false), "t".repeat(ThreadTuner.KEEP));
  assert.equal(modes(1, false), "t", "the next trial comes on schedule");
  assert.equal(modes(1, false), "s");
});

test("a trial the threads win decisively keeps them DECISIVE_KEEP runs, then twice as long", () => {
  const tuner = new ThreadTuner();
  const alone = 2 * ThreadTuner.DECISIVE + 1; // threaded runs take 2 ms
  runs(tuner, ThreadTuner.WARM_UP, 2, alone);
  assert.equal(runs(tuner, 2 * ThreadTuner.TRIAL, 2, alone), trial);
  assert.equal(runs(tuner, ThreadTuner.DECISIVE_KEEP + 2, 2, alone), "t".repeat(ThreadTuner.DECISIVE_KEEP) + "ts");
  runs(tuner, 2 * ThreadTuner.TRIAL - 2, 2, alone);
  assert.equal(runs(tuner, 2 * ThreadTuner.DECISIVE_KEEP + 2, 2, alone), "t".repeat(2 * ThreadTuner.DECISIVE_KEEP) + "ts");
  // a narrow win after that (lone runs 1.2× slower) still doubles from where the keep was
  const narrow = new ThreadTuner();
  runs(narrow, ThreadTuner.WARM_UP + 2 * ThreadTuner.TRIAL, 2, 2.4);
  assert.equal(runs(narrow, ThreadTuner.KEEP + 2, 2, 2.4), "t".repeat(ThreadTuner.KEEP) + "ts", "a narrow win keeps KEEP runs");
});
