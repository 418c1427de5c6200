// The newer activations, Unflatten and Embedding in a config.json, with PyTorch's names and defaults
// (leakyReLU is torch.nn.LeakyReLU, its negativeSlope negative_slope …).
import { ELU, GELU, Hardtanh, LeakyReLU, LogSigmoid, SiLU, Softplus } from "../nn/activations.js";
import { Embedding } from "../nn/embedding.js";
import { Unflatten } from "../nn/unflatten.js";
import { MAX_FIELD } from "./layer-fields.js";
import { kind, plainKind, resolveDim, type LayerKind } from "./layer-kind.js";
import type { LayerSpec } from "./layer-spec.js";

/** The activation, Unflatten and Embedding layers of a {@link LayerSpec}. */
export type ActivationLayerSpec =
  | { type: "gelu"; approximate: "none" | "tanh" }
  | { type: "silu" }
  | { type: "logSigmoid" }
  | { type: "leakyReLU"; negativeSlope: number }
  | { type: "elu"; alpha: number }
  | { type: "softplus"; beta: number; threshold: number }
  | { type: "hardtanh"; minVal: number; maxVal: number }
  | { type: "unflatten"; dim: number; sizes: number[] }
  | { type: "embedding"; numEmbeddings: number; embeddingDim: number; paddingIdx: number | null };

type Spec<T extends ActivationLayerSpec["type"]> = Extract<ActivationLayerSpec, { type: T }>;

/** Activation settings are ordinary numbers: bounded so a stranger's config stays sensible. */
const SETTING = 1e6;

const same = (_spec: unknown, input: readonly number[]) => [...input];

const gelu: LayerKind<Spec<"gelu">> = {
  type: "gelu",
  module: GELU,
  read: (f) => ({ type: "gelu", approximate: f.oneOf("approximate", ["none", "tanh"] as const, "none") }),
  build: (s) => new GELU({ approximate: s.approximate }),
  describe: (m) => ({ type: "gelu", approximate: (m as GELU).approximate }),
  state: () => ({}),
  output: same,
  label: (s) => `GELU(approximate="${s.approximate}")`,
};

const leakyReLU: LayerKind<Spec<"leakyReLU">> = {
  type: "leakyReLU",
  module: LeakyReLU,
  read: (f) => ({ type: "leakyReLU", negativeSlope: f.number("negativeSlope", 0.01, -SETTING, SETTING) }),
  build: (s) => new LeakyReLU(s.negativeSlope),
  describe: (m) => ({ type: "leakyReLU", negativeSlope: (m as LeakyReLU).negativeSlope }),
  state: () => ({}),
  output: same,
  label: (s) => `LeakyReLU(${s.negativeSlope})`,
};

const elu: LayerKind<Spec<"elu">> = {
  type: "elu",
  module: ELU,
  read: (f) => ({ type: "elu", alpha: f.number("alpha", 1, -SETTING, SETTING) }),
  build: (s) => new ELU(s.alpha),
  describe: (m) => ({ type: "elu", alpha: (m as ELU).alpha }),
  state: () => ({}),
  output: same,
  label: (s) => `ELU(${s.alpha})`,
};

const softplus: LayerKind<Spec<"softplus">> = {
  type: "softplus",
  module: Softplus,
  read: (f) => ({ type: "softplus", beta: f.positive("beta", 1, SETTING), threshold: f.number("threshold", 20, -SETTING, SETTING) }),
  build: (s) => new Softplus({ beta: s.beta, threshold: s.threshold }),
  describe: (m) => ({ type: "softplus", beta: (m as Softplus).beta, threshold: (m as Softplus).threshold }),
  state: () => ({}),
  output: same,
  label: (s) => `Softplus(beta=${s.beta})`,
};

