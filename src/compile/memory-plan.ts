/**
 * The static memory plan of a {@link Plan}: a byte offset for every buffer it touches, with
 * intermediates sharing space where their lifetimes (first to last node using them) do not
 * overlap, so a step's working set stays small and in cache. Backend-neutral: a device backend
 * can place its buffers by the same offsets.
 */
import type { DataRef } from "../backend/backend.js";
import type { Plan } from "./plan.js";

export interface Layout {
  /** Byte offset of each buffer. */
  readonly offsets: Map<DataRef, number>;
  /**
   * Buffers that must keep their own place and contents between calls: the inputs' copies,
   * `.grad`s, returned tensors, constants, and every buffer from outside the plan (parameters,
   * optimizer state).
   */
  readonly exposed: DataRef[];
  /** End of the last buffer (bytes). */
  readonly bytes: number;
}

const ALIGN = 64;

function bytesOf(ref: DataRef): number {
  const per = ref.dtype === "float64" ? 8 : ref.dtype === "bool" ? 1 : 4;
  return Math.max(ALIGN, Math.ceil((ref.size * per) / ALIGN) * ALIGN);
}

/**
 * The argument position of `out` in kernels that write all of it before reading any of it: an
 * intermediate first seen there may take over space another one left. Any other first use
 * (a region written by copyInto, an accumulating scatterAdd) keeps its own space, zeroed once.
 */
const WRITES_ALL: Readonly<Record<string, number>> = {
  unary: 2,
  clamp: 3,
  binary: 4,
  binaryScalar: 5,
  axpby: 4,
  reduce: 5,
  matmul: 3,
  fill: 0,
  cast: 1,
  copyStrided: 2,
  where: 4,
  gather: 6,
  indexSelect: 6,
  argmax: 4,
  logsumexp: 4,
  variance: 5,
  im2col: 2,
  softmax: 6,
};

/**
 * The fields of a normalization kernel's plain-object argument (`BatchNormRefs`) that it writes
 * whole without reading, by the op it runs (argument 0): the forward pass writes the output and
 * the statistics, the backward pass dx and the parameters' gradients.
 */
const WRITES_FIELDS: Readonly<Record<string, readonly string[]>> = {
  batchNorm: ["out", "mean", "variance"],
  layerNorm: ["out", "mean", "variance"],
  batchNormGrad: ["out", "dweight", "dbias"],
  layerNormGrad: ["out", "dweight", "dbias"],
};

/** The buffer an argument refers to: a DataRef itself or a strided view's. */
export function refOf(arg: unknown): DataRef | null {
  if (typeof arg !== "object" || arg === null) return null;
  const candidate = arg as { size?: unknown; dtype?: unknown; ref?: unknown };
  if (typeof candidate.size === "number" && typeof candidate.dtype === "string") return arg as DataRef;
  if (typeof candidate.ref === "object" && candidate.ref !== null) return refOf(candidate.ref);
  return null;
}

