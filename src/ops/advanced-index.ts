/**
 * PyTorch's advanced indexing: the part of `x[...]` that picks entries by integer tensors (or
 * arrays) and bool masks, which copies where basic indexing makes a view. It is a composite:
 * basic indexing first (with each advanced item kept as a full slice), then the indexed dims
 * flattened into one and picked with `indexSelect`, so the gradient is indexSelect's (a
 * scatter-add: an entry picked twice gets both gradients).
 */
import { Tensor, type NestedArray } from "../tensor/tensor.js";
import { flattenNested, tensor } from "../tensor/creation.js";
import { broadcastShapes, formatShape, sizeOf } from "../tensor/shape.js";
import { checkValuesOnHost, onBackend } from "./operand.js";

/** An item of `index()` that is advanced: a tensor, or nested arrays of integers or booleans. */
export type AdvancedItem = Tensor | NestedArray[];

/** Whether an item of `index()` is advanced (a tensor or an array). */
export function isAdvanced(item: unknown): item is AdvancedItem {
  return item instanceof Tensor || Array.isArray(item);
}

/** Basic indexing with the items given: the caller's (ops/slicing.ts), passed in so the two modules do not import each other. */
type BasicIndex = (x: Tensor, items: readonly unknown[]) => Tensor;

/** One advanced item, resolved: where it sits among the items and the dims it covers, and its int32 index or a mask's true positions. */
interface Advanced {
  position: number;
  /** The first of the view's dims it covers (after basic indexing), and the same in x. */
  viewDim: number;
  dim: number;
  /** An index: int32 on x's backend, entries possibly negative. */
  index?: Tensor;
  /** A mask: its shape and its true entries' coordinates, int32 [count, ndim] on x's backend. */
  mask?: { shape: readonly number[]; positions: Tensor };
}

/** `item` as an int32 index or a mask on `like`'s backend; a mask given as arrays is read where it is, on the host. */
function resolve(op: string, item: AdvancedItem, position: number, like: Tensor): Pick<Advanced, "index" | "mask"> {
  if (!(item instanceof Tensor)) {
    // arrays are on the host whatever the backend: their values are checked here
    let flat: ReturnType<typeof flattenNested>;
    try {
      flat = flattenNested(item);
    } catch (error) {
      throw new Error(`${op}: the ${holdsBooleans(item) ? "bool " : ""}array at position ${position} is ragged or mixed (${(error as Error).message.replace(/^tensor: /, "")})`);
    }
    const { values, shape, booleans } = flat;
    if (booleans) return { mask: { shape, positions: onBackend(positionsOf(values, shape), like.backend) } };
    const bad = values.findIndex((v) => !Number.isInteger(v));
    if (bad >= 0) throw new Error(`${op}: the array at position ${position} holds ${values[bad]} at ${bad}, not an integer`);
    const huge = values.findIndex((v) => Math.abs(v) >= 2 ** 31);
    if (huge >= 0) throw new Error(`${op}: the array at position ${position} holds ${values[huge]} at ${huge}, beyond any dim's size`);
    return { index: onBackend(tensor(Int32Array.from(values), { shape, dtype: "int32" }), like.backend) };
  }
  const t = item.detach();
  if (t.dtype === "bool") {
    if (t.ndim === 0) throw new Error(`${op}: the 0-d bool tensor at position ${position} is not supported; use unsqueeze(0) (true) or a slice "0:0" (false)`);
    return { mask: { shape: t.shape, positions: nonzero(onBackend(t, like.backend)) } };
  }
  if (t.dtype !== "int32") throw new Error(`${op}: the tensor at position ${position} is ${t.dtype}; tensors used as indices must be int32 or bool (convert with .to("int32"))`);
  // an int32 tensor holds integers
  return { index: onBackend(t, like.backend) };
}

/** Whether nested arrays hold booleans at their first leaf (for an error's wording). */
function holdsBooleans(item: NestedArray[]): boolean {
  let node: NestedArray = item;
  while (Array.isArray(node) && node.length > 0) node = node[0]!;
  return typeof node === "boolean";
}

/** The coordinates of the nonzero entries of row-major `values` of `shape`: int32 [count, ndim]. */
function positionsOf(values: ArrayLike<number>, shape: readonly number[]): Tensor {
  const strides = shape.map((_, d) => sizeOf(shape.slice(d + 1)));
  const out: number[] = [];
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === 0) continue;
    count++;
    for (let d = 0; d < shape.length; d++) out.push(Math.floor(i / strides[d]!) % shape[d]!);
  }
  return tensor(Int32Array.from(out), { shape: [count, shape.length], dtype: "int32" });
}

/**
 * Backs {@link Tensor.nonzero}: the positions of the nonzero (for bool, true) entries, one row
 * of `ndim` coordinates each in row-major order, as an int32 tensor of shape [count, ndim]
 * (NaN counts as nonzero, as in PyTorch). The count depends on the values, so they are read at
 * once: a backend that reads asynchronously (WebGPU) cannot run it, nor can a compiled trace.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * console.log(tensor([[0, 2], [3, 0]]).nonzero().toArray()); // [[0, 1], [1, 0]]
 * ```
 */
export function nonzero(x: Tensor): Tensor {
  if (!x.backend.readsSynchronously) {
    throw new Error(`nonzero: the ${x.backend.name} backend reads tensor data asynchronously and the result's size depends on the values; read them first (await t.data()) and build the positions from them`);
  }
  return onBackend(positionsOf(x.backend.read(x.dataRef()), x.shape), x.backend);
}

/**
 * `index` with negative entries counted from the end of a dim of `size`, after a check (where
 * the values are at hand) that each is in [−size, size). Always as ops, so a compiled replay
 * with other values wraps them too.
 */
