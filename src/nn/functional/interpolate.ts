/**
 * Resizing [N, C, L] and [N, C, H, W] inputs: PyTorch's `F.interpolate` (and `nn.Upsample`).
 * Nearest and linear resizing are built from `indexSelect`, `mul` and `add`, one spatial dim
 * at a time (the width first, as PyTorch's kernel nests them), so their gradients come from
 * those ops; "area" is adaptive average pooling.
 */
import { onBackend } from "../../ops/operand.js";
import { tensor } from "../../tensor/creation.js";
import { formatShape } from "../../tensor/shape.js";
import { checkElementCount } from "../../tensor/size-limit.js";
import type { Tensor } from "../../tensor/tensor.js";
import { adaptiveAvgPool2d } from "./pooling.js";

/** @internal The resizing modes, for checking options and config files. */
export const INTERPOLATE_MODES = ["nearest", "nearest-exact", "linear", "bilinear", "area"] as const;
/** A resizing mode: PyTorch's, less "bicubic" and "trilinear" ("linear" resizes [N, C, L], "bilinear" [N, C, H, W]). */
export type InterpolateMode = "nearest" | "nearest-exact" | "linear" | "bilinear" | "area";

/** Options of {@link interpolate}, as PyTorch's `F.interpolate`: exactly one of `size` and `scaleFactor`. */
export interface InterpolateOptions {
  /** The output's spatial size: one number for every spatial dim, or one per dim. */
  size?: number | readonly number[] | null;
  /** Multiplies each spatial size (rounded down): one number, or one per dim. */
  scaleFactor?: number | readonly number[] | null;
  /** "nearest" (default), "nearest-exact", "linear" (3-D input), "bilinear" (4-D) or "area". */
  mode?: InterpolateMode;
  /** Linear modes only: map the corner pixels' centres onto each other (default false). */
  alignCorners?: boolean | null;
}

/**
 * Checks `size` and `scaleFactor`: exactly one given, sizes integers ≥ 1, factors finite and
 * positive, one number or one per spatial dim (`spatial`, where the input is known).
 */
export function checkResizeArguments(op: string, size: InterpolateOptions["size"], scaleFactor: InterpolateOptions["scaleFactor"], spatial: number | null): void {
  if ((size ?? null) === null && (scaleFactor ?? null) === null) throw new Error(`${op}: give one of size and scaleFactor, got neither`);
  if ((size ?? null) !== null && (scaleFactor ?? null) !== null) throw new Error(`${op}: give only one of size and scaleFactor, got both`);
  const [name, value] = (size ?? null) !== null ? (["size", size] as const) : (["scaleFactor", scaleFactor] as const);
  const values = typeof value === "number" ? [value] : Array.isArray(value) ? (value as unknown[]) : null;
  if (values === null || values.length === 0 || (spatial !== null && typeof value !== "number" && values.length !== spatial)) {
    throw new Error(`${op}: ${name} must be a number or ${spatial ?? "a list with one"} of them (one per spatial dim${spatial === null ? "" : " of the input"}), got ${JSON.stringify(value)}`);
  }
  const fine = name === "size" ? values.every((v) => Number.isInteger(v) && (v as number) >= 1) : values.every((v) => typeof v === "number" && Number.isFinite(v) && v > 0);
  if (!fine) throw new Error(`${op}: ${name} must hold ${name === "size" ? "integers ≥ 1" : "finite numbers > 0"}, got ${JSON.stringify(value)}`);
}

/** The spatial output size `options` give an input of spatial size `sizes`, and the scale factors the kernels use (PyTorch's `_interp_output_size`). */
export function interpolatedSize(op: string, sizes: readonly number[], options: InterpolateOptions): { out: number[]; scales: (number | null)[] } {
  const { size = null, scaleFactor = null } = options;
  checkResizeArguments(op, size, scaleFactor, sizes.length);
  const perDim = (value: number | readonly number[]): number[] => (typeof value === "number" ? sizes.map(() => value) : [...value]);
  if (size !== null) return { out: perDim(size), scales: sizes.map(() => null) };
  const scales = perDim(scaleFactor!);
  const out = sizes.map((s, i) => Math.floor(s * scales[i]!));
  if (out.some((v) => v < 1)) throw new Error(`${op}: scaleFactor ${JSON.stringify(scaleFactor)} makes an empty output from spatial size [${sizes.join(", ")}]: [${out.join(", ")}]`);
  return { out, scales };
}

/** Checks the mode against the input's rank and alignCorners against the mode. */
export function checkInterpolateMode(op: string, mode: unknown, alignCorners: unknown, rank: number | null): InterpolateMode {
  if (!(INTERPOLATE_MODES as readonly unknown[]).includes(mode)) throw new Error(`${op}: mode must be one of ${INTERPOLATE_MODES.map((m) => `"${m}"`).join(", ")}, got ${JSON.stringify(mode)}`);
  const linear = mode === "linear" || mode === "bilinear";
  if (alignCorners !== null && alignCorners !== undefined && (!linear || typeof alignCorners !== "boolean")) {
    throw new Error(`${op}: alignCorners ${linear ? "must be a boolean" : `applies only to the linear modes ("linear", "bilinear"), not "${mode as string}"`}, got ${JSON.stringify(alignCorners)}`);
  }
  if (rank !== null && ((mode === "linear" && rank !== 3) || (mode === "bilinear" && rank !== 4))) throw new Error(`${op}: mode "${mode as string}" needs a ${mode === "linear" ? 3 : 4}-D input, got ${rank}-D`);
  return mode as InterpolateMode;
}

