/**
 * The Web Worker that trains while the page draws: with two cores, the training loop runs at
 * its own speed, however long the boundary and the thumbnails take to paint. It trains in
 * slices of a few milliseconds and yields between them, so a message is read at once: after a
 * "want" (one per frame of the page) it posts a snapshot, which the page draws. At a set speed
 * (webgpu only) it trains that many steps per "want" instead.
 *
 * On webgpu nothing can be read synchronously: a slice queues its steps, then awaits the last
 * loss (so the GPU never falls more than a slice behind and the garbage collector can free the
 * steps' buffers), and the snapshot and metrics are read with `await`.
 */
import { backendInfo, setBackend, type Tensor } from "nabla";
import type { FromWorker, ToWorker } from "./training-messages.js";
import { labelledSet, Trainer, type LabelledSet, type Metrics } from "./trainer.js";

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
/** Steps per snapshot (0: slices of SLICE_MS). */
let stepsPerSnapshot = 0;
/** The backend reads asynchronously (webgpu). */
let asynchronous = false;
// a message to oneself yields to incoming messages without setTimeout's 4 ms clamp
const yielder = new MessageChannel();

/** Trains one slice and posts a snapshot if one was asked for; returns the delay before the next slice, or null to wait for a message. */
async function slice(): Promise<number | null> {
  const current = trainer;
  if (current === null || sets === null) return null;
  const mine = session;
  if (stepsPerSnapshot > 0 && !wanted) return null; // a set speed: the next "want" starts the next steps
  const start = performance.now();
  let idle = false;
  let steps = 0;
  let last: Tensor | null = null;
  try {
    do {
      last = current.stepTensor();
      idle = last === null; // no training points (yet)
      if (!asynchronous && last !== null) last.item(); // the synchronous backends run the step here
      steps++;
    } while (!idle && (stepsPerSnapshot > 0 ? steps < stepsPerSnapshot : performance.now() - start < SLICE_MS));
    if (asynchronous && last !== null) await last.data();
    if (wanted && current === trainer) {
      // the metrics are measured here too, so the page's frames only draw them
      const now = performance.now();
      const measure = now - lastMetrics >= METRICS_MS;
      if (measure) lastMetrics = now;
      const metrics = measure ? { epoch: current.epoch, train: await evaluate(current, sets.train), test: await evaluate(current, sets.test) } : undefined;
      const snapshot = asynchronous ? await current.snapshotAsync() : current.snapshot();
      if (current === trainer && mine === session) {
        scope.postMessage({ type: "progress", session, snapshot, ...(metrics === undefined ? {} : { metrics }) });
        wanted = false;
      }
    }
  } catch (error) {
    if (mine === session) {
      const step = current.steps;
      const message = (error as Error).message;
      scope.postMessage({ type: "error", session, message: asynchronous ? `training on webgpu failed at step ${step}: ${message}` : message });
      trainer = null;
    }
    return null;
  }
  return idle ? IDLE_MS : 0;
}

function evaluate(current: Trainer, set: LabelledSet): Metrics | Promise<Metrics> {
  return asynchronous ? current.evaluateAsync(set) : current.evaluate(set);
}

/** One chain of slices at a time, however starts, stops and awaits interleave with it. */
let busy = false;
function schedule(delay: number): void {
  if (busy) return;
  busy = true;
  // with nothing to train, look again a little later instead of spinning
  if (delay > 0) setTimeout(run, delay);
  else yielder.port2.postMessage(null);
}
async function run(): Promise<void> {
  const delay = await slice();
  busy = false;
  // a start that came during the slice trains at once; a set speed waits for the next "want"
  if (trainer !== null && !(stepsPerSnapshot > 0 && !wanted)) schedule(delay ?? 0);
}
yielder.port1.onmessage = () => void run();

async function begin(message: Extract<ToWorker, { type: "start" }>): Promise<void> {
  trainer = null;
  session = message.session;
  wanted = true;
  stepsPerSnapshot = message.stepsPerSnapshot;
  try {
    if (message.backend === "webgpu") await setBackend("webgpu");
    else setBackend(message.backend as "wasm" | "js");
    if (session !== message.session) return; // a newer start came while the adapter was requested
    asynchronous = message.backend === "webgpu";
    const info = backendInfo();
    scope.postMessage({ type: "ready", session, backend: info.name, ...(info.adapter === undefined ? {} : { adapter: info.adapter }) });
    sets = { train: labelledSet(message.points, message.config.features), test: labelledSet(message.testPoints, message.config.features) };
    const next = new Trainer(message.config, sets.train);
    lastMetrics = performance.now(); // the page measured at the start
    next.restore(message.snapshot);
    trainer = next;
  } catch (error) {
    trainer = null;
    scope.postMessage({ type: "error", session, message: (error as Error).message });
    return;
  }
  schedule(0);
}

scope.onmessage = ({ data: message }) => {
  if (message.type !== "start") {
    if (message.session !== session) return;
    if (message.type === "stop") trainer = null;
    else {
      wanted = true;
      if (trainer !== null) schedule(0);
    }
    return;
  }
  void begin(message);
};
