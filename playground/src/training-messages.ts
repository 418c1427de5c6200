/**
 * What the page and its training worker say to each other. A session is one uninterrupted run
 * of training in the worker (at "fastest", or at any speed on webgpu); messages of an older
 * session are ignored.
 */
import type { Point } from "./state.js";
import type { Metrics, TrainerConfig, TrainerSnapshot } from "./trainer.js";

/** Loss and accuracy on the training and the test points, measured in the worker at `epoch`. */
export interface TrainingMetrics {
  epoch: number;
  train: Metrics;
  test: Metrics;
}

/** Page → worker. */
export type ToWorker =
  /** `stepsPerSnapshot`: 0 trains on in slices of a few milliseconds; n > 0 trains n steps per "want" (a set speed). */
  | { type: "start"; session: number; backend: string; stepsPerSnapshot: number; config: TrainerConfig; points: readonly Point[]; testPoints: readonly Point[]; snapshot: TrainerSnapshot }
  | { type: "stop"; session: number }
  /** Post a snapshot after the current slice: the page asks once per frame, so no more cross than it can draw. */
  | { type: "want"; session: number };

/**
 * Worker → page: where training stands (after the slice a "want" arrived in), with the metrics
 * when they were measured again (a few times a second), or why it cannot go on.
 */
export type FromWorker =
  /** The backend is set up; `adapter` names the GPU adapter on webgpu (`backendInfo().adapter`). */
  | { type: "ready"; session: number; backend: string; adapter?: string }
  | { type: "progress"; session: number; snapshot: TrainerSnapshot; metrics?: TrainingMetrics }
  | { type: "error"; session: number; message: string };
