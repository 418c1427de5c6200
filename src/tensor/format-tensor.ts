/**
 * Tensors as text the way PyTorch prints them (torch/_tensor_str.py): one number format for the
 * whole tensor, columns aligned, large tensors elided with "...", the dtype when it is not the
 * default, then requiresGrad or gradFn.
 */
import type { Tensor } from "./tensor.js";

/** How tensors print; PyTorch's `torch.set_printoptions`, camelCased. */
export interface PrintOptions {
  /** Digits after the decimal point (default 4). */
  precision: number;
  /** More elements than this and the middle of every dimension is elided (default 1000). */
  threshold: number;
  /** Elements kept at each end of an elided dimension (default 3). */
  edgeItems: number;
  /** Characters per line before wrapping (default 80). */
  lineWidth: number;
  /** Force scientific notation on (true) or off (false); undefined picks it per tensor, as PyTorch does. */
  sciMode: boolean | undefined;
}

const DEFAULTS: PrintOptions = { precision: 4, threshold: 1000, edgeItems: 3, lineWidth: 80, sciMode: undefined };
const options: PrintOptions = { ...DEFAULTS };

/**
 * Sets how tensors print (`String(t)`, `console.log(t)`), like `torch.set_printoptions`: only the
 * options given change; `profile: "default"` first restores the defaults ("short": precision 2,
 * edgeItems 2; "full": never elide). Returns the options now in force.
 *
 * @example
 * ```ts
 * import { setPrintOptions, tensor } from "nabla";
 * setPrintOptions({ precision: 2 });
 * console.log(String(tensor([1.23456, 2]))); // tensor([1.23, 2.00])
 * setPrintOptions({ profile: "default" });
 * console.log(String(tensor([1.23456, 2]))); // tensor([1.2346, 2.0000])
 * ```
 */
export function setPrintOptions(changes: Partial<PrintOptions> & { profile?: "default" | "short" | "full" } = {}): PrintOptions {
  const { profile, ...rest } = changes;
  if (profile !== undefined) Object.assign(options, DEFAULTS, profile === "short" ? { precision: 2, edgeItems: 2 } : profile === "full" ? { threshold: Infinity } : {});
  for (const [key, value] of Object.entries(rest)) {
    if (key === "sciMode") {
      if (value !== undefined && typeof value !== "boolean") throw new Error(`setPrintOptions: sciMode must be true, false or undefined, got ${JSON.stringify(value)}`);
    } else if (!(key in DEFAULTS)) {
      throw new Error(`setPrintOptions: unknown option ${JSON.stringify(key)} (known: ${Object.keys(DEFAULTS).join(", ")}, profile)`);
    } else if (typeof value !== "number" || !(value >= 0) || (key !== "threshold" && !Number.isInteger(value))) {
      throw new Error(`setPrintOptions: ${key} must be a non-negative ${key === "threshold" ? "number" : "integer"}, got ${String(value)}`);
    }
  }
  Object.assign(options, rest);
  return { ...options };
}

type Kind = "float" | "int" | "bool";

/** Floats by name; "bool" as True/False; any other dtype (int32, uint8, …) as integers. */
function kindOf(dtype: string): Kind {
  if (/float/.test(dtype)) return "float";
  return dtype === "bool" ? "bool" : "int";
}

/** Python's "{:.Ne}": at least two exponent digits. */
function exponential(value: number, precision: number): string {
  return value.toExponential(precision).replace(/e([+-])(\d)$/, "e$10$2");
}

function nonFinite(value: number): string {
  return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}

/** One number format for a whole tensor, chosen from the values it shows (PyTorch's _Formatter). */
class Formatter {
  private intMode = true;
  private sciMode = false;
  private maxWidth = 1;

