/**
 * The data plane: a canvas showing the decision-boundary heatmap (class colour, confidence as
 * intensity) under the train and test points, in data coordinates [−6, 6]².
 */
import { viz } from "nabla";
import { DOMAIN } from "./datasets.js";
import type { Point } from "./state.js";

/**
 * Class colours: nabla's palette, so class k has the same colour here as in the CLI's pictures
 * (class 0 blue, class 1 orange, …). A sign uses class 0's colour for negative, class 1's for
 * positive, so a single logit z > 0 (class 1) is drawn in class 1's colour.
 */
export const CLASS_COLORS: readonly (readonly [number, number, number])[] = viz.PALETTE.slice(0, 5).map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as unknown as readonly [number, number, number]);

export function cssColor(label: number, alpha = 1): string {
  const [r, g, b] = CLASS_COLORS[label % CLASS_COLORS.length]!;
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The grid of plane coordinates a heatmap is evaluated on, row by row from the top. */
export function gridCoordinates(resolution: number): Float32Array {
  const coordinates = new Float32Array(resolution * resolution * 2);
  for (let row = 0; row < resolution; row++) {
    for (let column = 0; column < resolution; column++) {
      const i = row * resolution + column;
      coordinates[2 * i] = -DOMAIN + ((column + 0.5) / resolution) * 2 * DOMAIN;
      coordinates[2 * i + 1] = DOMAIN - ((row + 0.5) / resolution) * 2 * DOMAIN;
    }
  }
  return coordinates;
}

/** Paints class probabilities [cells, K] as colours: the likeliest class, by its confidence. */
export function boundaryImage(probabilities: Float32Array, classes: number, resolution: number, discretize: boolean): ImageData {
  const image = new ImageData(resolution, resolution);
  for (let i = 0; i < resolution * resolution; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (probabilities[i * classes + k]! > probabilities[i * classes + best]!) best = k;
    const confidence = (probabilities[i * classes + best]! - 1 / classes) / (1 - 1 / classes);
    paint(image.data, i, CLASS_COLORS[best]!, 0.7 * (discretize ? 1 : confidence));
  }
  return image;
}

/**
 * Paints one neuron's values: class 1's colour above `neutral` (its "off" value: 0, or ½ for a
 * sigmoid), class 0's below, scaled to the largest deviation (at least 0.1) so every map shows its shape.
 */
export function neuronImage(values: ArrayLike<number>, stride: number, offset: number, resolution: number, neutral = 0): ImageData {
  const image = new ImageData(resolution, resolution);
  // the floor keeps a nearly constant neuron pale instead of blowing its tiny wiggles up
  let largest = 0.1;
  for (let i = 0; i < resolution * resolution; i++) largest = Math.max(largest, Math.abs(values[i * stride + offset]! - neutral));
  for (let i = 0; i < resolution * resolution; i++) {
    const v = (values[i * stride + offset]! - neutral) / largest;
    paint(image.data, i, CLASS_COLORS[v >= 0 ? 1 : 0]!, 0.85 * Math.abs(v));
  }
  return image;
}

function paint(data: Uint8ClampedArray, i: number, color: readonly [number, number, number], amount: number): void {
  const a = Math.max(0, Math.min(1, amount));
  data[4 * i] = 255 + (color[0] - 255) * a;
  data[4 * i + 1] = 255 + (color[1] - 255) * a;
  data[4 * i + 2] = 255 + (color[2] - 255) * a;
  data[4 * i + 3] = 255;
}

export class Plane {
  readonly context: CanvasRenderingContext2D;
  private readonly scratch = document.createElement("canvas");
  private readonly pointsLayer = document.createElement("canvas");
  private pointsDrawn: { train: readonly Point[] | null; test: readonly Point[] | null } = { train: null, test: null };

  constructor(readonly canvas: HTMLCanvasElement) {
    this.context = canvas.getContext("2d")!;
  }

  /** Pixel position of a data point. */
  toPixel(x: number, y: number): [number, number] {
    const size = this.canvas.width;
    return [((x + DOMAIN) / (2 * DOMAIN)) * size, ((DOMAIN - y) / (2 * DOMAIN)) * size];
  }

  /** Data coordinates of a mouse event on the canvas. */
  fromEvent(event: MouseEvent): [number, number] {
    const box = this.canvas.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * 2 * DOMAIN - DOMAIN, DOMAIN - ((event.clientY - box.top) / box.height) * 2 * DOMAIN];
  }

  /** Draws an image (heatmap) stretched over the whole plane, smoothly interpolated. */
  drawImage(image: ImageData): void {
    this.scratch.width = image.width;
    this.scratch.height = image.height;
    this.scratch.getContext("2d")!.putImageData(image, 0, 0);
    this.context.imageSmoothingEnabled = true;
    this.context.drawImage(this.scratch, 0, 0, this.canvas.width, this.canvas.height);
  }

  /**
   * Draws the train points (white rim) and test points (dark rim). The dots are drawn once into
   * a layer that is reused while the points stay the same: hundreds of anti-aliased arcs per
   * frame would cost more than the whole forward pass over the grid.
   */
  drawPoints(train: readonly Point[], test: readonly Point[]): void {
    const { width, height } = this.canvas;
    if (this.pointsDrawn.train !== train || this.pointsDrawn.test !== test || this.pointsLayer.width !== width) {
      this.pointsLayer.width = width;
      this.pointsLayer.height = height;
      const context = this.pointsLayer.getContext("2d")!;
      this.drawDots(context, train, false);
      this.drawDots(context, test, true);
      this.pointsDrawn = { train, test };
    }
    this.context.drawImage(this.pointsLayer, 0, 0);
  }

  private drawDots(context: CanvasRenderingContext2D, points: readonly Point[], test: boolean): void {
    const radius = Math.max(2.5, this.canvas.width / 130);
    for (let label = 0; label < CLASS_COLORS.length; label++) {
      context.beginPath();
      for (const point of points) {
        if (point.label !== label) continue;
        const [px, py] = this.toPixel(point.x, point.y);
        context.moveTo(px + radius, py);
        context.arc(px, py, radius, 0, 2 * Math.PI);
      }
      context.fillStyle = cssColor(label);
      context.fill();
      context.lineWidth = test ? 1.6 : 1;
      context.strokeStyle = test ? "#111" : "#fff";
      context.stroke();
    }
  }

  /** Draws the line w1·x1 + w2·x2 + b = 0 (a logistic regression's boundary). */
  drawLine(w1: number, w2: number, b: number, color = "#222"): void {
    const context = this.context;
    const ends: [number, number][] = [];
    if (Math.abs(w2) > Math.abs(w1)) for (const x of [-DOMAIN, DOMAIN]) ends.push([x, -(w1 * x + b) / w2]);
    else if (w1 !== 0) for (const y of [-DOMAIN, DOMAIN]) ends.push([-(w2 * y + b) / w1, y]);
    if (ends.length < 2) return;
    const [a, c] = [this.toPixel(...ends[0]!), this.toPixel(...ends[1]!)];
    context.beginPath();
    context.moveTo(...a);
    context.lineTo(...c);
    context.lineWidth = 3;
    context.strokeStyle = color;
    context.setLineDash([8, 5]);
    context.stroke();
    context.setLineDash([]);
  }

  drawAxes(): void {
    const context = this.context;
    const [cx, cy] = this.toPixel(0, 0);
    context.strokeStyle = "rgba(0, 0, 0, 0.15)";
    context.lineWidth = 1;
    context.beginPath();
    context.moveTo(cx, 0);
    context.lineTo(cx, this.canvas.height);
    context.moveTo(0, cy);
    context.lineTo(this.canvas.width, cy);
    context.stroke();
  }
}
