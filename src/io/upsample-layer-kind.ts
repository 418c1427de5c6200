// nn.Upsample in a config.json: PyTorch's torch.nn.Upsample, its scale_factor scaleFactor and
// align_corners alignCorners; size and scaleFactor one number for every spatial dim or one per dim.
import { checkInterpolateMode, checkResizeArguments, interpolatedSize, INTERPOLATE_MODES, type InterpolateMode } from "../nn/functional/interpolate.js";
import { Upsample } from "../nn/upsample.js";
import { MAX_FIELD } from "./layer-fields.js";
import type { LayerFields } from "./layer-fields.js";
import type { LayerKind } from "./layer-kind.js";

/** The Upsample layer of a {@link LayerSpec}. */
export type UpsampleLayerSpec = { type: "upsample"; size: number | number[] | null; scaleFactor: number | number[] | null; mode: InterpolateMode; alignCorners: boolean | null };

/** The largest scale factor a config may ask for (the sample-size bound catches what it makes). */
const MAX_SCALE = 1 << 16;

/** A number, or a list of 1 or 2 of them, each checked by `fine`. */
function sizes(f: LayerFields, field: string, fine: (v: unknown) => boolean, what: string): number | number[] | null {
  return f.nullable(field, null, () => {
    const value = f.raw(field);
    const list = typeof value === "number" ? [value] : Array.isArray(value) ? value : null;
    if (list === null || list.length < 1 || list.length > 2 || !list.every(fine)) f.fail(field, `must be ${what}, or a list of 1 or 2 of them, got ${JSON.stringify(value)}`);
    return Array.isArray(value) ? [...(value as number[])] : (value as number);
  });
}

function label(s: UpsampleLayerSpec): string {
  const what = s.scaleFactor !== null ? `scaleFactor=${JSON.stringify(s.scaleFactor)}` : `size=${JSON.stringify(s.size)}`;
  return `Upsample(${what}, mode="${s.mode}"${s.alignCorners === null ? "" : `, alignCorners=${s.alignCorners}`})`;
}

export const UPSAMPLE_LAYER_KIND: LayerKind<UpsampleLayerSpec> = {
  type: "upsample",
  module: Upsample,
  read: (f) => {
    const size = sizes(f, "size", (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= MAX_FIELD, `an integer in [1, ${MAX_FIELD}]`);
    const scaleFactor = sizes(f, "scaleFactor", (v) => typeof v === "number" && Number.isFinite(v) && v > 0 && v <= MAX_SCALE, `a number in (0, ${MAX_SCALE}]`);
    const mode = f.oneOf("mode", INTERPOLATE_MODES, "nearest");
    const alignCorners = f.nullable("alignCorners", null, () => f.bool("alignCorners", false));
    try {
      checkResizeArguments("upsample", size, scaleFactor, null);
      checkInterpolateMode("upsample", mode, alignCorners, null);
    } catch (error) {
      f.fail(null, (error as Error).message.replace(/^upsample: /, ""));
    }
    return { type: "upsample", size, scaleFactor, mode, alignCorners };
  },
  build: (s) => new Upsample({ size: s.size, scaleFactor: s.scaleFactor, mode: s.mode, alignCorners: s.alignCorners }),
  describe: (m) => {
    const up = m as Upsample;
    const list = (v: number | readonly number[] | null) => (v === null || typeof v === "number" ? v : [...v]);
    return { type: "upsample", size: list(up.size), scaleFactor: list(up.scaleFactor), mode: up.mode, alignCorners: up.alignCorners };
  },
  state: () => ({}),
  output: (s, input, fail) => {
    // a sample is [C, L] or [C, H, W]: the batch dim makes it 3-D or 4-D
    try {
      if (input.length !== 2 && input.length !== 3) throw new Error(`expects samples [C, L] or [C, H, W], got [${input.join(", ")}]`);
      checkInterpolateMode(label(s), s.mode, s.alignCorners, input.length + 1);
      return [input[0]!, ...interpolatedSize(label(s), input.slice(1), s).out];
    } catch (error) {
      return fail((error as Error).message.replace(`${label(s)}: `, ""));
    }
  },
  label,
};
