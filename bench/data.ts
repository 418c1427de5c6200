// Loads the shared benchmark inputs (../shared/bench, see WORKLOADS.md) as plain typed arrays,
// so every framework starts from the same bytes and converts them itself.
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The directory holding moons200.json, init_w3.bin …: $NABLA_BENCH_DATA or ../shared/bench. */
export function benchDataDir(): string {
  const candidates = [process.env.NABLA_BENCH_DATA, resolve(here, "../../shared/bench"), "/work/shared/bench"];
  for (const dir of candidates) if (dir !== undefined && existsSync(join(dir, "moons200.json"))) return dir;
  throw new Error(`bench: cannot find the workload files (moons200.json …); set NABLA_BENCH_DATA (tried ${candidates.filter(Boolean).join(", ")})`);
}

export const FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";

/** W6: 40 AdamW steps of batch 16 × 64 tokens (vocabulary 65); steps/s over steps 6–40. */
export const W6 = { steps: 40, warmup: 5, batch: 16, block: 64, vocab: 65 } as const;

export interface Points {
  /** Row-major [n, 2]. */
  x: Float32Array;
  y: Float32Array;
  n: number;
}

function points(file: string): Points {
  const raw = JSON.parse(readFileSync(join(benchDataDir(), file), "utf8")) as { X: number[][]; y: number[] };
  return { x: Float32Array.from(raw.X.flat()), y: Float32Array.from(raw.y), n: raw.y.length };
}

export const moons = (): Points => points("moons200.json");
export const blobs = (): Points => points("blobs1000.json");

export interface Layer {
  /** Row-major [in, out] (nn.Linear's weight is its transpose). */
  w: Float32Array;
  b: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

export function initW1(): Layer[] {
  const raw = JSON.parse(readFileSync(join(benchDataDir(), "init_w1.json"), "utf8")) as { layers: { W: number[][]; b: number[] }[] };
  return raw.layers.map(({ W, b }) => ({ w: Float32Array.from(W.flat()), b: Float32Array.from(b), inFeatures: W.length, outFeatures: b.length }));
}

export function initW3(): Layer[] {
  const bytes = readFileSync(join(benchDataDir(), "init_w3.bin"));
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const sizes = [784, 256, 128, 10];
  const layers: Layer[] = [];
  let offset = 0;
  for (let l = 0; l < 3; l++) {
    const [inFeatures, outFeatures] = [sizes[l]!, sizes[l + 1]!];
    const w = all.slice(offset, offset + inFeatures * outFeatures);
    offset += inFeatures * outFeatures;
    const b = all.slice(offset, offset + outFeatures);
    offset += outFeatures;
    layers.push({ w, b, inFeatures, outFeatures });
  }
  return layers;
}

export function permW3(): Int32Array {
  const bytes = readFileSync(join(benchDataDir(), "perm_w3.bin"));
  return new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export interface Images {
  /** Row-major [n, 784], pixels / 255. */
  x: Float32Array;
  y: Int32Array;
  n: number;
}

function idx(path: string): Uint8Array {
  const bytes = gunzipSync(readFileSync(path));
  const ndim = bytes[3]!;
  return bytes.subarray(4 + 4 * ndim);
}

export function fashionMnistAvailable(): boolean {
  return existsSync(join(FASHION_MNIST_DIR, "train-images-idx3-ubyte.gz"));
}

export function fashionMnist(split: "train" | "t10k"): Images {
  const pixels = idx(join(FASHION_MNIST_DIR, `${split}-images-idx3-ubyte.gz`));
  const labels = idx(join(FASHION_MNIST_DIR, `${split}-labels-idx1-ubyte.gz`));
  const x = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) x[i] = pixels[i]! / 255;
  return { x, y: Int32Array.from(labels), n: labels.length };
}

/** Copies the rows `order[start…end)` of a row-major [*, width] array into `out`. */
export function gatherRows(source: Float32Array, width: number, order: Int32Array, start: number, end: number, out: Float32Array): Float32Array {
  for (let r = start; r < end; r++) out.set(source.subarray(order[r]! * width, (order[r]! + 1) * width), (r - start) * width);
  return out;
}

/** One worker's answer, printed as a JSON line on stdout. */
export interface WorkerResult {
  framework: string;
  workload: string;
  /** steps/s (W1, W2), seconds per epoch (W3), GFLOP/s per size (W4). */
  value: number;
  unit: string;
  finalLoss?: number;
  accuracy?: number;
  /** W3: loss of the 20th batch; W4: max relative error vs float64, per size. */
  checks?: Record<string, number>;
  peakRssMB: number;
}

/**
 * Informational W1/W2 row: continues a run that has done `done` steps to step 10,000 and returns
 * steps/s over steps 5,001–10,000, once a JIT has warmed up. `sync` waits for queued work.
 */
export function steadyStepsPerSecond(step: () => void, done: number, sync: () => void = () => {}): number {
  for (let s = done; s < 5000; s++) step();
  sync();
  const start = performance.now();
  for (let s = 5000; s < 10_000; s++) step();
  sync();
  return 5000 / ((performance.now() - start) / 1000);
}

/** A safetensors file of float32 tensors (W5/W6 initial weights) as name → {shape, data}. */
export function readSafetensors(file: string): Record<string, { shape: number[]; data: Float32Array }> {
  const bytes = readFileSync(join(benchDataDir(), file));
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString("utf8")) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (entry.dtype !== "F32") throw new Error(`bench: ${file}: ${name} is ${entry.dtype}, expected F32`);
    const [start, end] = entry.data_offsets;
    const raw = bytes.subarray(8 + headerLength + start, 8 + headerLength + end);
    out[name] = { shape: entry.shape, data: new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) };
  }
  return out;
}

/** W5: 100 steps of batch 64 in perm_w3 order; images/s over steps 11–100. */
export const W5 = { steps: 100, warmup: 10, batch: 64 } as const;