  constructor(private readonly kind: Kind, values: readonly number[]) {
    if (kind !== "float") {
      for (const v of values) this.maxWidth = Math.max(this.maxWidth, this.text(v).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length > 0) {
      const magnitudes = finite.map(Math.abs);
      const min = Math.min(...magnitudes);
      const max = Math.max(...magnitudes);
      this.intMode = finite.every((v) => v === Math.ceil(v));
      this.sciMode = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
      for (const v of finite) this.maxWidth = Math.max(this.maxWidth, this.sciMode ? exponential(v, options.precision).length : this.intMode ? v.toFixed(0).length + 1 : v.toFixed(options.precision).length);
    }
    if (options.sciMode !== undefined) this.sciMode = options.sciMode;
  }

  get width(): number {
    return this.maxWidth;
  }

  private text(value: number): string {
    if (this.kind === "bool") return value !== 0 ? "True" : "False";
    if (this.kind === "int") return String(value);
    if (!Number.isFinite(value)) return nonFinite(value);
    if (this.sciMode) return exponential(value, options.precision);
    // a float tensor of whole numbers prints "1." so it still reads as floating point
    return this.intMode ? `${value.toFixed(0)}.` : value.toFixed(options.precision);
  }

  format(value: number): string {
    return this.text(value).padStart(this.maxWidth);
  }
}

/** A strided walk over the flat row-major values of a tensor with this shape. */
interface Block {
  values: ArrayLike<number>;
  shape: readonly number[];
  offset: number;
}

const stride = (shape: readonly number[], dim: number): number => shape.slice(dim + 1).reduce((a, b) => a * b, 1);

/** The indices along the first axis that are shown: all, or edgeItems at each end with null for "...". */
function shownIndices(length: number, summarize: boolean): (number | null)[] {
  const edge = options.edgeItems;
  if (!summarize || length <= 2 * edge) return Array.from({ length }, (_, i) => i);
  return [...Array.from({ length: edge }, (_, i) => i), null, ...Array.from({ length: edge }, (_, i) => length - edge + i)];
}

/** The values that will be printed, so an elided tensor's format depends only on what shows. */
function shownValues(block: Block, summarize: boolean, dim = 0, out: number[] = []): number[] {
  if (dim === block.shape.length) {
    out.push(block.values[block.offset]!);
    return out;
  }
  const step = stride(block.shape, dim);
  for (const i of shownIndices(block.shape[dim]!, summarize)) {
    if (i !== null) shownValues({ ...block, offset: block.offset + i * step }, summarize, dim + 1, out);
  }
  return out;
}

function vectorText(block: Block, indent: number, summarize: boolean, formatter: Formatter): string {
  const elementsPerLine = Math.max(1, Math.floor((options.lineWidth - indent) / (formatter.width + 2)));
  const length = block.shape[block.shape.length - 1]!;
  const data = summarize && options.edgeItems === 0 ? ["..."] : shownIndices(length, summarize).map((i) => (i === null ? " ..." : formatter.format(block.values[block.offset + i]!)));
  const lines: string[] = [];
  for (let i = 0; i < data.length; i += elementsPerLine) lines.push(data.slice(i, i + elementsPerLine).join(", "));
  return `[${lines.join(`,\n${" ".repeat(indent + 1)}`)}]`;
}

function blockText(block: Block, dim: number, indent: number, summarize: boolean, formatter: Formatter): string {
  const rank = block.shape.length - dim;
  if (rank === 0) return formatter.format(block.values[block.offset]!);
  if (rank === 1) return vectorText(block, indent, summarize, formatter);
  const step = stride(block.shape, dim);
  const slices = shownIndices(block.shape[dim]!, summarize).map((i) =>
    i === null ? "..." : blockText({ ...block, offset: block.offset + i * step }, dim + 1, indent + 1, summarize, formatter),
  );
  return `[${slices.join(`,${"\n".repeat(rank - 1)}${" ".repeat(indent + 1)}`)}]`;
}

/** The values of `t` as PyTorch's `_tensor_str` writes them, lines indented by `indent`. */
export function formatValues(values: ArrayLike<number>, shape: readonly number[], dtype: string, indent = 0): string {
  if (values.length === 0) return "[]";
  const summarize = values.length > options.threshold;
  const block: Block = { values, shape, offset: 0 };
  const formatter = new Formatter(kindOf(dtype), shownValues(block, summarize));
  return blockText(block, 0, indent, summarize, formatter);
}

/** `gradFn` "mul" prints as PyTorch's `grad_fn=<MulBackward0>` does, camelCased: `gradFn=<MulBackward>`. */
function gradFnName(name: string): string {
  return `${name.charAt(0).toUpperCase()}${name.slice(1)}Backward`;
}

/**
 * A tensor as PyTorch prints it: `tensor([[1.5000, 2.0000], [3.0000, 4.0000]], requiresGrad=true)`,
 * with the dtype when it is not float32 (nor bool, whose values say so).
 */
export function formatTensorText(t: Tensor): string {
  const prefix = "tensor(";
  const indent = prefix.length;
  const dtype: string = t.dtype;
  const suffixes: string[] = [];
  let body: string;
  if (t.size === 0) {
    if (t.shape.length !== 1) suffixes.push(`size=[${t.shape.join(", ")}]`);
    body = "[]";
  } else body = formatValues(Array.from(t.toTypedArray(), Number), t.shape, dtype, indent);
  if (dtype !== "float32" && dtype !== "bool") suffixes.push(`dtype=${dtype}`);
  if (t.gradFn !== null) suffixes.push(`gradFn=<${gradFnName(t.gradFn.name)}>`);
  else if (t.requiresGrad) suffixes.push("requiresGrad=true");
  // PyTorch's _add_suffixes: a suffix goes on a new line when the last one would grow too long
  let text = prefix + body;
  let lastLine = text.length - text.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLine + suffix.length + 2 > options.lineWidth) {
      text += `,\n${" ".repeat(indent)}${suffix}`;
      lastLine = indent + suffix.length;
    } else {
      text += `, ${suffix}`;
      lastLine += suffix.length + 2;
    }
  }
  return `${text})`;
}

/**
 * Node's `util.inspect.custom` (what `console.log` calls), reached through the global symbol
 * registry so the browser bundle never imports node:util.
 */
export const inspectCustom: unique symbol = Symbol.for("nodejs.util.inspect.custom");
