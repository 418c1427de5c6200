/**
 * The 2-D toy problems of the lecture on the plane [−6, 6]²: nabla's `data.make*` generators
 * (rescaled to the plane) and a TensorFlow-Playground spiral, all seeded so a seed in the URL
 * always gives the same points.
 */
import { data, Generator, type Tensor } from "nabla";
import type { DatasetName, Point } from "./state.js";

/** Half the width of the square the plane shows. */
export const DOMAIN = 6;

export interface DatasetOptions {
  name: DatasetName;
  points: number;
  noise: number;
  classes: number;
  seed: number;
}

type Maker = (count: number, noise: number, classes: number, seed: number) => Point[];

/** Points from one of nabla's generators, moved by `shift` and scaled by `scale` onto the plane. */
function toPoints({ x, y }: { x: Tensor; y: Tensor }, shift: [number, number], scale: number): Point[] {
  const coordinates = x.toTypedArray();
  return Array.from(y.toTypedArray(), (label, i) => ({
    x: (coordinates[2 * i]! - shift[0]) * scale,
    y: (coordinates[2 * i + 1]! - shift[1]) * scale,
    label,
  }));
}

function clouds(count: number, noise: number, classes: number, seed: number): Point[] {
  const centers = classes === 2
    ? [[2.2, 2.2], [-2.2, -2.2]]
    : Array.from({ length: classes }, (_, k) => [3.2 * Math.cos((2 * Math.PI * k) / classes + 0.3), 3.2 * Math.sin((2 * Math.PI * k) / classes + 0.3)]);
  return toPoints(data.makeBlobs({ nSamples: count, centers, clusterStd: 0.4 + 2.2 * noise, seed }), [0, 0], 1);
}

/**
 * TensorFlow Playground's two-arm spiral (1.75 turns per arm), harder than `data.makeSpiral`'s
 * CS231n arms: a linear model cannot get far on it, which is the point of the demo.
 */
function spiral(count: number, noise: number, _classes: number, seed: number): Point[] {
  const random = new Generator(seed);
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2;
    const step = Math.floor(i / 2) / Math.ceil(count / 2);
    const radius = 5 * step + 0.2;
    const angle = 1.75 * 2 * Math.PI * step + label * Math.PI;
    const jitter = 0.8 * noise;
    return { x: radius * Math.sin(angle) + jitter * random.normal(), y: radius * Math.cos(angle) + jitter * random.normal(), label };
  });
}

const MAKERS: Record<Exclude<DatasetName, "custom">, Maker> = {
  clouds: (count, noise, _classes, seed) => clouds(count, noise, 2, seed),
  kclouds: clouds,
  circle: (count, noise, _classes, seed) => toPoints(data.makeCircles({ nSamples: count, noise: 0.15 * noise, factor: 0.45, seed }), [0, 0], 5),
  xor: (count, noise, _classes, seed) => toPoints(data.makeXor({ nSamples: count, noise: 0.15 * noise, seed }), [0, 0], 5),
  moons: (count, noise, _classes, seed) => toPoints(data.makeMoons({ nSamples: count, noise: 0.25 * noise, seed }), [0.5, 0.25], 3.2),
  spiral,
};

/** The generated points of a built-in problem (none for `custom`, whose points are all added). */
export function makeDataset(options: DatasetOptions): Point[] {
  if (options.name === "custom") return [];
  return MAKERS[options.name](options.points, options.noise, options.classes, options.seed);
}

/** Splits points into train and test sets by a seeded shuffle. */
export function splitTrainTest(points: readonly Point[], trainRatio: number, seed: number): { train: Point[]; test: Point[] } {
  const order = new Generator(seed + 7919).permutation(points.length);
  const trainCount = Math.round(points.length * trainRatio);
  return {
    train: order.slice(0, trainCount).map((i) => points[i]!),
    test: order.slice(trainCount).map((i) => points[i]!),
  };
}

/**
 * Reads a CSV with a header line and three columns, two features and a class label (0–4) last,
 * through `data.loadCsv`, and rescales the features to fit the plane.
 */
export function parseCsv(text: string): Point[] {
  const withBreak = text.includes("\n") ? text : `${text}\n`;
  const { x, y, columns } = data.loadCsv(withBreak, { labelColumn: columnCount(withBreak) - 1 });
  if (columns.length !== 2) throw new Error(`CSV: expected two feature columns and a label column, got columns ${columns.join(", ")} besides the label`);
  const points = toPoints({ x, y }, [0, 0], 1);
  if (points.length === 0) throw new Error("CSV: no data rows after the header line");
  points.forEach((p, i) => {
    if (!Number.isInteger(p.label) || p.label < 0 || p.label > 4) throw new Error(`CSV: row ${i + 1}: the label must be a class number 0–4, got ${p.label}`);
  });
  return fitToPlane(points);
}

function columnCount(text: string): number {
  return text.split(/\r?\n/, 1)[0]!.split(",").length;
}

function fitToPlane(points: Point[]): Point[] {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const center = [(Math.max(...xs) + Math.min(...xs)) / 2, (Math.max(...ys) + Math.min(...ys)) / 2];
  const half = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 2 || 1;
  const scale = (DOMAIN - 1) / half;
  return points.map((p) => ({ x: (p.x - center[0]!) * scale, y: (p.y - center[1]!) * scale, label: p.label }));
}
