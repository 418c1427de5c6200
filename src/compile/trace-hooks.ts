/**
 * The points where tracing listens, installed only while a compiled function is traced and
 * removed after: every method of the backend instance (the kernel boundary), the generator's
 * draws, and the few library calls a plan replays as calls rather than as kernels
 * (optimizer.step/zeroGrad, module.zeroGrad, scheduler.step), plus Module.call (which modules
 * ran, for the guards), Tensor.backward (which `.grad`s it set) and the host reads (to name
 * them in the error). Nothing in the tensor layer knows about tracing.
 */
import type { Backend } from "../backend/backend.js";

type Method = (this: unknown, ...args: unknown[]) => unknown;

/** Installed patches, undone in reverse order. */
export class Patches {
  private readonly undo: (() => void)[] = [];

  /** Replaces `target[name]` by `wrap(original)` as an own property; `restore()` puts things back. */
  method(target: object, name: string, wrap: (original: Method) => Method): void {
    const holder = target as Record<string, unknown>;
    const own = Object.prototype.hasOwnProperty.call(target, name);
    const previous = holder[name];
    if (typeof previous !== "function") return;
    holder[name] = wrap(previous as Method);
    this.undo.push(() => {
      if (own) holder[name] = previous;
      else delete holder[name];
    });
  }

  /** Undoes every patch (a second call does nothing). */
  restore(): void {
    while (this.undo.length > 0) this.undo.pop()!();
  }
}

/** Every method name a backend instance answers (its class chain's functions, not accessors). */
export function backendMethodNames(backend: Backend): string[] {
  const names = new Set<string>();
  for (let proto = Object.getPrototypeOf(backend) as object | null; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === "constructor") continue;
      const descriptor = Object.getOwnPropertyDescriptor(proto, name);
      if (descriptor !== undefined && typeof descriptor.value === "function") names.add(name);
    }
  }
  return [...names];
}
