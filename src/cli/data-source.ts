/** Where `train` and `eval` get their data: a built-in generator, a CSV file or an IDX directory. */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { data, tensor, type Tensor } from "../index.js";
import { fail } from "./user-error.js";

export const BUILT_IN = ["moons", "circles", "xor", "spiral", "blobs"] as const;
export type BuiltIn = (typeof BUILT_IN)[number];

export interface DataRequest {
  /** A built-in name, a CSV file or an IDX directory. */
  data: string;
  samples?: number;
  noise?: number;
  classes?: number;
  seed: number;
  /** CSV label column (name or 0-based index). */
  label?: string;
  /** For IDX directories: the training files or the t10k test files. */
  split: "train" | "test";
  /** A saved model's classes (eval): a CSV's label names are matched to these, not sorted afresh. */
  classNames?: readonly string[];
}

export interface LoadedData {
  x: Tensor;
  /** Class indices [n]. */
  y: Tensor;
  classNames: string[];
  featureNames?: string[];
  inputShape: number[];
  labelColumn?: string;
  /** One line for the user: "moons (500 samples, noise 0.2, seed 0)". */
  description: string;
  /** What to record in config.json so `eval` can make the same kind of data again. */
  record: Record<string, string | number>;
  /** Whether per-feature standardisation helps (not for images already scaled to [0, 1]). */
  standardize: boolean;
  /** IDX data read from the t10k test files (not the training files). */
  testFiles?: boolean;
  /** For images (IDX data): one sample's shape [C, H, W]; `x` holds them flattened, one row each. */
  imageShape?: number[];
}

/** Where Debian's dataset-fashion-mnist package puts the files (`--data fashion-mnist`). */
export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
/** `--data fashion-mnist:DIR` and `mnist:DIR` name an IDX directory and its class names. */
const IDX_PREFIXES = ["fashion-mnist", "mnist"] as const;

const FASHION_MNIST = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

function builtIn(name: BuiltIn, request: DataRequest): LoadedData {
  const nSamples = request.samples ?? 500;
  const seed = request.seed;
  const classes = request.classes ?? 3;
  if ((name === "moons" || name === "circles" || name === "xor") && request.classes !== undefined && request.classes !== 2) {
    fail(`--classes ${request.classes}: ${name} always has 2 classes (spiral and blobs take --classes)`);
  }
  const generated = {
    moons: () => ({ ...data.makeMoons({ nSamples, noise: request.noise ?? 0.2, seed }), names: ["upper", "lower"], noise: request.noise ?? 0.2 }),
    circles: () => ({ ...data.makeCircles({ nSamples, noise: request.noise ?? 0.1, factor: 0.5, seed }), names: ["outer", "inner"], noise: request.noise ?? 0.1 }),
    xor: () => ({ ...data.makeXor({ nSamples, noise: request.noise ?? 0.05, seed }), names: ["same sign", "opposite sign"], noise: request.noise ?? 0.05 }),
    spiral: () => ({ ...data.makeSpiral({ nSamples, nClasses: classes, noise: request.noise ?? 0.2, seed }), names: Array.from({ length: classes }, (_, k) => `arm ${k}`), noise: request.noise ?? 0.2 }),
    blobs: () => ({ ...data.makeBlobs({ nSamples, centers: classes, clusterStd: request.noise ?? 1, seed }), names: Array.from({ length: classes }, (_, k) => `cloud ${k}`), noise: request.noise ?? 1 }),
  }[name]();
  if (nSamples < generated.names.length) fail(`--samples ${nSamples} is fewer than the ${generated.names.length} classes of ${name}`);
  const extra = name === "spiral" || name === "blobs" ? `, ${classes} classes` : "";
  return {
    x: generated.x,
    y: generated.y,
    classNames: generated.names,
    featureNames: ["x1", "x2"],
    inputShape: [2],
    description: `${name} (${nSamples} samples${extra}, noise ${generated.noise}, seed ${seed})`,
    record: { data: name, samples: nSamples, noise: generated.noise, ...(extra === "" ? {} : { classes }), seed },
    standardize: true,
  };
}

