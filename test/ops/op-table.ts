/**
 * The fixture of PyTorch-made values (test/fixtures/ops.json, written by
 * scripts/fixtures/make_op_fixtures.py) and, one line per op, how nabla computes the same op.
 */
import { readFileSync } from "node:fs";
import { tensor, type DType, type Tensor } from "../../src/index.js";

export interface FixtureTensor {
  shape: number[];
  data: number[];
}

/** Op arguments exactly as the Python script passed them to PyTorch. */
export interface OpArgs {
  other?: number;
  dim?: number | number[];
  keepdim?: boolean;
  shape?: number[];
  dim0?: number;
  dim1?: number;
  dims?: number[];
  min?: number;
  max?: number;
  startDim?: number;
  endDim?: number;
}

export interface OpCase {
  name: string;
  op: string;
  args: OpArgs;
  inputs: FixtureTensor[];
  /** gather's index: not differentiable, so not one of `inputs`. */
  index?: FixtureTensor;
  out: FixtureTensor;
  /** The weights of the loss sum(out * weight) whose gradients `grads` holds. */
  weight?: FixtureTensor;
  grads?: FixtureTensor[];
  /** false: the inputs sit on a kink (ties of max), where finite differences do not apply. */
  smooth?: false;
}

type OpFn = (t: Tensor[], a: OpArgs) => Tensor;

const single = (dim: number | number[] | undefined): number => {
  if (typeof dim !== "number") throw new Error(`expected a single dim, got ${JSON.stringify(dim)}`);
  return dim;
};
const second = (t: Tensor[], a: OpArgs): Tensor | number => t[1] ?? a.other!;

/** nabla's side of every case; `t` = the inputs (then gather's index). */
export const NABLA_OPS: Record<string, OpFn> = {
  add: (t, a) => t[0]!.add(second(t, a)),
  sub: (t, a) => t[0]!.sub(second(t, a)),
  mul: (t, a) => t[0]!.mul(second(t, a)),
  div: (t, a) => t[0]!.div(second(t, a)),
  pow: (t, a) => t[0]!.pow(second(t, a)),
  maximum: (t) => t[0]!.maximum(t[1]!),
  minimum: (t) => t[0]!.minimum(t[1]!),
  neg: (t) => t[0]!.neg(),
  exp: (t) => t[0]!.exp(),
  log: (t) => t[0]!.log(),
  sqrt: (t) => t[0]!.sqrt(),
  abs: (t) => t[0]!.abs(),
  relu: (t) => t[0]!.relu(),
  sigmoid: (t) => t[0]!.sigmoid(),
  tanh: (t) => t[0]!.tanh(),
  softmax: (t, a) => t[0]!.softmax(single(a.dim)),
  logSoftmax: (t, a) => t[0]!.logSoftmax(single(a.dim)),
  matmul: (t) => t[0]!.matmul(t[1]!),
  sum: (t, a) => t[0]!.sum(a.dim, a.keepdim),
  mean: (t, a) => t[0]!.mean(a.dim, a.keepdim),
  max: (t, a) => (a.dim === undefined ? t[0]!.max() : t[0]!.max(single(a.dim), a.keepdim).values),
  argmax: (t, a) => t[0]!.argmax(a.dim === undefined ? undefined : single(a.dim), a.keepdim),
  reshape: (t, a) => t[0]!.reshape(a.shape!),
  transpose: (t, a) => t[0]!.transpose(a.dim0!, a.dim1!),
  permute: (t, a) => t[0]!.permute(a.dims!),
  unsqueeze: (t, a) => t[0]!.unsqueeze(single(a.dim)),
  squeeze: (t, a) => t[0]!.squeeze(a.dim === undefined ? undefined : single(a.dim)),
  clamp: (t, a) => t[0]!.clamp(a.min, a.max),
  gather: (t, a) => t[0]!.gather(single(a.dim), t[1]!),
  min: (t, a) => (a.dim === undefined ? t[0]!.min() : t[0]!.min(single(a.dim), a.keepdim).values),
  square: (t) => t[0]!.square(),
  t: (t) => t[0]!.t(),
  expand: (t, a) => t[0]!.expand(a.shape!),
  flatten: (t, a) => t[0]!.flatten(a.startDim, a.endDim),
  gt: (t, a) => t[0]!.gt(second(t, a)),
  ge: (t, a) => t[0]!.ge(second(t, a)),
  lt: (t, a) => t[0]!.lt(second(t, a)),
  le: (t, a) => t[0]!.le(second(t, a)),
  eq: (t, a) => t[0]!.eq(second(t, a)),
};

/** Ops whose output carries no gradient. */
export const NOT_DIFFERENTIABLE = new Set(["argmax", "gt", "ge", "lt", "le", "eq"]);

export const CASES: OpCase[] = (JSON.parse(readFileSync(new URL("../fixtures/ops.json", import.meta.url), "utf8")) as { cases: OpCase[] }).cases;

export function rebuild(value: FixtureTensor, dtype: DType, requiresGrad = false): Tensor {
  return tensor(value.data, { shape: value.shape, dtype, requiresGrad });
}

/** Runs `c` in nabla: returns the differentiable inputs and the inputs passed to the op. */
export function inputsOf(c: OpCase, dtype: DType): { leaves: Tensor[]; args: Tensor[] } {
  const leaves = c.inputs.map((x) => rebuild(x, dtype, true));
  return { leaves, args: c.index === undefined ? leaves : [...leaves, rebuild(c.index, dtype)] };
}
