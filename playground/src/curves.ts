/** Train and test loss (and accuracy) over the epochs, drawn on a canvas. */
import { formatNumber } from "./format.js";

export interface HistoryEntry {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  trainAccuracy: number;
  testAccuracy: number;
}

const LIMIT = 400;

export class Curves {
  private history: HistoryEntry[] = [];
  private every = 1;
  private skipped = 0;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  clear(): void {
    this.history = [];
    this.every = 1;
    this.skipped = 0;
  }

  /** Records an entry, thinning the history by half whenever it grows past its limit. */
  add(entry: HistoryEntry): void {
    if (++this.skipped < this.every) return;
    this.skipped = 0;
    this.history.push(entry);
    if (this.history.length > LIMIT) {
      this.history = this.history.filter((_, i) => i % 2 === 0);
      this.every *= 2;
    }
  }

  draw(): void {
    const { canvas } = this;
    const context = canvas.getContext("2d")!;
    const { width, height } = canvas;
    context.clearRect(0, 0, width, height);
    context.font = `${Math.round(height / 12)}px system-ui, sans-serif`;
    if (this.history.length < 2) {
      context.fillStyle = "#888";
      context.fillText("loss and accuracy appear here while training", 8, height / 2);
      return;
    }
    const maxLoss = Math.max(0.05, ...this.history.flatMap((h) => [h.trainLoss, h.testLoss].filter(Number.isFinite)));
    const plot = (values: number[], top: number, color: string, dashed: boolean): void => {
      context.beginPath();
      values.forEach((v, i) => {
        const px = (i / (values.length - 1)) * width;
        const py = height - 4 - Math.min(1, Math.max(0, v / top)) * (height - 8);
        if (i === 0) context.moveTo(px, py);
        else context.lineTo(px, py);
      });
      context.strokeStyle = color;
      context.setLineDash(dashed ? [5, 4] : []);
      context.lineWidth = 2;
      context.stroke();
    };
    plot(this.history.map((h) => h.trainLoss), maxLoss, "#333", false);
    plot(this.history.map((h) => h.testLoss), maxLoss, "#333", true);
    plot(this.history.map((h) => h.trainAccuracy), 1, "#2e9e43", false);
    plot(this.history.map((h) => h.testAccuracy), 1, "#2e9e43", true);
    context.setLineDash([]);
    const line = Math.round(height / 12) + 4;
    const lossLabel = `loss (top ${formatNumber(maxLoss, 3)}): — train, - - test`;
    const accuracyLabel = `accuracy (top 1) · epoch ${formatNumber(this.history[this.history.length - 1]!.epoch, 4)}`;
    context.fillStyle = "rgba(255, 255, 255, 0.85)";
    context.fillRect(2, 2, Math.max(context.measureText(lossLabel).width, context.measureText(accuracyLabel).width) + 10, 2 * line + 6);
    context.fillStyle = "#333";
    context.fillText(lossLabel, 6, line);
    context.fillStyle = "#2e9e43";
    context.fillText(accuracyLabel, 6, 2 * line);
  }
}
