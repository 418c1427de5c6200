/**
 * The fixture of PyTorch-made reductions and sorts (test/fixtures/reduce.json, written by
 * scripts/fixtures/make_reduce_fixtures.py) and, one line per op, how nabla computes the same.
 */
import { readFileSync } from "node:fs";
import { tensor, type DType, type Tensor } from "../../src/index.js";

export interface FixtureTensor {
  shape: number[];
  /** Numbers; NaN and ±∞ are written "nan", "inf", "-inf". */
  data: (number | string)[];
}

export interface ReduceArgs {
  dim?: number | number[];
  keepdim?: boolean;
  correction?: number;
  p?: number | "inf";
  descending?: boolean;
  k?: number;
  largest?: boolean;
}

export interface ReduceCase {
  name: string;
  op: string;
  args: ReduceArgs;
  input: FixtureTensor;
  out?: FixtureTensor;
  indices?: FixtureTensor;
  weight?: FixtureTensor;
  grad?: FixtureTensor;
  /** false: ties or zeros, where finite differences do not apply. */
  smooth?: false;
}

/** What nabla returns: values (differentiable when the op is) and indices, either may be absent. */
export interface ReduceResult {
  values?: Tensor;
  indices?: Tensor;
}

type ReduceFn = (x: Tensor, a: ReduceArgs) => ReduceResult;

const one = (dim: number | number[] | undefined): number => {
  if (typeof dim !== "number") throw new Error(`expected a single dim, got ${JSON.stringify(dim)}`);
  return dim;
};
const values = (t: Tensor): ReduceResult => ({ values: t });

export const NABLA_REDUCE: Record<string, ReduceFn> = {
  maxDim: (x, a) => x.max(one(a.dim), a.keepdim),
  minDim: (x, a) => x.min(one(a.dim), a.keepdim),
  max: (x) => values(x.max()),
  min: (x) => values(x.min()),
  amax: (x, a) => values(x.amax(a.dim, a.keepdim)),
  amin: (x, a) => values(x.amin(a.dim, a.keepdim)),
  argmin: (x, a) => ({ indices: x.argmin(a.dim === undefined ? undefined : one(a.dim), a.keepdim) }),
  prod: (x, a) => values(x.prod(a.dim, a.keepdim)),
  var: (x, a) => values(x.var(a.dim, { correction: a.correction ?? 1, keepdim: a.keepdim ?? false })),
  std: (x, a) => values(x.std(a.dim, { correction: a.correction ?? 1, keepdim: a.keepdim ?? false })),
  logsumexp: (x, a) => values(x.logsumexp(a.dim, a.keepdim)),
  norm: (x, a) => values(x.norm(a.p === "inf" ? Infinity : a.p, a.dim, a.keepdim)),
  cumsum: (x, a) => values(x.cumsum(one(a.dim))),
  all: (x, a) => values(x.all(a.dim, a.keepdim)),
  any: (x, a) => values(x.any(a.dim, a.keepdim)),
  sort: (x, a) => x.sort(a.dim === undefined ? -1 : one(a.dim), a.descending),
  argsort: (x, a) => ({ indices: x.argsort(a.dim === undefined ? -1 : one(a.dim), a.descending) }),
  topk: (x, a) => x.topk(a.k!, a.dim === undefined ? -1 : one(a.dim), a.largest),
};

export const REDUCE_CASES: ReduceCase[] = (JSON.parse(readFileSync(new URL("../fixtures/reduce.json", import.meta.url), "utf8")) as { cases: ReduceCase[] }).cases;

export function decode(value: FixtureTensor): number[] {
  return value.data.map((v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : (v as number)));
}

export function rebuild(value: FixtureTensor, dtype: DType, requiresGrad = false): Tensor {
  return tensor(decode(value), { shape: value.shape, dtype, requiresGrad });
}
