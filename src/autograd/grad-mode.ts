let enabled = true;

/** Whether ops currently record the graph that `backward` walks. */
export function isGradEnabled(): boolean {
  return enabled;
}

/**
 * Runs `fn` without recording a graph (evaluation, parameter updates) and returns its result.
 *
 * @example
 * ```ts
 * import { noGrad, tensor } from "nabla";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const y = noGrad(() => w.mul(2));
 * console.log(y.requiresGrad); // false
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** @internal Runs `fn` with recording switched to `mode`, restoring the previous mode after. */
export function withGradMode<T>(mode: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}
