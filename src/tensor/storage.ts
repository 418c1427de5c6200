import type { Backend, DataRef } from "../backend/backend.js";

// Buffers are freed when the last tensor using them is collected, so users never call dispose
// (the manual memory management of TF.js is its most reported pain).
const registry = new FinalizationRegistry<{ backend: Backend; ref: DataRef }>((held) => held.backend.free(held.ref));

let created = 0;

/** A backend buffer shared by a tensor and its views (reshape, expand). */
export class Storage {
  /** @internal How many storages existed before this one: lets autograd tell a buffer made by a backward rule from an older one. */
  readonly serial = created++;

  /** @internal The serial the next storage will get. */
  static get nextSerial(): number {
    return created;
  }

  constructor(
    readonly backend: Backend,
    readonly ref: DataRef,
  ) {
    if (backend.needsFree === true) registry.register(this, { backend, ref });
  }
}
