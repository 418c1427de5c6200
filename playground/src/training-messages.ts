/**
 * What the page and its training worker say to each other. A session is one uninterrupted run
 * of "fastest" training in the worker; messages of an older session are ignored.
 */
import type { Point } from "./state.js";
import type { TrainerConfig, TrainerSnapshot } from "./trainer.js";

/** Page → worker. */
export type ToWorker =
  | { type: "start"; session: number; backend: string; config: TrainerConfig; points: readonly Point[]; snapshot: TrainerSnapshot }
  | { type: "stop"; session: number }
  /** Post a snapshot after the current slice: the page asks once per frame, so no more cross than it can draw. */
  | { type: "want"; session: number };

/** Worker → page: where training stands (after the slice a "want" arrived in), or why it cannot go on. */
export type FromWorker =
  | { type: "progress"; session: number; snapshot: TrainerSnapshot }
  | { type: "error"; session: number; message: string };