/** Rounds to float32 where the input is float32: PyTorch computes the source positions in the input's type. */
function rounder(dtype: string): (v: number) => number {
  return dtype === "float64" ? (v) => v : Math.fround;
}

/** Source index of each output position, nearest (PyTorch's nearest_idx) or nearest-exact, in the input's type. */
function nearestIndices(input: number, output: number, scaleFactor: number | null, exact: boolean, round: (v: number) => number): number[] {
  const scale = scaleFactor !== null ? round(1 / scaleFactor) : round(input / output);
  return Array.from({ length: output }, (_, o) => {
    if (output === input) return o;
    if (!exact && output === 2 * input) return o >> 1;
    const source = Math.floor(round((exact ? o + 0.5 : o) * scale));
    return Math.min(source, input - 1);
  });
}

/** The two source indices and weights of each output position of a linear resize (PyTorch's compute_source_index_and_lambda). */
function linearTaps(input: number, output: number, scaleFactor: number | null, alignCorners: boolean, round: (v: number) => number): { i0: number[]; i1: number[]; w0: number[]; w1: number[] } {
  const scale = alignCorners ? (output > 1 ? round(round(input - 1) / (output - 1)) : 0) : scaleFactor !== null ? round(1 / scaleFactor) : round(input / output);
  const taps = { i0: [] as number[], i1: [] as number[], w0: [] as number[], w1: [] as number[] };
  for (let o = 0; o < output; o++) {
    let i0 = o, w1 = 0;
    if (output !== input) {
      const source = alignCorners ? round(scale * o) : Math.max(round(round(scale * round(o + 0.5)) - 0.5), 0);
      i0 = Math.trunc(source);
      w1 = Math.min(Math.max(round(source - i0), 0), 1);
    }
    taps.i0.push(i0);
    taps.i1.push(i0 + (i0 < input - 1 && output !== input ? 1 : 0));
    taps.w0.push(round(1 - w1));
    taps.w1.push(w1);
  }
  return taps;
}

/** `x` resized along `dim` to `output` positions: nearest (one gather) or linear (two, weighted). */
function alongDim(x: Tensor, dim: number, output: number, scaleFactor: number | null, mode: InterpolateMode, alignCorners: boolean): Tensor {
  const input = x.shape[dim]!;
  const index = (values: number[]): Tensor => onBackend(tensor(values, { dtype: "int32" }), x.backend);
  if (mode === "nearest" || mode === "nearest-exact") return x.indexSelect(dim, index(nearestIndices(input, output, scaleFactor, mode === "nearest-exact", rounder(x.dtype))));
  const { i0, i1, w0, w1 } = linearTaps(input, output, scaleFactor, alignCorners, rounder(x.dtype));
  const trailing = new Array<number>(x.ndim - dim - 1).fill(1);
  const weight = (values: number[]): Tensor => onBackend(tensor(values, { dtype: x.dtype, shape: [output, ...trailing] }), x.backend);
  return x.indexSelect(dim, index(i0)).mul(weight(w0)).add(x.indexSelect(dim, index(i1)).mul(weight(w1)));
}

/**
 * Resizes the spatial dims of `input` ([N, C, L] or [N, C, H, W]) to `size`, or by
 * `scaleFactor`, as PyTorch's `F.interpolate`: "nearest" takes the pixel at ⌊o · in/out⌋,
 * "nearest-exact" at ⌊(o + ½) · in/out⌋, "linear" / "bilinear" weigh the two (four) pixels
 * around each output position's source (pixel centres aligned unless `alignCorners`), and
 * "area" averages windows (adaptive average pooling). With `scaleFactor`, the output size is
 * ⌊in · scaleFactor⌋ and the source positions use 1 / scaleFactor, as in PyTorch. Values and
 * gradients match PyTorch's (float32 up to rounding).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const x = tensor([[[[1, 2], [3, 4]]]]);
 * console.log(nn.functional.interpolate(x, { scaleFactor: 2 }).toArray()[0][0][1]); // [1, 1, 2, 2]
 * console.log(nn.functional.interpolate(x, { size: 3, mode: "bilinear", alignCorners: true }).toArray()[0][0][1]); // [2, 2.5, 3]
 * ```
 */
export function interpolate(input: Tensor, options: InterpolateOptions = {}): Tensor {
  const op = "interpolate";
  if (input.ndim !== 3 && input.ndim !== 4) throw new Error(`${op}: expected input [N, C, L] or [N, C, H, W], got ${formatShape(input.shape)} (only 1-D and 2-D resizing)`);
  const mode = checkInterpolateMode(op, options.mode ?? "nearest", options.alignCorners, input.ndim);
  if (input.dtype !== "float32" && input.dtype !== "float64") throw new Error(`${op}: expected a floating-point input, got ${input.dtype}`);
  const sizes = input.shape.slice(2);
  if (sizes.some((s) => s === 0)) throw new Error(`${op}: input ${formatShape(input.shape)} has an empty spatial dim`);
  const { out, scales } = interpolatedSize(op, sizes, options);
  checkElementCount(op, [...input.shape.slice(0, 2), ...out]);
  if (mode === "area") {
    if (input.ndim === 4) return adaptiveAvgPool2d(input, [out[0]!, out[1]!]);
    return adaptiveAvgPool2d(input.unsqueeze(2), [1, out[0]!]).squeeze(2);
  }
  // the innermost dim first, as PyTorch's separable kernel nests its sums
  let y = input;
  for (let d = sizes.length - 1; d >= 0; d--) y = alongDim(y, d + 2, out[d]!, scales[d]!, mode, options.alignCorners === true);
  return y;
}
