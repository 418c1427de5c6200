/**
 * The page's side of the training worker: starts a session from the page's trainer, keeps the
 * latest snapshot the worker posts, and hands it back when the session stops. Without Web
 * Workers (or after the worker failed) `available` is false and the page trains itself.
 */
import type { Point } from "./state.js";
import type { FromWorker, ToWorker, TrainingMetrics } from "./training-messages.js";
import type { Trainer, TrainerSnapshot } from "./trainer.js";

/**
 * The worker's module, beside this one: under Vite's dev server its source; in a build the
 * entry vite.config.ts makes of it, which shares nabla's chunk with the page. A name in a
 * variable, not a literal in `new Worker(new URL(…))`, which Vite would bundle apart, with a
 * second copy of nabla.
 */
const WORKER_MODULE = import.meta.env.DEV ? "./training-worker.ts" : "./training-worker.js";

export class RemoteTraining {
  private worker: Worker | null = null;
  private session = 0;
  private active = false;
  private latest: TrainerSnapshot | null = null;
  /** A snapshot was received in this session and not yet taken. */
  private fresh = false;
  /** A snapshot is asked for and has not come yet. */
  private asked = false;
  /** Metrics received and not yet taken. */
  private metrics: TrainingMetrics | null = null;
  /** Why the worker could not train, once it could not. */
  failure = "";
  /** The backend the worker trains on in this session, once it said so ("" before). */
  backend = "";
  /** The GPU adapter the worker trains on (webgpu), once it said so. */
  adapter = "";
  /** The session's steps per snapshot (0: as fast as it goes). */
  stepsPerSnapshot = 0;

  get available(): boolean {
    return this.failure === "" && typeof Worker !== "undefined";
  }

  /** Whether a session is under way (false again once the worker failed). */
  get running(): boolean {
    return this.active;
  }

  /**
   * Starts training a copy of `trainer` (its state and data) in the worker on `backend`;
   * `testPoints` for its metrics; `stepsPerSnapshot` steps per frame (0: as fast as it goes).
   */
  start(trainer: Trainer, points: readonly Point[], testPoints: readonly Point[], backend: string, stepsPerSnapshot = 0): void {
    this.stop();
    try {
      this.worker ??= this.spawn();
    } catch (error) {
      this.fail((error as Error).message);
      return;
    }
    this.session++;
    this.active = true;
    this.latest = null;
    this.fresh = false;
    this.asked = true; // the worker posts after its first slice
    this.metrics = null;
    this.backend = "";
    this.adapter = "";
    this.stepsPerSnapshot = stepsPerSnapshot;
    this.post({ type: "start", session: this.session, backend, stepsPerSnapshot, config: trainer.config, points: [...points], testPoints: [...testPoints], snapshot: trainer.snapshot() });
  }

  /**
   * The newest snapshot since the last call, or null if none came; asks for the next one (the
   * worker posts one per request, so the page is never sent more than it draws).
   */
  takeProgress(): TrainerSnapshot | null {
    if (this.active && !this.asked) {
      this.post({ type: "want", session: this.session });
      this.asked = true;
    }
    if (!this.fresh) return null;
    this.fresh = false;
    return this.latest;
  }

  /** The metrics the worker measured since the last call, or null. */
  takeMetrics(): TrainingMetrics | null {
    const metrics = this.metrics;
    this.metrics = null;
    return metrics;
  }

  /**
   * Ends the session (or takes what a failed one left); returns its last snapshot, what the
   * page continues from, or null if none came.
   */
  stop(): TrainerSnapshot | null {
    if (this.active) this.post({ type: "stop", session: this.session });
    this.active = false;
    this.fresh = false;
    const last = this.latest;
    this.latest = null;
    return last;
  }

  private spawn(): Worker {
    const worker = new Worker(new URL(WORKER_MODULE, import.meta.url), { type: "module" });
    worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      if (data.session !== this.session || !this.active) return;
      if (data.type === "error") this.fail(data.message);
      else if (data.type === "ready") {
        this.backend = data.backend;
        this.adapter = data.adapter ?? "";
      } else {
        this.latest = data.snapshot;
        this.fresh = true;
        this.asked = false;
        if (data.metrics !== undefined) this.metrics = data.metrics;
      }
    };
    worker.onerror = (event) => this.fail(event.message || "the training worker failed to start");
    return worker;
  }

  /** Forgets a failure, so that the next `start` spawns a new worker (after a change of backend). */
  retry(): void {
    this.failure = "";
  }

  private post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** Gives up on the worker for this page (the last snapshot stays for `stop()` to hand back). */
  private fail(message: string): void {
    this.failure = message;
    this.active = false;
    this.fresh = false;
    this.worker?.terminate();
    this.worker = null;
  }
}