/** Checks labels are class indices 0…K−1 and returns K. */
function classCount(y: Tensor, source: string, column: string): number {
  let max = -1;
  y.toTypedArray().forEach((label, row) => {
    if (!Number.isInteger(label) || label < 0) fail(`${source}: label column "${column}" holds ${label} on data row ${row + 1}; labels must be class indices 0, 1, 2 …`);
    max = Math.max(max, label);
  });
  if (max < 1) fail(`${source}: label column "${column}" holds only one class (${max}); classification needs at least two`);
  const present = new Set(y.toTypedArray());
  if (present.size < max + 1) {
    // e.g. 255 among 0/1 (a missing-value code) would silently make a 256-class model
    const shown = [...present].sort((a, b) => a - b);
    const list = shown.length <= 12 ? shown.join(", ") : `${shown.slice(0, 10).join(", ")} … ${shown.at(-1)}`;
    process.stderr.write(`warning: ${source}: label column "${column}" holds the classes ${list}; ${max + 1 - present.size} of the classes 0…${max} have no samples, but the model gets ${max + 1} outputs\n`);
  }
  return max + 1;
}

/** Without a header the first row would silently become column names: refuse a numeric header. */
export function checkHeader(columns: readonly string[], source: string): void {
  if (columns.every((name) => name.trim() !== "" && Number.isFinite(Number(name)))) {
    fail(`${source}: the first line (${columns.join(",")}) looks like data; the CSV needs a header line naming the columns`);
  }
}

function csvFile(path: string, request: DataRequest): LoadedData {
  const label = request.label ?? "label";
  const labelColumn = /^\d+$/.test(label) ? Number(label) : label;
  let loaded: ReturnType<typeof data.loadCsv> & { y: Tensor };
  try {
    loaded = data.loadCsv(path, { labelColumn });
  } catch (error) {
    const message = (error as Error).message;
    if (request.label === undefined && message.includes("unknown label column")) fail(`${message} (name the label column with --label)`);
    throw error;
  }
  const { x, y, columns } = loaded;
  checkHeader([...columns, String(label)], path);
  if (x.shape[0] === 0) fail(`${path}: no data rows after the header`);
  const rows = request.samples === undefined ? x.shape[0]! : Math.min(request.samples, x.shape[0]!);
  const [xs, ys] = rows === x.shape[0] ? [x, y] : [firstRows(x, rows), firstRows(y, rows)];
  const labelName = typeof labelColumn === "number" ? `column ${labelColumn}` : labelColumn;
  const named = loaded.classNames === undefined ? null : namedLabels(ys, loaded.classNames, request.classNames, path, labelName);
  const k = named === null ? classCount(ys, path, labelName) : named.classNames.length;
  return {
    x: xs,
    y: named === null ? ys : named.y,
    classNames: named === null ? Array.from({ length: k }, (_, c) => String(c)) : named.classNames,
    featureNames: columns,
    inputShape: [columns.length],
    labelColumn: String(label),
    description: `${basename(path)} (${rows} rows, ${columns.length} features, label "${labelName}")`,
    record: { data: path, label: String(label) },
    standardize: true,
  };
}

/**
 * Text labels: the file's sorted names are the classes, or, for a saved model (eval), the
 * model's own classes, so a test file lacking one class still maps each name to its output.
 */
function namedLabels(y: Tensor, names: readonly string[], modelNames: readonly string[] | undefined, source: string, column: string): { y: Tensor; classNames: string[] } {
  if (modelNames === undefined) {
    if (names.length < 2) fail(`${source}: label column "${column}" holds only one class (${names[0]}); classification needs at least two`);
    return { y, classNames: [...names] };
  }
  const unknown = names.filter((name) => !modelNames.includes(name));
  if (unknown.length > 0) fail(`${source}: label column "${column}" holds ${unknown.map((n) => JSON.stringify(n)).join(", ")}, not among the model's classes (${modelNames.join(", ")})`);
  const indices = Array.from(y.toTypedArray(), (i) => modelNames.indexOf(names[i]!));
  return { y: tensor(indices, { dtype: y.dtype }), classNames: [...modelNames] };
}

