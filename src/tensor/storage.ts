import type { Backend, DataRef } from "../backend/backend.js";

// Buffers are freed when the last tensor using them is collected, so users never call dispose
// (the manual memory management of TF.js is its most reported pain).
const registry = new FinalizationRegistry<{ backend: Backend; ref: DataRef }>((held) => held.backend.free(held.ref));

let created = 0;
/** Where new storages are listed while a library function or a backward rule runs ({@link collectStorages}); null when nobody asks. */
let collecting: Storage[] | null = null;

/**
 * @internal Lists every storage made from now on in `into` (null stops listing) and returns
 * the list that was collecting before, for the caller to restore: internalTo
 * (src/autograd/internal-to.ts) collects what a library function or a backward rule made, to
 * give the buffers back once nothing can read them.
 */
export function collectStorages(into: Storage[] | null): Storage[] | null {
  const before = collecting;
  collecting = into;
  return before;
}

/** A backend buffer shared by a tensor and its views (reshape, expand). */
export class Storage {
  /** @internal How many storages existed before this one: lets autograd tell a buffer made by a backward rule from an older one. */
  readonly serial = created++;
  /**
   * @internal PyTorch's version counter: every in-place write to the buffer (add_, copy_, an
   * optimizer's step …) bumps it, through any tensor or view sharing it. A recorded op notes
   * the versions of what it saved; backward compares them before reading (autograd/grad-fn.ts).
   */
  version = 0;
  /** @internal The in-place op that bumped {@link Storage.version} last (for the error). */
  lastWrite = "";
  /**
   * @internal Set while a backward rule runs that saved this buffer at an older version: the
   * op and the version it expected. A kernel reading the buffer then throws ({@link checkCurrent}).
   */
  staleFor: { readonly op: string; readonly expected: number } | null = null;

  /**
   * @internal Set by a backward rule that keeps its incoming gradient past its own call (split's
   * parts file theirs for one gather, src/ops/split-views.ts): autograd then never recycles
   * the buffer (src/autograd/backward.ts).
   */
  kept = false;

  /**
   * @internal How many recorded ops (GradFn) may still read this buffer in a backward pass: one
   * per time an op saved it, one less when backward drops that op's rule.
   */
  savers = 0;

  /**
   * @internal Made inside a library function for its own use and never handed to the caller
   * (internalTo, src/autograd/internal-to.ts): once {@link Storage.savers} is 0, nothing can
   * read it, and its buffer goes back to the backend.
   */
  internal = false;

  /** @internal The serial the next storage will get. */
  static get nextSerial(): number {
    return created;
  }

  constructor(
    readonly backend: Backend,
    readonly ref: DataRef,
  ) {
    if (backend.needsFree === true) registry.register(this, { backend, ref }, this);
    if (collecting !== null) collecting.push(this);
  }

  /** @internal Records an in-place write by `op` (bumps the version). */
  written(op: string): void {
    this.version++;
    this.lastWrite = op;
  }
}

/** Marks a storage whose buffer autograd gave back to the backend: reading it is a bug in nabla. */
const RECYCLED = { op: "", expected: -1 } as const;

/**
 * @internal Gives `storage`'s buffer back to its backend for reuse ({@link Backend.recycle}).
 * The caller (autograd) guarantees no tensor will read it again; one that does anyway throws
 * (through {@link checkCurrent}) instead of reading another tensor's values.
 */
export function recycleStorage(storage: Storage): void {
  if (storage.backend.recycle === undefined || storage.staleFor !== null) return;
  storage.staleFor = RECYCLED;
  // freed now, so not again by the finalizer
  if (storage.backend.needsFree === true) registry.unregister(storage);
  storage.backend.recycle(storage.ref);
}

/** @internal Whether backward gave `storage`'s buffer back ({@link recycleStorage}): its values are gone. */
export function isRecycled(storage: Storage): boolean {
  return storage.staleFor === RECYCLED;
}

/**
 * @internal Throws PyTorch's error if a backward rule is about to read `storage` after an
 * in-place write changed what the rule saved; `what` describes the tensor read ("a float32
 * [2,3] tensor"). Called by the tensor layer wherever a kernel is handed a tensor's data.
 */
export function checkCurrent(storage: Storage, what: string): void {
  const stale = storage.staleFor;
  if (stale === null) return;
  if (stale === RECYCLED) {
    // reachable only through a graph's edges (gradFn.inputs) once a library function's buffer was freed, else a bug in nabla
    throw new Error(`${what} was read after backward freed its buffer: a tensor that only the graph held (reached through gradFn.inputs, as a library function's own scores or temporaries are) is freed once backward is done with it, as PyTorch frees saved tensors; keep what you need to read before calling backward (otherwise, this is a bug in nabla: please report it)`);
  }
  throw new Error(
    `backward: one of the variables needed for gradient computation has been modified by an inplace operation: ${what} saved by ${stale.op} is at version ${storage.version}; expected version ${stale.expected} instead (changed by ${storage.lastWrite || "an in-place op"} after ${stale.op} used it; clone() it before changing it, or change it after backward())`,
  );
}
