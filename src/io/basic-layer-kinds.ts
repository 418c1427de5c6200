// The layers of multilayer perceptrons in a config.json: linear, the activations, dropout, flatten,
// identity, softmax and logSoftmax.
import { Dropout } from "../nn/dropout.js";
import { Flatten } from "../nn/flatten.js";
import { Identity } from "../nn/identity.js";
import { Linear } from "../nn/linear.js";
import { LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from "../nn/activations.js";
import { kind, plainKind, resolveDim, type LayerKind } from "./layer-kind.js";
import type { LayerSpec } from "./layer-spec.js";

/** The MLP layers of a {@link LayerSpec}: `linear`, the activations, `dropout`, `flatten`, `identity`, `softmax`, `logSoftmax`. */
export type BasicLayerSpec =
  | { type: "linear"; inFeatures: number; outFeatures: number; bias: boolean }
  | { type: "relu" }
  | { type: "tanh" }
  | { type: "sigmoid" }
  | { type: "dropout"; p: number }
  | { type: "flatten"; startDim: number; endDim: number }
  | { type: "identity" }
  | { type: "softmax"; dim: number }
  | { type: "logSoftmax"; dim: number };

type Spec<T extends BasicLayerSpec["type"]> = Extract<BasicLayerSpec, { type: T }>;

const linear: LayerKind<Spec<"linear">> = {
  type: "linear",
  module: Linear,
  read: (f) => ({ type: "linear", inFeatures: f.int("inFeatures", 1), outFeatures: f.int("outFeatures", 1), bias: f.bool("bias", true) }),
  build: (s) => new Linear(s.inFeatures, s.outFeatures, { bias: s.bias }),
  describe: (m) => {
    const l = m as Linear;
    return { type: "linear", inFeatures: l.inFeatures, outFeatures: l.outFeatures, bias: l.bias !== null };
  },
  state: (s): Record<string, number[]> => (s.bias ? { weight: [s.outFeatures, s.inFeatures], bias: [s.outFeatures] } : { weight: [s.outFeatures, s.inFeatures] }),
  output: (s, input, fail) => {
    if (input.length < 1 || input.at(-1) !== s.inFeatures) fail(`expects ${s.inFeatures} input features in the last dim, got a sample of shape [${input.join(", ")}]`);
    return [...input.slice(0, -1), s.outFeatures];
  },
  label: (s) => `Linear(${s.inFeatures}, ${s.outFeatures})`,
};

const dropout: LayerKind<Spec<"dropout">> = {
  type: "dropout",
  module: Dropout,
  read: (f) => ({ type: "dropout", p: f.number("p", 0.5, 0, 1) }),
  build: (s) => new Dropout(s.p),
  describe: (m) => ({ type: "dropout", p: (m as Dropout).p }),
  state: () => ({}),
  output: (_s, input) => [...input],
  label: (s) => `Dropout(${s.p})`,
};

const flatten: LayerKind<Spec<"flatten">> = {
  type: "flatten",
  module: Flatten,
  read: (f) => ({ type: "flatten", startDim: f.int("startDim", -64, 1, 64), endDim: f.int("endDim", -64, -1, 64) }),
  build: (s) => new Flatten(s.startDim, s.endDim),
  describe: (m) => ({ type: "flatten", startDim: (m as Flatten).startDim, endDim: (m as Flatten).endDim }),
  state: () => ({}),
  output: (s, input, fail) => {
    const rank = input.length + 1;
    const start = resolveDim(s.startDim, rank, "startDim", fail);
    const end = resolveDim(s.endDim, rank, "endDim", fail);
    if (start === 0) fail(`startDim ${s.startDim} would merge the batch dim`);
    if (start > end) fail(`startDim ${s.startDim} comes after endDim ${s.endDim}`);
    const sample = [0, ...input];
    return [...sample.slice(1, start), sample.slice(start, end + 1).reduce((a, b) => a * b, 1), ...sample.slice(end + 1)];
  },
  label: (s) => `Flatten(${s.startDim}, ${s.endDim})`,
};

function softmaxKind<T extends "softmax" | "logSoftmax">(type: T, module: typeof Softmax | typeof LogSoftmax): LayerKind<{ type: T; dim: number }> {
  return {
    type,
    module,
    read: (f) => ({ type, dim: f.int("dim", -64, undefined, 64) }),
    build: (s) => new module(s.dim),
    describe: (m) => ({ type, dim: (m as Softmax).dim }),
    state: () => ({}),
    output: (s, input, fail) => (resolveDim(s.dim, input.length + 1, "dim", fail), [...input]),
    label: (s) => `${module.name}(${s.dim})`,
  };
}

export const BASIC_LAYER_KINDS = [
  kind(linear),
  kind(plainKind("relu", ReLU, "ReLU")),
  kind(plainKind("tanh", Tanh, "Tanh")),
  kind(plainKind("sigmoid", Sigmoid, "Sigmoid")),
  kind(dropout),
  kind(flatten),
  kind(plainKind("identity", Identity, "Identity")),
  kind(softmaxKind("softmax", Softmax)),
  kind(softmaxKind("logSoftmax", LogSoftmax)),
];
