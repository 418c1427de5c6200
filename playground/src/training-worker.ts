/**
 * The Web Worker that trains while the page draws: with two cores, the training loop runs at
 * its own speed, however long the boundary and the thumbnails take to paint. It trains in
 * slices of a few milliseconds and yields between them, so a message is read at once: after a
 * "want" (one per frame of the page) it posts a snapshot, which the page draws.
 */
import { setBackend } from "nabla";
import type { FromWorker, ToWorker } from "./training-messages.js";
import { labelledSet, Trainer, type LabelledSet } from "./trainer.js";

/** Milliseconds of training between two looks at the messages. */
const SLICE_MS = 4;
/** Milliseconds between two measurements of the metrics (the page's loss plot). */
const METRICS_MS = 250;
/** Milliseconds between two looks while there is nothing to train. */
const IDLE_MS = 50;

const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: MessageEvent<ToWorker>) => void) | null };
let session = -1;
let trainer: Trainer | null = null;
let sets: { train: LabelledSet; test: LabelledSet } | null = null;
let lastMetrics = -Infinity;
/** The page asked for a snapshot. */
let wanted = true;
// a message to oneself yields to incoming messages without setTimeout's 4 ms clamp
const yielder = new MessageChannel();

function slice(): void {
  if (trainer === null) return;
  const start = performance.now();
  let idle = false;
  try {
    do {
      idle = Number.isNaN(trainer.step()); // no training points (yet)
    } while (!idle && performance.now() - start < SLICE_MS);
    if (wanted) {
      // the metrics are measured here too, so the page's frames only draw them
      const now = performance.now();
      const measure = sets !== null && now - lastMetrics >= METRICS_MS;
      if (measure) lastMetrics = now;
      const metrics = measure ? { epoch: trainer.epoch, train: trainer.evaluate(sets!.train), test: trainer.evaluate(sets!.test) } : undefined;
      scope.postMessage({ type: "progress", session, snapshot: trainer.snapshot(), ...(metrics === undefined ? {} : { metrics }) });
    }
    wanted = false;
  } catch (error) {
    scope.postMessage({ type: "error", session, message: (error as Error).message });
    trainer = null;
    return;
  }
  schedule(idle ? IDLE_MS : 0);
}

/** One chain of slices at a time, however starts and stops interleave with it. */
let scheduled = false;
function schedule(delay: number): void {
  if (scheduled) return;
  scheduled = true;
  // with nothing to train, look again a little later instead of spinning
  if (delay > 0) setTimeout(run, delay);
  else yielder.port2.postMessage(null);
}
function run(): void {
  scheduled = false;
  slice();
}
yielder.port1.onmessage = run;

scope.onmessage = ({ data: message }) => {
  if (message.type !== "start") {
    if (message.session !== session) return;
    if (message.type === "stop") trainer = null;
    else wanted = true;
    return;
  }
  session = message.session;
  wanted = true;
  try {
    setBackend(message.backend as "wasm" | "js");
    sets = { train: labelledSet(message.points, message.config.features), test: labelledSet(message.testPoints, message.config.features) };
    trainer = new Trainer(message.config, sets.train);
    lastMetrics = performance.now(); // the page measured at the start
    trainer.restore(message.snapshot);
  } catch (error) {
    trainer = null;
    scope.postMessage({ type: "error", session, message: (error as Error).message });
    return;
  }
  schedule(0);
};
