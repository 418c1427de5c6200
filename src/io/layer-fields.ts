// Reading one layer of a config.json's architecture: a stranger's data, so every field is checked
// (type, range, count) and an error names the field's path ("architecture[2].kernelSize"). Missing
// optional fields take PyTorch's defaults; a field the layer does not have is an error (a typo
// would otherwise silently become the default).

/** The largest size, channel count, stride … a layer field may hold (sizes beyond it are not a model's). */
export const MAX_FIELD = 1 << 24;

export class LayerFields {
  private readonly seen = new Set<string>(["type"]);

  constructor(
    private readonly spec: Record<string, unknown>,
    /** The layer's path in errors: "architecture[2] (conv2d)". */
    readonly where: string,
  ) {}

  fail(field: string | null, why: string): never {
    throw new Error(`${this.where}${field === null ? "" : `.${field}`}: ${why}`);
  }

  /** The field's raw value (undefined when absent), for fields of more than one type. */
  raw(field: string): unknown {
    return this.value(field);
  }

  private value(field: string): unknown {
    this.seen.add(field);
    return Object.hasOwn(this.spec, field) ? this.spec[field] : undefined;
  }

  /** An integer in [min, MAX_FIELD] (or [min, max]); `fallback` when absent (undefined: required). */
  int(field: string, min: number, fallback?: number, max = MAX_FIELD): number {
    const value = this.value(field);
    if (value === undefined && fallback !== undefined) return fallback;
    if (value === undefined) this.fail(field, `is required (an integer ≥ ${min})`);
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) this.fail(field, `must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`);
    return value as number;
  }

  /** One integer per axis: a number (the same on every axis) or a list of `count`. */
  ints(field: string, count: number, min: number, fallback?: number): number[] {
    const value = this.value(field);
    if (value === undefined && fallback !== undefined) return new Array<number>(count).fill(fallback);
    if (value === undefined) this.fail(field, `is required (an integer ≥ ${min}, or ${count} of them)`);
    const list = typeof value === "number" ? new Array<number>(count).fill(value) : value;
    if (!Array.isArray(list) || list.length !== count || !list.every((v) => Number.isInteger(v) && v >= min && v <= MAX_FIELD)) {
      this.fail(field, `must be an integer in [${min}, ${MAX_FIELD}] or a list of ${count} of them, got ${JSON.stringify(value)}`);
    }
    return list as number[];
  }

  /** A list of 1 to `maxLength` integers ≥ 1 (a normalized shape), or one integer. */
  shape(field: string, maxLength = 8): number[] {
    const value = this.value(field);
    const list = typeof value === "number" ? [value] : value;
    if (!Array.isArray(list) || list.length < 1 || list.length > maxLength || !list.every((v) => Number.isInteger(v) && v >= 1 && v <= MAX_FIELD)) {
      this.fail(field, `must be an integer ≥ 1 or a list of 1 to ${maxLength} of them, got ${JSON.stringify(value)}`);
    }
    return list as number[];
  }

  bool(field: string, fallback: boolean): boolean {
    const value = this.value(field);
    if (value === undefined) return fallback;
    if (typeof value !== "boolean") this.fail(field, `must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }

  /** A finite number in [min, max] (max exclusive when `openMax`). */
  number(field: string, fallback: number | undefined, min: number, max: number, openMax = false): number {
    const value = this.value(field);
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max || (openMax && value === max)) {
      this.fail(field, `must be a number in [${min}, ${max}${openMax ? ")" : "]"}, got ${JSON.stringify(value)}`);
    }
    return value;
  }

  /** A number in (0, bound] for eps-like fields. */
  positive(field: string, fallback: number, bound = 1): number {
    const value = this.number(field, fallback, 0, bound);
    if (!(value > 0)) this.fail(field, `must be positive, got ${value}`);
    return value;
  }

  /** One of `choices`. */
  oneOf<T extends string>(field: string, choices: readonly T[], fallback: T): T {
    const value = this.value(field);
    if (value === undefined) return fallback;
    if (!(choices as readonly unknown[]).includes(value)) this.fail(field, `must be one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, got ${JSON.stringify(value)}`);
    return value as T;
  }

  /** A field that may also be null (momentum, divisorOverride …): null, absent (fallback) or read by `read`. */
  nullable<T>(field: string, fallback: T | null, read: () => T): T | null {
    const value = this.value(field);
    if (value === undefined) return fallback;
    if (value === null) return null;
    return read();
  }

  /** Throws on a field no reader asked for. */
  done(): void {
    const unknown = Object.keys(this.spec).filter((key) => !this.seen.has(key));
    if (unknown.length > 0) this.fail(unknown[0]!, `is not a field of ${String(this.spec.type)} (it has ${[...this.seen].filter((f) => f !== "type").join(", ") || "no fields"})`);
  }
}
