/**
 * The 2-D toy problems of the lecture, on the plane [−6, 6]², drawn from nabla's seeded
 * `Generator` so a seed in the URL always gives the same points.
 */
import { Generator } from "nabla";
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

type Maker = (count: number, noise: number, classes: number, random: Generator) => Point[];

function clouds(count: number, noise: number, classes: number, random: Generator): Point[] {
  const spread = 0.4 + 2.2 * noise;
  const centers = classes === 2
    ? [[2.2, 2.2], [-2.2, -2.2]]
    : Array.from({ length: classes }, (_, k) => [3.2 * Math.cos((2 * Math.PI * k) / classes + 0.3), 3.2 * Math.sin((2 * Math.PI * k) / classes + 0.3)]);
  return Array.from({ length: count }, (_, i) => {
    const label = i % classes;
    const [cx, cy] = centers[label]!;
    return { x: cx! + spread * random.normal(), y: cy! + spread * random.normal(), label };
  });
}

function circle(count: number, noise: number, _classes: number, random: Generator): Point[] {
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2;
    const radius = label === 1 ? 2.2 * random.uniform() : 3.3 + 1.7 * random.uniform();
    const angle = 2 * Math.PI * random.uniform();
    const jitter = 1.5 * noise;
    return { x: radius * Math.cos(angle) + jitter * random.normal(), y: radius * Math.sin(angle) + jitter * random.normal(), label };
  });
}

function xor(count: number, noise: number, _classes: number, random: Generator): Point[] {
  return Array.from({ length: count }, () => {
    const away = (value: number): number => value + (value > 0 ? 0.3 : -0.3);
    const x = away(10 * random.uniform() - 5);
    const y = away(10 * random.uniform() - 5);
    const jitter = 1.5 * noise;
    return { x: x + jitter * random.normal(), y: y + jitter * random.normal(), label: x * y > 0 ? 1 : 0 };
  });
}

function moons(count: number, noise: number, _classes: number, random: Generator): Point[] {
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2;
    const t = Math.PI * random.uniform();
    const [mx, my] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    return { x: 3.2 * (mx - 0.5 + 0.6 * noise * random.normal()), y: 3.2 * (my - 0.25 + 0.6 * noise * random.normal()), label };
  });
}

function spiral(count: number, noise: number, _classes: number, random: Generator): Point[] {
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
  clouds: (count, noise, _classes, random) => clouds(count, noise, 2, random),
  kclouds: clouds,
  circle,
  xor,
  moons,
  spiral,
};

/** The generated points of a built-in problem (none for `custom`, whose points are all added). */
export function makeDataset(options: DatasetOptions): Point[] {
  if (options.name === "custom") return [];
  return MAKERS[options.name](options.points, options.noise, options.classes, new Generator(options.seed));
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
 * Parses a CSV of two features and a class label per row (`x1,x2,label`; a header row is
 * allowed) and rescales the features to fit the plane.
 */
export function parseCsv(text: string): Point[] {
  const rows = text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  const points: Point[] = [];
  rows.forEach((line, index) => {
    const cells = line.split(/[,;\t]/).map((cell) => cell.trim());
    const values = cells.map(Number);
    if (index === 0 && values.some((v) => !Number.isFinite(v))) return;
    if (cells.length !== 3 || values.some((v) => !Number.isFinite(v))) {
      throw new Error(`CSV line ${index + 1}: expected three numbers "x1,x2,label", got "${line}"`);
    }
    const label = values[2]!;
    if (!Number.isInteger(label) || label < 0 || label > 4) {
      throw new Error(`CSV line ${index + 1}: the label must be a class number 0–4, got ${cells[2]}`);
    }
    points.push({ x: values[0]!, y: values[1]!, label });
  });
  if (points.length === 0) throw new Error("CSV: no data rows found (expected lines \"x1,x2,label\")");
  return fitToPlane(points);
}

function fitToPlane(points: Point[]): Point[] {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const center = [(Math.max(...xs) + Math.min(...xs)) / 2, (Math.max(...ys) + Math.min(...ys)) / 2];
  const half = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) / 2 || 1;
  const scale = (DOMAIN - 1) / half;
  return points.map((p) => ({ x: (p.x - center[0]!) * scale, y: (p.y - center[1]!) * scale, label: p.label }));
}
