import type { Tensor } from "../tensor/tensor.js";
import { formatShape } from "../tensor/shape.js";
import { loadIdx } from "./load-idx.js";
import { nodeModule } from "./node-modules.js";

/** One split of MNIST-style data: images [N, 1, 28, 28] float32 in [0, 1], labels [N] int32. */
export interface ImageSplit {
  images: Tensor;
  labels: Tensor;
}

/** The training and test splits. */
export interface MnistData {
  train: ImageSplit;
  test: ImageSplit;
}

/** The IDX file for `stem` in `dir`, gzipped (`.gz`) or not. */
function findFile(op: string, dir: string, stem: string): string {
  const fs = nodeModule(op, "fs");
  for (const name of [`${stem}.gz`, stem]) {
    const path = `${dir.replace(/\/+$/, "")}/${name}`;
    if (fs.existsSync(path)) return path;
  }
  throw new Error(`${op}: ${dir} has no ${stem} or ${stem}.gz (expected the MNIST-format IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte)`);
}

/** Reads one split ("train" or "t10k" file prefix) and checks images and labels agree. */
function loadSplit(op: string, dir: string, prefix: "train" | "t10k"): ImageSplit {
  const imagePath = findFile(op, dir, `${prefix}-images-idx3-ubyte`);
  const labelPath = findFile(op, dir, `${prefix}-labels-idx1-ubyte`);
  const raw = loadIdx(imagePath);
  const labelValues = loadIdx(labelPath);
  if (raw.ndim !== 3) throw new Error(`${op}: ${imagePath} holds ${formatShape(raw.shape)}, expected images [N, height, width]`);
  if (labelValues.ndim !== 1 || labelValues.shape[0] !== raw.shape[0]) {
    throw new Error(`${op}: ${labelPath} holds ${formatShape(labelValues.shape)} labels for ${raw.shape[0]} images in ${imagePath}`);
  }
  const [count, height, width] = raw.shape as [number, number, number];
  // scaled in place: a second 60,000-image buffer would cost another 188 MB
  const images = raw.reshape([count, 1, height, width]).div_(255);
  return { images, labels: labelValues.to("int32") };
}

/**
 * Loads MNIST from a directory of its four IDX files (gzipped or not): images
 * [N, 1, 28, 28] float32 scaled to [0, 1] (pixel / 255) and int32 labels, for the 60,000
 * training and 10,000 test images.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * // any directory of the four MNIST-format files (train-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz …)
 * const { train, test } = data.loadMnist("/usr/share/datasets/fashion-mnist");
 * console.log(train.images.shape, test.labels.dtype); // [60000, 1, 28, 28] int32
 * ```
 */
export function loadMnist(dir: string): MnistData {
  return { train: loadSplit("loadMnist", dir, "train"), test: loadSplit("loadMnist", dir, "t10k") };
}

/**
 * Loads Fashion-MNIST (same IDX layout as MNIST) from `dir`, e.g. Debian's
 * `/usr/share/datasets/fashion-mnist`: images [N, 1, 28, 28] float32 in [0, 1], int32 labels 0–9.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const { test } = data.loadFashionMnist("/usr/share/datasets/fashion-mnist");
 * console.log(test.images.shape, test.labels.shape, test.images.max().item()); // [10000, 1, 28, 28] [10000] 1
 * ```
 */
export function loadFashionMnist(dir: string): MnistData {
  return { train: loadSplit("loadFashionMnist", dir, "train"), test: loadSplit("loadFashionMnist", dir, "t10k") };
}
