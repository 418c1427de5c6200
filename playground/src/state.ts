/**
 * The whole page state, and its round trip through the URL hash so a setup can be shared:
 * `#view=train&data=spiral&layers=8,8&act=tanh…`. Unknown or malformed values fall back to the
 * defaults instead of breaking the page.
 */
export type ViewName = "train" | "logistic" | "softmax" | "backprop" | "jacobian";
export type DatasetName = "clouds" | "kclouds" | "circle" | "xor" | "moons" | "spiral" | "custom";
export type ActivationName = "relu" | "tanh" | "sigmoid" | "linear";
export type OptimizerName = "sgd" | "momentum" | "adam";
export type RegularizationName = "none" | "l1" | "l2";
/**
 * nabla backend the page computes on; "auto" lets nabla pick (WASM where the engine runs it);
 * "webgpu" trains in the worker on the GPU while the page draws on WASM.
 */
export type BackendChoice = "auto" | "wasm" | "js" | "webgpu";
export const FEATURE_NAMES = ["x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** One labelled point on the plane. */
export interface Point {
  x: number;
  y: number;
  label: number;
}

export interface State {
  view: ViewName;
  data: DatasetName;
  classes: number;
  noise: number;
  points: number;
  trainRatio: number;
  seed: number;
  /** Points the user clicked onto the plane (or loaded from CSV for `data=custom`). */
  extra: Point[];
  features: FeatureName[];
  layers: number[];
  activation: ActivationName;
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  regularization: RegularizationName;
  regularizationRate: number;
  discretize: boolean;
  backend: BackendChoice;
  /** Training steps per animation frame; 0 trains for a fixed slice of each frame (fastest). */
  speed: number;
  /** The class a click on the plane adds. */
  paintClass: number;
  /** What the backprop view draws: the typed expression or the network on one training point. */
  graphSource: "expression" | "network";
  graphPoint: number;
  expression: string;
  variables: string;
  logits: string;
}

export const DEFAULT_STATE: Readonly<State> = {
  view: "train",
  data: "clouds",
  classes: 3,
  noise: 0.2,
  points: 500,
  trainRatio: 0.5,
  seed: 1,
  extra: [],
  features: ["x1", "x2"],
  layers: [4, 2],
  activation: "tanh",
  optimizer: "adam",
  learningRate: 0.03,
  batchSize: 10,
  regularization: "none",
  regularizationRate: 0.001,
  discretize: false,
  speed: 0,
  backend: "auto",
  paintClass: 0,
  graphSource: "expression",
  graphPoint: 0,
  expression: "(x + y) * z",
  variables: "x=-2, y=5, z=-4",
  logits: "1000, 0, -1000",
};

const VIEWS: readonly ViewName[] = ["train", "logistic", "softmax", "backprop", "jacobian"];
const DATASETS: readonly DatasetName[] = ["clouds", "kclouds", "circle", "xor", "moons", "spiral", "custom"];
const ACTIVATIONS: readonly ActivationName[] = ["relu", "tanh", "sigmoid", "linear"];
const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "momentum", "adam"];
const REGULARIZATIONS: readonly RegularizationName[] = ["none", "l1", "l2"];
const BACKENDS: readonly BackendChoice[] = ["auto", "wasm", "js", "webgpu"];

/** The number of classes the current data has (K clouds may have 2–5; the rest have 2). */
export function classCount(state: State): number {
  if (state.data === "kclouds") return state.classes;
  if (state.data === "custom") return Math.max(2, ...state.extra.map((p) => p.label + 1));
  return 2;
}

function pick<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

function number(value: string | null, fallback: number, min: number, max: number, integer = false): number {
  if (value === null || value.trim() === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) return fallback;
  const clamped = Math.min(max, Math.max(min, parsed));
  return integer ? Math.round(clamped) : clamped;
}

function encodePoints(points: readonly Point[]): string {
  return points.map((p) => `${+p.x.toFixed(3)},${+p.y.toFixed(3)},${p.label}`).join(";");
}

