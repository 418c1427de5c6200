import type { Backend, DataRef } from "../backend/backend.js";

// Buffers are freed when the last tensor using them is collected, so users never call dispose
// (the manual memory management of TF.js is its most reported pain).
const registry = new FinalizationRegistry<{ backend: Backend; ref: DataRef }>((held) => held.backend.free(held.ref));

/** A backend buffer shared by a tensor and its views (reshape, expand). */
export class Storage {
  constructor(
    readonly backend: Backend,
    readonly ref: DataRef,
  ) {
    if (backend.needsFree === true) registry.register(this, { backend, ref });
  }
}