function wrapped(op: string, index: Tensor, size: number, dim: number, shape: readonly number[]): Tensor {
  checkValuesOnHost(index, (values) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < -size || v >= size) throw new Error(`${op}: index ${v} is out of range for dim ${dim} of size ${size} in ${formatShape(shape)} (expected an integer in [${-size}, ${size - 1}])`);
    }
  });
  return index.add(index.lt(0).to("int32").mul(size));
}

/** @internal What an index's items select in `x`: the basic view, its indexed dims with their int32 indices (wrapped), their broadcast shape, and the view's other dims. */
export interface ResolvedIndex {
  view: Tensor;
  dims: number[];
  indices: Tensor[];
  shape: number[];
  rest: number[];
}

/** @internal Resolves `items` (with at least one advanced) against `x` for `op` (index, indexPut_): see {@link advancedIndex} for the rules. */
export function resolveIndex(op: string, x: Tensor, items: readonly unknown[], basic: BasicIndex): ResolvedIndex {
  const resolvedItems = items.map((item, position) => (isAdvanced(item) ? resolve(op, item, position, x) : null));
  // dims of x the items use: a mask its own number, an index, an integer or a slice one
  const consumed = items.reduce<number>((n, item, i) => n + (resolvedItems[i] !== null ? (resolvedItems[i]!.mask?.shape.length ?? 1) : typeof item === "number" || (item !== null && item !== "..." && item !== undefined) ? 1 : 0), 0);
  const basicItems: unknown[] = [];
  const advanced: Advanced[] = [];
  let viewDim = 0;
  let dim = 0;
  items.forEach((item, position) => {
    const resolved = resolvedItems[position];
    if (resolved !== null && resolved !== undefined) {
      const covers = resolved.mask?.shape.length ?? 1;
      advanced.push({ ...resolved, position, viewDim, dim });
      for (let k = 0; k < covers; k++) basicItems.push({});
      viewDim += covers;
      dim += covers;
    } else {
      basicItems.push(item);
      if (item === null) viewDim++;
      else if (item === "...") {
        viewDim += Math.max(0, x.ndim - consumed);
        dim += Math.max(0, x.ndim - consumed);
      } else if (typeof item === "number") dim++;
      else {
        viewDim++;
        dim++;
      }
    }
  });
  const view = basic(x, basicItems);
  // each indexed dim of the view with its int32 index (a mask gives one per dim it covers)
  const dims: number[] = [];
  const indices: Tensor[] = [];
  for (const { index, mask, position, viewDim: at, dim: xDim } of advanced) {
    if (mask !== undefined) {
      const covered = view.shape.slice(at, at + mask.shape.length);
      if (mask.shape.length > covered.length || covered.some((size, k) => size !== mask.shape[k])) {
        throw new Error(`${op}: the bool mask ${formatShape(mask.shape)} at position ${position} does not match the indexed tensor ${formatShape(x.shape)} at its dims ${xDim}–${xDim + mask.shape.length - 1} ${formatShape(covered)}`);
      }
      for (let k = 0; k < mask.shape.length; k++) {
        dims.push(at + k);
        indices.push(mask.positions.select(1, k));
      }
    } else {
      dims.push(at);
      indices.push(wrapped(op, index!, view.shape[at]!, xDim, x.shape));
    }
  }
  const shape = indices.reduce<number[]>((s, t) => broadcastShapes(op, s, t.shape), []);
  const rest = view.shape.map((_, d) => d).filter((d) => !dims.includes(d));
  return { view, dims, indices, shape, rest };
}

/**
 * Backs {@link Tensor.index} when an item is advanced, with PyTorch's rules: integers and
 * slices apply first; the index tensors (a bool mask of k dims stands for the k index tensors
 * of its true entries' coordinates) broadcast together to a shape S, and the result has S in
 * place of the indexed dims where those are adjacent, else S first.
 */
export function advancedIndex(x: Tensor, items: readonly unknown[], basic: BasicIndex): Tensor {
  const { view, dims, indices, shape, rest } = resolveIndex("index", x, items, basic);
  if (dims.length === 1) {
    const d = dims[0]!;
    const picked = view.indexSelect(d, indices[0]!.reshape([indices[0]!.size]));
    return picked.reshape([...view.shape.slice(0, d), ...indices[0]!.shape, ...view.shape.slice(d + 1)]);
  }
  // the indexed dims first and flattened into one, picked by their row-major offset
  const sizes = dims.map((d) => view.shape[d]!);
  const flat = view.permute([...dims, ...rest]).reshape([sizeOf(sizes), ...rest.map((d) => view.shape[d]!)]);
  let offset: Tensor | null = null;
  for (let k = 0; k < dims.length; k++) {
    const term = indices[k]!.expand(shape).mul(sizeOf(sizes.slice(k + 1)));
    offset = offset === null ? term : offset.add(term);
  }
  return inIndexLayout(flat.indexSelect(0, offset!.reshape([sizeOf(shape)])).reshape([...shape, ...rest.map((d) => view.shape[d]!)]), dims, shape.length, rest.length);
}

/**
 * @internal `t`, laid out [S…, the view's other dims…] (S the indices' broadcast shape, of
 * `broadcastDims` dims), in index()'s layout: where the indexed `dims` are adjacent, S goes in
 * their place; else it stays first.
 */
export function inIndexLayout(t: Tensor, dims: readonly number[], broadcastDims: number, restDims: number): Tensor {
  const adjacent = dims.every((d, k) => d === dims[0]! + k);
  const before = dims[0]!;
  if (!adjacent || before === 0) return t;
  return t.permute([...Array.from({ length: before }, (_, k) => broadcastDims + k), ...Array.from({ length: broadcastDims }, (_, k) => k), ...Array.from({ length: restDims - before }, (_, k) => broadcastDims + before + k)]);
}