/** Whether `arg` is a plain object (not a DataRef, a strided view or an array): a `BatchNormRefs`. */
function isRecord(arg: unknown): arg is Record<string, unknown> {
  if (typeof arg !== "object" || arg === null || refOf(arg) !== null) return false;
  const proto = Object.getPrototypeOf(arg) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Every buffer a kernel argument refers to, with the field it sits in: the argument's own
 * (a DataRef or a strided view, field null) or those in the fields of a plain-object argument
 * (`BatchNormRefs`, whose null fields are skipped).
 */
export function refsIn(arg: unknown): { readonly ref: DataRef; readonly field: string | null }[] {
  const ref = refOf(arg);
  if (ref !== null) return [{ ref, field: null }];
  if (!isRecord(arg)) return [];
  const found: { ref: DataRef; field: string }[] = [];
  for (const [field, value] of Object.entries(arg)) {
    const inner = refOf(value);
    if (inner !== null) found.push({ ref: inner, field });
  }
  return found;
}

/** Every buffer a kernel call's arguments refer to, once per mention. */
export function kernelRefs(args: readonly unknown[]): DataRef[] {
  return args.flatMap((arg) => refsIn(arg).map((found) => found.ref));
}

/**
 * Offsets for every buffer of `plan` and the `extra` ones from outside, starting at `base`.
 * `spans`: runs of nodes [start, end) that execute together (a fused group, block by block): a
 * buffer used anywhere in one is alive across all of it, so no two of its buffers share space.
 */
export function planLayout(plan: Plan, base: number, extra: readonly DataRef[] = [], spans: readonly { readonly start: number; readonly end: number }[] = []): Layout {
  const spanOf = new Map<number, { readonly start: number; readonly end: number }>();
  for (const span of spans) for (let at = span.start; at < span.end; at++) spanOf.set(at, span);
  const first = new Map<DataRef, number>();
  const last = new Map<DataRef, number>();
  const shareable = new Set<DataRef>();
  const exposed = new Set<DataRef>();
  const see = (ref: DataRef, at: number): void => {
    const span = spanOf.get(at);
    if (!first.has(ref)) first.set(ref, span?.start ?? at);
    last.set(ref, Math.max(last.get(ref) ?? 0, span === undefined ? at : span.end - 1));
  };
  plan.nodes.forEach((node, at) => {
    switch (node.kind) {
      case "kernel": {
        const outAt = WRITES_ALL[node.name];
        const writtenFields = WRITES_FIELDS[node.args[0] as string] ?? [];
        const mentions = kernelRefs(node.args);
        node.args.forEach((arg, position) => {
          for (const { ref, field } of refsIn(arg)) {
            const writesAll = field === null ? position === outAt : (node.name === "batchNorm" || node.name === "layerNorm") && writtenFields.includes(field);
            if (!first.has(ref) && writesAll && mentions.filter((other) => other === ref).length === 1) shareable.add(ref);
            see(ref, at);
          }
        });
        break;
      }
      case "values":
        see(node.ref, at);
        shareable.add(node.ref);
        see(node.source, at);
        exposed.add(node.source);
        break;
      case "random":
        if (!first.has(node.ref)) shareable.add(node.ref);
        see(node.ref, at);
        break;
      case "grads":
        for (const grad of node.grads) (see(grad.storage.ref, at), exposed.add(grad.storage.ref));
        break;
      case "host":
        break;
    }
  });
  for (const ref of plan.inputs) if (ref !== null) (see(ref, 0), exposed.add(ref));
  for (const view of plan.outputs) (see(view.ref, plan.nodes.length), exposed.add(view.ref));
  // buffers a replayed host call works on in place (an optimizer's momentum)
  for (const ref of extra) if (!first.has(ref)) see(ref, plan.nodes.length);
  for (const ref of first.keys()) if (!plan.owned.has(ref)) exposed.add(ref);

  const offsets = new Map<DataRef, number>();
  let top = Math.ceil(base / ALIGN) * ALIGN;
  const place = (bytes: number): number => ((top += bytes), top - bytes);
  for (const ref of first.keys()) if (exposed.has(ref) || !shareable.has(ref)) offsets.set(ref, place(bytesOf(ref)));
  // intermediates in order of first use; a block is free again after its last use
  const intermediates = [...first.keys()].filter((ref) => !offsets.has(ref));
  const free: { offset: number; bytes: number }[] = [];
  const live: { ref: DataRef; offset: number; bytes: number }[] = [];
  for (const ref of intermediates) {
    const start = first.get(ref)!;
    for (let i = live.length - 1; i >= 0; i--) {
      if (last.get(live[i]!.ref)! < start) free.push(...live.splice(i, 1));
    }
    const bytes = bytesOf(ref);
    let best = -1;
    for (let i = 0; i < free.length; i++) if (free[i]!.bytes >= bytes && (best < 0 || free[i]!.bytes < free[best]!.bytes)) best = i;
    const block = best >= 0 ? free.splice(best, 1)[0]! : { offset: place(bytes), bytes };
    offsets.set(ref, block.offset);
    live.push({ ref, offset: block.offset, bytes: block.bytes });
  }
  return { offsets, exposed: [...exposed], bytes: top };
}
