/**
 * The network diagram: a column of input features, one column per hidden layer and the
 * output, each neuron a small map of its output over the plane, links coloured by the sign of
 * their weight (blue +, orange −) and as wide as its size. Hovering a neuron reports it so the
 * page can show its map large.
 */
import { svg, html } from "./dom.js";
import { formatNumber } from "./format.js";
import { CLASS_COLORS } from "./plane.js";

const NODE = 34;
const ROW = 42;
const TOP = 58;

export interface NeuronId {
  /** 0 for the inputs, l for hidden layer l, layers+1 for the output. */
  column: number;
  index: number;
}

export interface NetworkShape {
  inputs: string[];
  hidden: number[];
  outputs: number;
}

export class NetworkView {
  private canvases: HTMLCanvasElement[][] = [];
  private links: SVGElement[][] = [];
  private linkLayer: SVGElement | null = null;
  private shape: NetworkShape | null = null;

  constructor(
    private readonly container: HTMLElement,
    private readonly onHover: (neuron: NeuronId | null) => void,
    private readonly onResize: (layer: number, delta: number) => void,
  ) {}

  /** Rebuilds the diagram for a new architecture. */
  build(shape: NetworkShape): void {
    this.shape = shape;
    const sizes = [shape.inputs.length, ...shape.hidden, shape.outputs];
    const width = Math.max(this.container.clientWidth, 84 * sizes.length);
    const height = TOP + Math.max(...sizes) * ROW + 10;
    const x = sizes.map((_, c) => 12 + (c * (width - NODE - 60)) / Math.max(1, sizes.length - 1));
    const y = (count: number, i: number): number => TOP + (Math.max(...sizes) - count) * (ROW / 2) + i * ROW;
    this.container.replaceChildren();
    this.container.style.height = `${height}px`;
    this.linkLayer = svg("svg", { class: "links", width, height });
    this.container.append(this.linkLayer);
    this.links = [];
    this.canvases = [];
    for (let c = 0; c < sizes.length; c++) {
      this.canvases.push(this.column(c, sizes[c]!, x[c]!, (i) => y(sizes[c]!, i)));
      if (c === 0) continue;
      const layer: SVGElement[] = [];
      for (let to = 0; to < sizes[c]!; to++) {
        for (let from = 0; from < sizes[c - 1]!; from++) {
          const line = svg("line", { x1: x[c - 1]! + NODE, y1: y(sizes[c - 1]!, from) + NODE / 2, x2: x[c]!, y2: y(sizes[c]!, to) + NODE / 2 });
          this.linkLayer.append(line);
          layer.push(line);
        }
      }
      this.links.push(layer);
    }
  }

  private column(c: number, count: number, left: number, top: (i: number) => number): HTMLCanvasElement[] {
    const shape = this.shape!;
    const header = html("div", { class: "layer-header" });
    header.style.left = `${left - 30}px`;
    if (c === 0) header.textContent = "features";
    else if (c === shape.hidden.length + 1) header.textContent = shape.outputs === 1 ? "output σ" : "output softmax";
    else {
      const minus = html("button", { class: "small", "data-layer": String(c - 1), "aria-label": `fewer neurons in layer ${c}` }, "−");
      const plus = html("button", { class: "small", "data-layer": String(c - 1), "aria-label": `more neurons in layer ${c}` }, "+");
      minus.addEventListener("click", () => this.onResize(c - 1, -1));
      plus.addEventListener("click", () => this.onResize(c - 1, +1));
      header.append(minus, plus, html("div", {}, `${count} neuron${count === 1 ? "" : "s"}`));
    }
    this.container.append(header);
    const canvases: HTMLCanvasElement[] = [];
    for (let i = 0; i < count; i++) {
      const canvas = html("canvas", { class: "neuron", width: "24", height: "24" });
      canvas.style.left = `${left}px`;
      canvas.style.top = `${top(i)}px`;
      canvas.addEventListener("mouseenter", () => this.onHover({ column: c, index: i }));
      canvas.addEventListener("mouseleave", () => this.onHover(null));
      if (c === 0) {
        const label = html("span", { class: "feature-label" }, shape.inputs[i]!);
        label.style.left = `${left - 4}px`;
        label.style.top = `${top(i) + NODE - 2}px`;
        this.container.append(label);
      }
      this.container.append(canvas);
      canvases.push(canvas);
    }
    return canvases;
  }

  /** The canvas of one neuron, to paint its map into. */
  neuronCanvas(column: number, index: number): HTMLCanvasElement | undefined {
    return this.canvases[column]?.[index];
  }

  /**
   * Colours and widths every link by its weight; weights[l] is layer l's [out, in] matrix. Only
   * what changes visibly is written (widths in quarter pixels): restyling a thousand links every
   * frame costs the browser more than the training. `labels: false` (while training) leaves the
   * exact values in data-weight for the next full redraw.
   */
  updateWeights(weights: ArrayLike<number>[], options: { labels?: boolean } = {}): void {
    weights.forEach((matrix, l) => {
      const lines = this.links[l];
      if (lines === undefined) return;
      let largest = 1e-6;
      for (let i = 0; i < matrix.length; i++) largest = Math.max(largest, Math.abs(matrix[i]!));
      for (let i = 0; i < lines.length; i++) {
        const w = matrix[i]!;
        const line = lines[i]!;
        const [r, g, b] = CLASS_COLORS[w >= 0 ? 1 : 0]!;
        const stroke = `rgb(${r},${g},${b})`;
        const width = String(Math.round(4 * (0.4 + 4 * Math.min(1, Math.abs(w) / Math.max(1, largest)))) / 4);
        if (line.dataset.stroke !== stroke) {
          line.style.stroke = stroke;
          line.dataset.stroke = stroke;
        }
        if (line.dataset.width !== width) {
          line.style.strokeWidth = width;
          line.dataset.width = width;
        }
        if (options.labels !== false) line.setAttribute("data-weight", formatNumber(w));
      }
    });
  }
}
