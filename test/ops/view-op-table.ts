/**
 * The fixture of PyTorch-made values for the view, joining, indexing and masking ops
 * (test/fixtures/views.json, written by scripts/fixtures/make_view_fixtures.py) and, one line
 * per op, how nabla computes the same op.
 */
import { readFileSync } from "node:fs";
import { cat, diag, meshgrid, oneHot, pad, stack, where, type DType, type IndexItem, type PadMode, type Tensor } from "../../src/index.js";
import { rebuild, type FixtureTensor } from "./op-table.js";

/** Op arguments exactly as the Python script passed them to PyTorch. */
export interface ViewArgs {
  shape?: number[];
  dim?: number;
  dims?: number[];
  sizes?: number[];
  start?: number;
  end?: number;
  step?: number;
  length?: number;
  at?: number;
  items?: IndexItem[];
  offset?: number;
  dim1?: number;
  dim2?: number;
  indexing?: "ij" | "xy";
  source?: number | number[];
  destination?: number | number[];
  /** Extras that are bool masks (indexAdvanced). */
  masks?: number[];
  splitSize?: number | number[];
  chunks?: number;
  part?: number;
  shifts?: number | number[];
  diagonal?: number;
  pad?: number[];
  mode?: PadMode;
  value?: number;
  other?: number;
  numClasses?: number;
}

export interface ViewCase {
  name: string;
  op: string;
  args: ViewArgs;
  inputs: FixtureTensor[];
  /** Inputs without a gradient: indices, conditions, masks. */
  extras: FixtureTensor[];
  out: FixtureTensor;
  weight?: FixtureTensor;
  grads?: FixtureTensor[];
}

type ViewFn = (t: Tensor[], e: Tensor[], a: ViewArgs) => Tensor;

const dimOf = (a: ViewArgs): number => a.dim!;

/** nabla's side of every case: `t` the differentiable inputs, `e` the extras. */
export const VIEW_OPS: Record<string, ViewFn> = {
  view: (t, _, a) => t[0]!.view(a.shape!),
  reshapeCopy: (t, _, a) => t[0]!.transpose(0, 1).reshape(a.shape!),
  unflatten: (t, _, a) => t[0]!.unflatten(dimOf(a), a.sizes!),
  narrow: (t, _, a) => t[0]!.narrow(dimOf(a), a.start!, a.length!),
  select: (t, _, a) => t[0]!.select(dimOf(a), a.at!),
  slice: (t, _, a) => t[0]!.slice(dimOf(a), a.start ?? null, a.end ?? null, a.step ?? 1),
  index: (t, _, a) => t[0]!.index(...a.items!),
  indexAdvanced: (t, e, a) => t[0]!.index(...(a.items as unknown[]).map((item) => (item !== null && typeof item === "object" && "extra" in item ? e[(item as { extra: number }).extra]! : item)) as IndexItem[]),
  cat: (t, _, a) => cat(t, a.dim),
  stack: (t, _, a) => stack(t, a.dim),
  split: (t, _, a) => t[0]!.split(a.splitSize!, a.dim)[a.part!]!,
  chunk: (t, _, a) => t[0]!.chunk(a.chunks!, a.dim)[a.part!]!,
  unbind: (t, _, a) => t[0]!.unbind(a.dim)[a.part!]!,
  flip: (t, _, a) => t[0]!.flip(a.dims!),
  roll: (t, _, a) => t[0]!.roll(a.shifts!, a.dims ?? (a.dim as number | undefined)),
  repeat: (t, _, a) => t[0]!.repeat(a.sizes!),
  tile: (t, _, a) => t[0]!.tile(a.sizes!),
  tril: (t, _, a) => t[0]!.tril(a.diagonal),
  triu: (t, _, a) => t[0]!.triu(a.diagonal),
  pad: (t, _, a) => pad(t[0]!, a.pad!, a.mode, a.value),
  where: (t, e, a) => where(e[0]!, t[0]!, t[1] ?? a.other!),
  maskedFill: (t, e, a) => t[0]!.maskedFill(e[0]!, a.value!),
  oneHot: (_, e, a) => oneHot(e[0]!, a.numClasses),
  indexSelect: (t, e, a) => t[0]!.indexSelect(dimOf(a), e[0]!),
  gather: (t, e, a) => t[0]!.gather(dimOf(a), e[0]!),
  scatter: (t, e, a) => t[0]!.scatter(dimOf(a), e[0]!, t[1]!),
  scatterValue: (t, e, a) => t[0]!.scatter(dimOf(a), e[0]!, a.value!),
  scatterAdd: (t, e, a) => t[0]!.scatterAdd(dimOf(a), e[0]!, t[1]!),
  permuteContiguous: (t, _, a) => t[0]!.permute(a.dims!).contiguous(),
  movedim: (t, _, a) => t[0]!.movedim(a.source!, a.destination!),
  diagonal: (t, _, a) => t[0]!.diagonal(a.offset ?? 0, a.dim1 ?? 0, a.dim2 ?? 1),
  diag: (t, _, a) => diag(t[0]!, a.offset ?? 0),
  trace: (t) => t[0]!.trace(),
  meshgrid: (t, _, a) => stack(meshgrid(t, { indexing: a.indexing })),
};

export const VIEW_CASES: ViewCase[] = (JSON.parse(readFileSync(new URL("../fixtures/views.json", import.meta.url), "utf8")) as { cases: ViewCase[] }).cases;

/** Runs `c` in nabla: the differentiable inputs and the output. */
export function runViewCase(c: ViewCase, dtype: DType): { leaves: Tensor[]; extras: Tensor[]; out: Tensor } {
  const leaves = c.inputs.map((x) => rebuild(x, dtype, true));
  // conditions and masks are bool, indices int32 (float indices are covered by ops.json's gather)
  const extras = c.extras.map((x, i) => rebuild(x, c.op === "where" || c.op === "maskedFill" || c.args.masks?.includes(i) === true ? "bool" : "int32"));
  const run = VIEW_OPS[c.op];
  if (run === undefined) throw new Error(`no nabla op for fixture op ${c.op}`);
  return { leaves, extras, out: run(leaves, extras, c.args) };
}