const hardtanh: LayerKind<Spec<"hardtanh">> = {
  type: "hardtanh",
  module: Hardtanh,
  read: (f) => {
    const spec = { type: "hardtanh" as const, minVal: f.number("minVal", -1, -SETTING, SETTING), maxVal: f.number("maxVal", 1, -SETTING, SETTING) };
    if (!(spec.maxVal > spec.minVal)) f.fail("maxVal", `${spec.maxVal} must be greater than minVal (${spec.minVal})`);
    return spec;
  },
  build: (s) => new Hardtanh(s.minVal, s.maxVal),
  describe: (m) => ({ type: "hardtanh", minVal: (m as Hardtanh).minVal, maxVal: (m as Hardtanh).maxVal }),
  state: () => ({}),
  output: same,
  label: (s) => `Hardtanh(${s.minVal}, ${s.maxVal})`,
};

const unflatten: LayerKind<Spec<"unflatten">> = {
  type: "unflatten",
  module: Unflatten,
  read: (f) => {
    const dim = f.int("dim", -64, undefined, 64);
    const sizes = f.raw("sizes");
    if (!Array.isArray(sizes) || sizes.length < 1 || sizes.length > 8 || !sizes.every((s) => Number.isInteger(s) && s >= -1 && s !== 0 && s <= MAX_FIELD) || sizes.filter((s) => s === -1).length > 1) {
      f.fail("sizes", `must be a list of 1 to 8 integers ≥ 1 with at most one -1, got ${JSON.stringify(sizes)}`);
    }
    return { type: "unflatten", dim, sizes: sizes as number[] };
  },
  build: (s) => new Unflatten(s.dim, s.sizes),
  describe: (m) => ({ type: "unflatten", dim: (m as Unflatten).dim, sizes: [...(m as Unflatten).sizes] }),
  state: () => ({}),
  output: (s, input, fail) => {
    const dim = resolveDim(s.dim, input.length + 1, "dim", fail);
    if (dim === 0) fail(`dim ${s.dim} would split the batch dim`);
    const extent = input[dim - 1]!;
    const known = s.sizes.filter((v) => v !== -1).reduce((a, b) => a * b, 1);
    if (s.sizes.includes(-1) ? extent % known !== 0 : known !== extent) fail(`sizes [${s.sizes.join(", ")}] do not multiply to ${extent}, the size of dim ${s.dim} in the sample [${input.join(", ")}]`);
    return [...input.slice(0, dim - 1), ...s.sizes.map((v) => (v === -1 ? extent / known : v)), ...input.slice(dim)];
  },
  label: (s) => `Unflatten(${s.dim}, [${s.sizes.join(", ")}])`,
};

const embedding: LayerKind<Spec<"embedding">> = {
  type: "embedding",
  module: Embedding,
  read: (f) => {
    const numEmbeddings = f.int("numEmbeddings", 1);
    const paddingIdx = f.nullable("paddingIdx", null, () => f.int("paddingIdx", -numEmbeddings, undefined, numEmbeddings - 1));
    return { type: "embedding", numEmbeddings, embeddingDim: f.int("embeddingDim", 1), paddingIdx };
  },
  build: (s) => new Embedding(s.numEmbeddings, s.embeddingDim, { paddingIdx: s.paddingIdx }),
  describe: (m) => {
    const e = m as Embedding;
    return { type: "embedding", numEmbeddings: e.numEmbeddings, embeddingDim: e.embeddingDim, paddingIdx: e.paddingIdx };
  },
  state: (s) => ({ weight: [s.numEmbeddings, s.embeddingDim] }),
  // a sample of indices (any shape) becomes one vector per index
  output: (s, input) => [...input, s.embeddingDim],
  label: (s) => `Embedding(${s.numEmbeddings}, ${s.embeddingDim})`,
};

export const ACTIVATION_LAYER_KINDS = [
  kind(gelu),
  kind(plainKind("silu", SiLU, "SiLU")),
  kind(plainKind("logSigmoid", LogSigmoid, "LogSigmoid")),
  kind(leakyReLU),
  kind(elu),
  kind(softplus),
  kind(hardtanh),
  kind(unflatten),
  kind(embedding),
];