function decodePoints(text: string | null): Point[] {
  if (text === null || text === "") return [];
  const points: Point[] = [];
  for (const item of text.split(";")) {
    const [x, y, label] = item.split(",").map(Number);
    if (Number.isFinite(x) && Number.isFinite(y) && Number.isInteger(label) && label! >= 0 && label! < 5) {
      points.push({ x: x!, y: y!, label: label! });
    }
  }
  return points;
}

/** The state as a URL hash (without the leading `#`). */
export function encodeState(state: State): string {
  const params = new URLSearchParams();
  params.set("view", state.view);
  params.set("data", state.data);
  params.set("classes", String(state.classes));
  params.set("noise", String(state.noise));
  params.set("points", String(state.points));
  params.set("train", String(state.trainRatio));
  params.set("seed", String(state.seed));
  params.set("features", state.features.join(","));
  params.set("layers", state.layers.join(","));
  params.set("act", state.activation);
  params.set("opt", state.optimizer);
  params.set("lr", String(state.learningRate));
  params.set("batch", String(state.batchSize));
  params.set("reg", state.regularization);
  params.set("regRate", String(state.regularizationRate));
  params.set("discretize", state.discretize ? "1" : "0");
  params.set("speed", String(state.speed));
  params.set("backend", state.backend);
  params.set("paint", String(state.paintClass));
  params.set("graph", state.graphSource);
  params.set("graphPoint", String(state.graphPoint));
  params.set("expr", state.expression);
  params.set("vars", state.variables);
  params.set("logits", state.logits);
  if (state.extra.length > 0) params.set("pts", encodePoints(state.extra));
  return params.toString();
}

/** Parses a URL hash (with or without `#`); anything missing or invalid takes its default. */
export function decodeState(hash: string): State {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const d = DEFAULT_STATE;
  const features = (params.get("features") ?? d.features.join(","))
    .split(",")
    .filter((f): f is FeatureName => (FEATURE_NAMES as readonly string[]).includes(f));
  const layersText = params.get("layers");
  const layers = layersText === null ? [...d.layers] : layersText === "" ? [] : layersText.split(",").map((n) => number(n, 4, 1, 16, true)).slice(0, 6);
  return {
    view: pick(params.get("view"), VIEWS, d.view),
    data: pick(params.get("data"), DATASETS, d.data),
    classes: number(params.get("classes"), d.classes, 2, 5, true),
    noise: number(params.get("noise"), d.noise, 0, 1),
    points: number(params.get("points"), d.points, 10, 2000, true),
    trainRatio: number(params.get("train"), d.trainRatio, 0.1, 0.9),
    seed: number(params.get("seed"), d.seed, 0, 2 ** 31, true),
    extra: decodePoints(params.get("pts")),
    features: features.length > 0 ? features : [...d.features],
    layers,
    activation: pick(params.get("act"), ACTIVATIONS, d.activation),
    optimizer: pick(params.get("opt"), OPTIMIZERS, d.optimizer),
    learningRate: number(params.get("lr"), d.learningRate, 1e-5, 10),
    batchSize: number(params.get("batch"), d.batchSize, 1, 1000, true),
    regularization: pick(params.get("reg"), REGULARIZATIONS, d.regularization),
    regularizationRate: number(params.get("regRate"), d.regularizationRate, 0, 1),
    discretize: params.get("discretize") === "1",
    speed: number(params.get("speed"), d.speed, 0, 100, true),
    backend: pick(params.get("backend"), BACKENDS, d.backend),
    paintClass: number(params.get("paint"), d.paintClass, 0, 4, true),
    graphSource: pick(params.get("graph"), ["expression", "network"] as const, d.graphSource),
    graphPoint: number(params.get("graphPoint"), d.graphPoint, 0, 100_000, true),
    expression: params.get("expr") ?? d.expression,
    variables: params.get("vars") ?? d.variables,
    logits: params.get("logits") ?? d.logits,
  };
}
