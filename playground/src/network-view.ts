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

/** One link as drawn: its ends, and the colour and width its weight gave it last. */
interface LinkDrawing {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  stroke: string;
  width: number;
}

export class NetworkView {
  /** Each neuron's box (hover target and frame); its map is painted into `thumbnailCanvas` at `origins`. */
  private neurons: HTMLElement[][] = [];
  private origins: [number, number][][] = [];
  /**
   * Every neuron's map in one canvas: a hundred small canvases cost the browser a copy each on
   * every frame (software compositing), whether they changed or not.
   */
  private thumbnailCanvas: HTMLCanvasElement | null = null;
  private readonly scratch = document.createElement("canvas");
  /**
   * One SVG line per weight, holding its value (data-weight) for reading; they are not painted.
   * The links are drawn into `linkCanvas` instead: one bitmap for the browser to composite,
   * where a thousand vector lines would be re-rastered around every thumbnail repainted over them.
   */
  private links: SVGElement[][] = [];
  private drawings: LinkDrawing[][] = [];
  private linkLayer: SVGElement | null = null;
  private linkCanvas: HTMLCanvasElement | null = null;
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
    const scale = window.devicePixelRatio || 1;
    this.linkCanvas = html("canvas", { class: "links", width: String(Math.round(width * scale)), height: String(Math.round(height * scale)) });
    this.linkCanvas.style.width = `${width}px`;
    this.linkCanvas.style.height = `${height}px`;
    this.thumbnailCanvas = html("canvas", { class: "thumbnails", width: this.linkCanvas.width.toString(), height: this.linkCanvas.height.toString() });
    this.thumbnailCanvas.style.width = `${width}px`;
    this.thumbnailCanvas.style.height = `${height}px`;
    this.container.append(this.linkCanvas, this.linkLayer);
    this.links = [];
    this.drawings = [];
    this.neurons = [];
    this.origins = [];
    for (let c = 0; c < sizes.length; c++) {
      this.neurons.push(this.column(c, sizes[c]!, x[c]!, (i) => y(sizes[c]!, i)));
      // inside the box's 1 px border (boxes are border-box)
      this.origins.push(Array.from({ length: sizes[c]! }, (_, i) => [x[c]! + 1, y(sizes[c]!, i) + 1]));
      if (c === 0) continue;
      const layer: SVGElement[] = [];
      const drawings: LinkDrawing[] = [];
      for (let to = 0; to < sizes[c]!; to++) {
        for (let from = 0; from < sizes[c - 1]!; from++) {
          const ends = { x1: x[c - 1]! + NODE, y1: y(sizes[c - 1]!, from) + NODE / 2, x2: x[c]!, y2: y(sizes[c]!, to) + NODE / 2 };
          const line = svg("line", ends);
          this.linkLayer.append(line);
          layer.push(line);
          drawings.push({ ...ends, stroke: "#ccc", width: 1 });
        }
      }
      this.links.push(layer);
      this.drawings.push(drawings);
    }
    this.container.append(this.thumbnailCanvas);
    this.drawLinks();
  }

  /** Paints every link into the link canvas, lines of one colour and width as one path. */
  private drawLinks(): void {
    const canvas = this.linkCanvas;
    if (canvas === null) return;
    const context = canvas.getContext("2d")!;
    const scale = canvas.width / parseFloat(canvas.style.width);
    context.setTransform(scale, 0, 0, scale, 0, 0);
    context.clearRect(0, 0, canvas.width, canvas.height);
    context.globalAlpha = 0.85;
    const groups = new Map<string, LinkDrawing[]>();
    for (const link of this.drawings.flat()) {
      const key = `${link.stroke} ${link.width}`;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [link]);
      else group.push(link);
    }
    for (const group of groups.values()) {
      context.beginPath();
      for (const link of group) {
        context.moveTo(link.x1, link.y1);
        context.lineTo(link.x2, link.y2);
      }
      context.strokeStyle = group[0]!.stroke;
      context.lineWidth = group[0]!.width;
      context.stroke();
    }
  }

  private column(c: number, count: number, left: number, top: (i: number) => number): HTMLElement[] {
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
    const boxes: HTMLElement[] = [];
    for (let i = 0; i < count; i++) {
      const box = html("div", { class: "neuron" });
      box.style.left = `${left}px`;
      box.style.top = `${top(i)}px`;
      box.addEventListener("mouseenter", () => this.onHover({ column: c, index: i }));
      box.addEventListener("mouseleave", () => this.onHover(null));
      if (c === 0) {
        const label = html("span", { class: "feature-label" }, shape.inputs[i]!);
        label.style.left = `${left - 4}px`;
        label.style.top = `${top(i) + NODE - 2}px`;
        this.container.append(label);
      }
      this.container.append(box);
      boxes.push(box);
    }
    return boxes;
  }

  /** The box of one neuron (what the pointer hovers). */
  neuronBox(column: number, index: number): HTMLElement | undefined {
    return this.neurons[column]?.[index];
  }

  /** Paints one neuron's map (any size) into its box, stretched and smoothly interpolated. */
  paintNeuron(column: number, index: number, image: ImageData): void {
    const origin = this.origins[column]?.[index];
    const canvas = this.thumbnailCanvas;
    if (origin === undefined || canvas === null) return;
    this.scratch.width = image.width;
    this.scratch.height = image.height;
    this.scratch.getContext("2d")!.putImageData(image, 0, 0);
    const context = canvas.getContext("2d")!;
    const scale = canvas.width / parseFloat(canvas.style.width);
    context.setTransform(scale, 0, 0, scale, 0, 0);
    context.imageSmoothingEnabled = true;
    context.drawImage(this.scratch, origin[0], origin[1], NODE - 2, NODE - 2);
  }

  /**
   * Colours and widths every link by its weight; weights[l] is layer l's [out, in] matrix. The
   * canvas is repainted only when a link visibly changes (widths in quarter pixels).
   * `labels: false` (while training) leaves the exact values in data-weight for the next full redraw.
   */
  updateWeights(weights: ArrayLike<number>[], options: { labels?: boolean } = {}): void {
    let changed = false;
    weights.forEach((matrix, l) => {
      const lines = this.links[l];
      const drawings = this.drawings[l];
      if (lines === undefined || drawings === undefined) return;
      let largest = 1e-6;
      for (let i = 0; i < matrix.length; i++) largest = Math.max(largest, Math.abs(matrix[i]!));
      for (let i = 0; i < lines.length; i++) {
        const w = matrix[i]!;
        const drawing = drawings[i]!;
        const [r, g, b] = CLASS_COLORS[w >= 0 ? 1 : 0]!;
        const stroke = `rgb(${r},${g},${b})`;
        const width = Math.round(4 * (0.4 + 4 * Math.min(1, Math.abs(w) / Math.max(1, largest)))) / 4;
        if (drawing.stroke !== stroke || drawing.width !== width) {
          drawing.stroke = stroke;
          drawing.width = width;
          changed = true;
        }
        if (options.labels !== false) lines[i]!.setAttribute("data-weight", formatNumber(w));
      }
    });
    if (changed) this.drawLinks();
  }
}