function firstRows(t: Tensor, rows: number): Tensor {
  const width = t.size / t.shape[0]!;
  return tensor(t.to("float64").toTypedArray().slice(0, rows * width) as Float64Array, { shape: [rows, ...t.shape.slice(1)], dtype: t.dtype });
}

function findIdx(dir: string, prefix: string, kind: "images" | "labels"): string | null {
  const pattern = new RegExp(`^${prefix}-${kind}-idx[13]-ubyte(\\.gz)?$`);
  const name = readdirSync(dir).find((file) => pattern.test(file));
  return name === undefined ? null : join(dir, name);
}

function idxDirectory(dir: string, request: DataRequest, named?: (typeof IDX_PREFIXES)[number]): LoadedData {
  const prefix = request.split === "test" && findIdx(dir, "t10k", "images") !== null ? "t10k" : "train";
  const imagesPath = findIdx(dir, prefix, "images");
  const labelsPath = findIdx(dir, prefix, "labels");
  if (imagesPath === null || labelsPath === null) fail(`${dir} is a directory but holds no IDX data (expected ${prefix}-images-idx3-ubyte[.gz] and ${prefix}-labels-idx1-ubyte[.gz])`);
  let images = data.loadIdx(imagesPath);
  let labels = data.loadIdx(labelsPath);
  if (images.shape[0] !== labels.shape[0]) fail(`${dir}: ${images.shape[0]} images but ${labels.shape[0]} labels`);
  if (request.samples !== undefined && request.samples < images.shape[0]!) [images, labels] = [firstRows(images, request.samples), firstRows(labels, request.samples)];
  const n = images.shape[0]!;
  const features = images.size / n;
  const k = classCount(labels, labelsPath, "labels");
  if (named !== undefined && k !== 10) fail(`${dir}: ${named} has 10 classes, but ${labelsPath} holds ${k}`);
  const fashion = named === undefined ? /fashion/i.test(dir) && k === 10 : named === "fashion-mnist";
  return {
    x: images.reshape([n, features]).div(255),
    testFiles: prefix === "t10k",
    // [N, H, W] files hold one-channel images
    ...(images.shape.length === 3 ? { imageShape: [1, images.shape[1]!, images.shape[2]!] } : {}),
    y: labels,
    classNames: fashion ? FASHION_MNIST : Array.from({ length: k }, (_, c) => String(c)),
    inputShape: [features],
    description: `${basename(imagesPath)} (${n} images of ${images.shape.slice(1).join("×")}, ${k} classes)`,
    record: { data: named === undefined ? dir : `${named}:${dir}` },
    // Pixels scaled to [0, 1] are fine as they are; border pixels with std ≈ 0 would blow up.
    standardize: false,
  };
}

/**
 * Loads the data `request.data` names. Not a built-in name, a file or a directory → one-line
 * error listing what it could be.
 */
export function loadData(request: DataRequest): LoadedData {
  if ((BUILT_IN as readonly string[]).includes(request.data)) return builtIn(request.data as BuiltIn, request);
  const prefix = IDX_PREFIXES.find((name) => request.data === name || request.data.startsWith(`${name}:`));
  if (prefix !== undefined) {
    const dir = request.data === prefix ? (prefix === "fashion-mnist" ? FASHION_MNIST_DIR : "") : request.data.slice(prefix.length + 1);
    if (dir === "") fail(`--data ${prefix} needs a directory: --data ${prefix}:DIR (a directory of IDX files)`);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) fail(`--data ${request.data}: ${dir} is not a directory${prefix === "fashion-mnist" && dir === FASHION_MNIST_DIR ? " (install the Debian package dataset-fashion-mnist, or give --data fashion-mnist:DIR)" : ""}`);
    return idxDirectory(dir, request, prefix);
  }
  if (!existsSync(request.data)) {
    fail(`unknown data ${JSON.stringify(request.data)}: not a built-in dataset (${BUILT_IN.join(", ")}) nor an existing CSV file or IDX directory`);
  }
  return statSync(request.data).isDirectory() ? idxDirectory(request.data, request) : csvFile(request.data, request);
}
