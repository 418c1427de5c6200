/**
 * Buffers a library function makes for itself — attention's scaled queries, scores, softmax
 * weights and contiguous copies — are never seen by its caller: only the recorded ops that saved
 * them for backward can read them. Once backward has dropped those ops' rules (or at once, when
 * no op saved one), they go back to the backend for reuse, as a backward pass's spent gradients
 * do (src/autograd/backward.ts). Fresh memory costs far more than reused (src/backend/js-buffer.ts),
 * and a user's training loop gives the collector no cue that they died.
 *
 * This rests on every rule reading only the tensors its op saved (GradFn's inputs, output and
 * `alsoSaved`), as backward's version check already needs. The graph keeps the tensors for its
 * edges, so `viz.graph` drawn after backward shows such a value as freed.
 */
import type { Tensor } from "../tensor/tensor.js";
import { collectStorages, recycleStorage, type Storage } from "../tensor/storage.js";

/**
 * @internal Runs `body` and marks every buffer it made, except the storages of the tensors it
 * returns (`results` lists them; nulls are skipped) and those a backward rule kept past its call
 * ({@link Storage.kept}), as internal: recycled once no recorded op can read it. Backward runs
 * each rule through it (grad mode is off there, so a rule's temporaries go back at once).
 */
export function internalTo<R>(body: () => R, results: (value: R) => readonly (Tensor | null | undefined)[]): R {
  const made: Storage[] = [];
  const outer = collectStorages(made);
  let value: R;
  try {
    value = body();
  } finally {
    collectStorages(outer);
    // a backward rule or an enclosing library function collecting too sees these as well
    if (outer !== null) for (let i = 0; i < made.length; i++) outer.push(made[i]!);
  }
  const returned = results(value);
  for (let i = 0; i < made.length; i++) {
    const storage = made[i]!;
    let visible = false;
    for (let j = 0; j < returned.length && !visible; j++) visible = returned[j]?.storage === storage;
    if (visible || storage.kept) continue;
    storage.internal = true;
    if (storage.savers === 0) recycleStorage(storage);
  }
  return value;
}
