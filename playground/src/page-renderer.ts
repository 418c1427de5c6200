/**
 * Draws the page's model: the decision plane, the neurons' thumbnails and the links of the
 * network diagram, the numbers and the loss curves. All at once when paused; one part per frame
 * while training, so no frame waits for the whole picture.
 */
import { noGrad, tensor, type Tensor } from "nabla";
import { Curves } from "./curves.js";
import { DrawingSchedule, type DrawingPart } from "./drawing-schedule.js";
import { byId } from "./dom.js";
import { FEATURE_LABELS, featureMatrix } from "./features.js";
import { formatNumber } from "./format.js";
import { NetworkView, type NeuronId } from "./network-view.js";
import { outputSize } from "./network.js";
import { boundaryImage, gridCoordinates, neuronImage, Plane } from "./plane.js";
import { MAIN_RESOLUTION, PlaneGrids } from "./plane-grids.js";
import type { State } from "./state.js";
import { ThumbnailPass } from "./thumbnail-pass.js";
import { probabilities, type LabelledSet, type Metrics, type Trainer } from "./trainer.js";

const NEURON_RESOLUTION = 24;
/** While training, the plane is drawn within about this budget (its resolution adapts). */
const DRAWING_PART_MS = 5;
/** Thumbnails painted per "neurons" part: a large network's are spread over several frames. */
const NEURONS_PER_PART = 16;

/** What the renderer reads of the page's model (the App). */
export interface RenderedModel {
  readonly state: State;
  readonly trainer: Trainer;
  readonly classes: number;
  readonly train: LabelledSet;
  readonly test: LabelledSet;
  readonly trainMetrics: Metrics;
  readonly testMetrics: Metrics;
}

export class PageRenderer {
  readonly plane = new Plane(byId<HTMLCanvasElement>("plane"));
  readonly curves = new Curves(byId<HTMLCanvasElement>("curves"));
  readonly networkView: NetworkView;
  private hovered: NeuronId | null = null;
  private neuronGrid!: Tensor;
  /** The plane's grid at each resolution (coarser for large networks while training). */
  private planeGrids!: PlaneGrids;
  /** Which part of the picture a running frame redraws. */
  private schedule!: DrawingSchedule;
  /** The thumbnails being painted a few per frame while training. */
  private thumbnails: ThumbnailPass | null = null;

  /**
   * `changed` runs when the picture needs a redraw (a neuron hovered); `resizeLayer` when a
   * layer's + or − is clicked in the diagram.
   */
  constructor(private readonly model: RenderedModel, changed: () => void, resizeLayer: (layer: number, delta: number) => void) {
    this.networkView = new NetworkView(
      byId("network"),
      (neuron) => {
        this.hovered = neuron;
        changed();
      },
      resizeLayer,
    );
  }

  /** Prepares the grids and the schedule for a new network (after a change of model or data). */
  rebuild(): void {
    const { state, classes } = this.model;
    this.neuronGrid = tensor(featureMatrix(state.features, gridCoordinates(NEURON_RESOLUTION)), { shape: [NEURON_RESOLUTION ** 2, state.features.length] });
    this.planeGrids = new PlaneGrids(state.features);
    const sizes = [state.features.length, ...state.layers, outputSize(classes)];
    this.schedule = new DrawingSchedule(
      sizes.slice(1).reduce((a, b) => a + b, 0),
      sizes.slice(1).reduce((sum, size, l) => sum + size * sizes[l]!, 0),
    );
    this.curves.clear();
  }

  /** Rebuilds the network diagram (after a change of architecture or of the page's size). */
  layoutNetwork(): void {
    const { state, classes } = this.model;
    this.networkView.build({ inputs: state.features.map((f) => FEATURE_LABELS[f]), hidden: state.layers, outputs: outputSize(classes) });
    this.paintInputs();
  }

  /** The part of the picture a running frame at `time` redraws. */
  nextPart(time: number): DrawingPart {
    return this.schedule.next(time, this.thumbnails !== null);
  }

