/**
 * Buffers a compiled plan holds (src/compile/webgpu-executor.ts): its intermediates outlive
 * the traced tensors that first held them, so a finalizer's `free` of one only notes that its
 * tensor is gone; the buffer goes back to the pool when every plan holding it has been
 * collected too. The plan's captured commands keep buffers of their own (parameters, a
 * kernel's scratch), released the same way.
 */
import type { DataRef } from "../backend.js";

export class BufferHolds {
  private readonly held = new Map<DataRef, { owners: number; dead: boolean }>();
  private readonly owners = new FinalizationRegistry<() => void>((release) => release());

  /** @param release returns a buffer to the pool (the backend's own free). */
  constructor(private readonly release: (ref: DataRef) => void) {}

  /** Keeps `refs` out of the pool while `owner` is alive. */
  retain(refs: Iterable<DataRef>, owner: object): void {
    const list = [...refs];
    for (const ref of list) {
      const held = this.held.get(ref);
      if (held !== undefined) held.owners++;
      else this.held.set(ref, { owners: 1, dead: false });
    }
    this.owners.register(owner, () => {
      for (const ref of list) {
        const held = this.held.get(ref)!;
        if (--held.owners > 0) continue;
        this.held.delete(ref);
        if (held.dead) this.release(ref);
      }
    });
  }

  /** Releases `refs` (held by nothing else) once `owner` is collected. */
  releaseWith(refs: readonly DataRef[], owner: object): void {
    this.owners.register(owner, () => refs.forEach((ref) => this.release(ref)));
  }

  /** For a finalizer's free: true (and noted) where a plan still holds `ref`. */
  keeps(ref: DataRef): boolean {
    const held = this.held.get(ref);
    if (held === undefined) return false;
    held.dead = true;
    return true;
  }
}
