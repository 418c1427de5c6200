/**
 * What the page and its training worker say to each other. A session is one uninterrupted run
 * of "fastest" training in the worker; messages of an older session are ignored.
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
  | { type: "start"; session: number; backend: string; config: TrainerConfig; points: readonly Point[]; testPoints: readonly Point[]; snapshot: TrainerSnapshot }
  | { type: "stop"; session: number }
  /** Post a snapshot after the current slice: the page asks once per frame, so no more cross than it can draw. */
  | { type: "want"; session: number };

/**
 * Worker → page: where training stands (after the slice a "want" arrived in), with the metrics
 * when they were measured again (a few times a second), or why it cannot go on.
 */
export type FromWorker =
  | { type: "progress"; session: number; snapshot: TrainerSnapshot; metrics?: TrainingMetrics }
  | { type: "error"; session: number; message: string };