  /** Redraws the plane and every neuron at full resolution (when paused, or after a change). */
  renderPicture(): void {
    noGrad(() => {
      this.renderPlane(MAIN_RESOLUTION);
      this.renderNeurons();
    });
  }

  /** Redraws the plane at the resolution its time budget allows while training. */
  renderPlaneWithinBudget(): void {
    noGrad(() => this.renderPlane(this.planeGrids.resolutionWithin(DRAWING_PART_MS)));
  }

  /** Paints the next NEURONS_PER_PART thumbnails; a new pass over the network after the last. */
  renderSomeNeurons(): void {
    noGrad(() => {
      if (this.thumbnails === null) {
        const { logits, hidden } = this.model.trainer.network.forwardWithHidden(this.neuronGrid);
        this.thumbnails = new ThumbnailPass([...hidden, logits]);
      }
      const done = this.thumbnails.paintNext(NEURONS_PER_PART, (column, index, values, width) => this.paintNeuron(column, index, values, width, this.neutralValue(column)));
      if (done) {
        if (this.schedule.linksDue(performance.now())) this.networkView.updateWeights(this.model.trainer.network.linears.map((linear) => linear.weight.toTypedArray()), { labels: false });
        this.thumbnails = null;
      }
    });
  }

  renderNumbers(): void {
    const { trainer, trainMetrics, testMetrics } = this.model;
    byId("epoch").textContent = formatNumber(trainer.epoch, 4);
    byId("train-loss").textContent = trainMetrics.loss.toFixed(3);
    byId("test-loss").textContent = testMetrics.loss.toFixed(3);
    byId("train-accuracy").textContent = trainMetrics.accuracy.toFixed(3);
    byId("test-accuracy").textContent = testMetrics.accuracy.toFixed(3);
    this.curves.draw();
  }

  private renderPlane(resolution: number): void {
    const start = performance.now();
    const { trainer, state, classes } = this.model;
    const grid = this.planeGrids.at(resolution);
    const { logits, hidden } = trainer.network.forwardWithHidden(grid);
    const neuron = this.hovered;
    if (neuron !== null && neuron.column > 0) {
      const values = neuron.column <= hidden.length ? hidden[neuron.column - 1]! : logits;
      this.plane.drawImage(neuronImage(values.toTypedArray(), values.shape[1]!, neuron.index, resolution, this.neutralValue(neuron.column)));
    } else if (neuron !== null) {
      this.plane.drawImage(neuronImage(grid.toTypedArray(), state.features.length, neuron.index, resolution));
    } else {
      this.plane.drawImage(boundaryImage(probabilities(logits, classes), classes, resolution, state.discretize));
    }
    this.planeGrids.record(resolution, performance.now() - start);
    this.plane.drawAxes();
    this.plane.drawPoints(this.model.train.points, this.model.test.points);
  }

  /** The feature maps of the input column, which change only with the features. */
  private paintInputs(): void {
    const values = this.neuronGrid.toTypedArray();
    const inputs = this.model.state.features.length;
    for (let f = 0; f < inputs; f++) this.paintNeuron(0, f, values, inputs);
  }

  private renderNeurons(): void {
    this.thumbnails = null;
    const { network } = this.model.trainer;
    const { logits, hidden } = network.forwardWithHidden(this.neuronGrid);
    [...hidden, logits].forEach((values, l) => {
      const flat = values.toTypedArray();
      for (let i = 0; i < values.shape[1]!; i++) this.paintNeuron(l + 1, i, flat, values.shape[1]!, this.neutralValue(l + 1));
    });
    this.networkView.updateWeights(network.linears.map((linear) => linear.weight.toTypedArray()));
  }

  /** The output a neuron in `column` has when it is "off": ½ for sigmoid units, else 0. */
  private neutralValue(column: number): number {
    const { state } = this.model;
    return column <= state.layers.length && state.activation === "sigmoid" ? 0.5 : 0;
  }

  private paintNeuron(column: number, index: number, values: ArrayLike<number>, stride: number, neutral = 0): void {
    this.networkView.paintNeuron(column, index, neuronImage(values, stride, index, NEURON_RESOLUTION, neutral));
  }
}
