/**
 * The page's model: the state, the data it implies, the trainer, and the animation loop that
 * trains for a slice of each frame and then redraws.
 */
import { getBackend, noGrad, setBackend, tensor, type Tensor } from "nabla";
import { Curves } from "./curves.js";
import { makeDataset, splitTrainTest } from "./datasets.js";
import { FEATURE_LABELS, featureMatrix } from "./features.js";
import { formatNumber } from "./format.js";
import { NetworkView, type NeuronId } from "./network-view.js";
import { outputSize } from "./network.js";
import { boundaryImage, gridCoordinates, neuronImage, Plane } from "./plane.js";
import { MAIN_RESOLUTION, PlaneGrids } from "./plane-grids.js";
import { RemoteTraining } from "./remote-training.js";
import { ThumbnailPass } from "./thumbnail-pass.js";
import { DrawingSchedule, type DrawingPart } from "./drawing-schedule.js";
import { classCount, decodeState, encodeState, type Point, type State } from "./state.js";
import { labelledSet, probabilities, Trainer, type LabelledSet, type Metrics } from "./trainer.js";
import { byId } from "./dom.js";

const NEURON_RESOLUTION = 24;
/**
 * Milliseconds of training per animation frame while running "fastest": fixed, so the training
 * speed does not depend on how much the picture costs to draw.
 */
const TRAINING_MS = 10;
/** While training, the plane is drawn within about this budget (its resolution adapts). */
const DRAWING_PART_MS = 5;
/** Thumbnails painted per "neurons" part: a large network's are spread over several frames. */
const NEURONS_PER_PART = 16;

/** What a change of state invalidates. */
export type Change = "view" | "model" | "data";

export class App {
  state: State;
  points: Point[] = [];
  train!: LabelledSet;
  test!: LabelledSet;
  trainer!: Trainer;
  running = false;
  /** The backend the page computes on now (what "auto" resolved to). */
  backendName = "";
  /** Why the chosen backend could not be used, if it could not. */
  backendError = "";
  trainMetrics: Metrics = { loss: NaN, accuracy: NaN };
  testMetrics: Metrics = { loss: NaN, accuracy: NaN };
  readonly plane = new Plane(byId<HTMLCanvasElement>("plane"));
  readonly curves = new Curves(byId<HTMLCanvasElement>("curves"));
  readonly networkView: NetworkView;
  /** Listeners run after every redraw (the lecture panels). */
  readonly afterRender: (() => void)[] = [];
  /** Listeners run after every state change (the controls). */
  readonly afterChange: ((change: Change) => void)[] = [];
  private neuronGrid!: Tensor;
  /** The plane's grid at each resolution (coarser for large networks while training). */
  private planeGrids!: PlaneGrids;
  /** Which part of the picture a running frame redraws. */
  private schedule!: DrawingSchedule;
  /** The thumbnails being painted a few per frame while training. */
  private thumbnails: ThumbnailPass | null = null;
  /** The Web Worker that trains at "fastest" speed while this thread draws. */
  private readonly remote = new RemoteTraining();
  private hovered: NeuronId | null = null;
  private dirty = true;
  private frames: number[] = [];
  /** Training steps taken in each recent frame, for the steps-per-second readout. */
  private stepLog: { time: number; steps: number }[] = [];

  constructor() {
    this.state = decodeState(location.hash);
    this.networkView = new NetworkView(
      byId("network"),
      (neuron) => {
        this.hovered = neuron;
        this.dirty = true;
      },
      (layer, delta) => this.resizeLayer(layer, delta),
    );
    this.rebuild("data");
    window.addEventListener("hashchange", () => {
      if (location.hash.replace(/^#/, "") === encodeState(this.state)) return;
      this.state = decodeState(location.hash);
      this.running = false;
      this.rebuild("data");
    });
    window.addEventListener("resize", () => this.layoutNetwork());
    requestAnimationFrame((time) => this.frame(time));
  }

  /** Whether a Web Worker is training now (at "fastest"; this thread only draws). */
  get trainingInWorker(): boolean {
    return this.remote.running;
  }

  get classes(): number {
    return classCount(this.state);
  }

  /** Applies a change of state, rebuilds what it invalidates and records it in the URL. */
  update(patch: Partial<State>, change: Change): void {
    this.state = { ...this.state, ...patch };
    this.rebuild(change);
  }

  private rebuild(change: Change): void {
    history.replaceState(null, "", `#${encodeState(this.state)}`);
    if (change === "data") this.buildData();
    if (change !== "view") this.buildModel();
    for (const listener of this.afterChange) listener(change);
    // the diagram measures its pane, which may just have been shown
    if (change === "view") this.layoutNetwork();
    this.dirty = true;
  }

  /** Switches nabla to the chosen backend; "auto" is nabla's own order: WASM, else pure TS. */
  private selectBackend(): void {
    this.backendError = "";
    try {
      setBackend(this.state.backend === "auto" ? "wasm" : this.state.backend);
    } catch (error) {
      if (this.state.backend !== "auto") this.backendError = (error as Error).message;
      setBackend("js");
    }
    this.backendName = getBackend();
  }

  private buildData(): void {
    // every tensor is rebuilt below, so they all live on the newly chosen backend
    this.selectBackend();
    const { state } = this;
    const generated = makeDataset({ name: state.data, points: state.points, noise: state.noise, classes: state.classes, seed: state.seed });
    this.points = [...generated, ...state.extra.filter((p) => p.label < this.classes)];
    const split = splitTrainTest(this.points, state.trainRatio, state.seed);
    this.train = labelledSet(split.train, state.features);
    this.test = labelledSet(split.test, state.features);
  }

  private buildModel(): void {
    const { state } = this;
    this.train = labelledSet(this.train.points, state.features);
    this.test = labelledSet(this.test.points, state.features);
    this.remote.stop(); // a new network: what the worker trained is dropped
    this.trainer = new Trainer(
      {
        features: state.features,
        hidden: state.layers,
        activation: state.activation,
        classes: this.classes,
        optimizer: state.optimizer,
        learningRate: state.learningRate,
        batchSize: state.batchSize,
        regularization: state.regularization,
        regularizationRate: state.regularizationRate,
        seed: state.seed,
      },
      this.train,
    );
    this.neuronGrid = tensor(featureMatrix(state.features, gridCoordinates(NEURON_RESOLUTION)), { shape: [NEURON_RESOLUTION ** 2, state.features.length] });
    this.planeGrids = new PlaneGrids(state.features);
    const sizes = [state.features.length, ...state.layers, outputSize(this.classes)];
    this.schedule = new DrawingSchedule(
      sizes.slice(1).reduce((a, b) => a + b, 0),
      sizes.slice(1).reduce((sum, size, l) => sum + size * sizes[l]!, 0),
    );
    this.curves.clear();
    this.layoutNetwork();
    this.measure();
  }

  /** Rebuilds the network diagram (after a change of architecture or of the page's size). */
  layoutNetwork(): void {
    const { state } = this;
    this.networkView.build({ inputs: state.features.map((f) => FEATURE_LABELS[f]), hidden: state.layers, outputs: outputSize(this.classes) });
    this.paintInputs();
    this.dirty = true;
  }

  /** Adds a clicked point to the training data without resetting the network. */
  addPoint(point: Point): void {
    const extra = [...this.state.extra, point];
    if (classCount({ ...this.state, extra }) !== this.classes) {
      // a new class changes the output layer: rebuild the network for it
      this.update({ extra }, "data");
      return;
    }
    this.state = { ...this.state, extra };
    history.replaceState(null, "", `#${encodeState(this.state)}`);
    this.points.push(point);
    this.takeBackFromWorker(); // the next frame starts it again, with the point
    this.train = labelledSet([...this.train.points, point], this.state.features);
    this.trainer.setTrainingData(this.train);
    this.measure();
    this.dirty = true;
  }

  /** The network's logits for rows of feature values (how the tests compare an exported model). */
  logitsFor(rows: number[][]): number[] {
    return noGrad(() => Array.from(this.trainer.network.forward(tensor(rows)).toTypedArray()));
  }

  private resizeLayer(layer: number, delta: number): void {
    const layers = [...this.state.layers];
    layers[layer] = Math.min(16, Math.max(1, layers[layer]! + delta));
    this.update({ layers }, "model");
  }

  setRunning(running: boolean): void {
    this.running = running;
    if (!running) this.takeBackFromWorker();
    for (const listener of this.afterChange) listener("view");
  }

  /** One training step (the "step" button), then a redraw. */
  stepOnce(): void {
    this.takeBackFromWorker();
    this.trainer.step();
    this.measure();
    this.dirty = true;
  }

  private frame(time: number): void {
    this.frames.push(time);
    while (this.frames.length > 0 && this.frames[0]! < time - 1000) this.frames.shift();
    if (this.running) this.trainFrame();
    while (this.stepLog.length > 0 && this.stepLog[0]!.time < performance.now() - 1000) this.stepLog.shift();
    if (this.dirty) {
      // while training, one part of the picture per frame, so no frame waits for all of it
      if (this.running) this.renderPart(this.schedule.next(time, this.thumbnails !== null));
      else this.render();
    }
    byId("fps").textContent = String(this.running ? this.frames.length : 0);
    byId("steps-per-second").textContent = String(this.stepLog.reduce((sum, entry) => sum + entry.steps, 0));
    requestAnimationFrame((next) => this.frame(next));
  }

  /**
   * This frame's training: at "fastest" the worker trains on its own and the frame takes its
   * latest parameters (the drawing never slows the training down); else (at a set speed, or
   * without a worker) a slice of training on this thread.
   */
  private trainFrame(): void {
    const worker = this.state.speed === 0 && this.remote.available && (this.backendName === "wasm" || this.backendName === "js");
    if (!worker) {
      this.takeBackFromWorker();
      this.trainSlice();
      return;
    }
    if (!this.remote.running) this.remote.start(this.trainer, this.train.points, this.test.points, this.backendName);
    const progress = this.remote.takeProgress();
    if (progress === null) return;
    const before = this.trainer.steps;
    this.trainer.restore(progress, { parametersOnly: true });
    this.stepLog.push({ time: performance.now(), steps: this.trainer.steps - before });
    const metrics = this.remote.takeMetrics();
    if (metrics !== null) this.recordMetrics(metrics.epoch, metrics.train, metrics.test);
    this.dirty = true;
  }

  /** Ends the worker's session, if one runs: this thread's trainer goes on from where it got (optimizer state included). */
  private takeBackFromWorker(): void {
    const last = this.remote.stop();
    if (last === null) return;
    this.trainer.restore(last);
    this.measure(); // the worker's last metrics were taken a little earlier
    this.dirty = true;
  }

  /** Trains on this thread for this frame: `speed` steps, or ("fastest") for TRAINING_MS whatever drawing costs. */
  private trainSlice(): void {
    const start = performance.now();
    let steps = 0;
    do {
      if (Number.isNaN(this.trainer.step())) break; // no training points (yet)
      steps++;
    } while (this.state.speed > 0 ? steps < this.state.speed : performance.now() - start < TRAINING_MS);
    this.stepLog.push({ time: performance.now(), steps });
    this.dirty = true;
  }

  private measure(): void {
    this.recordMetrics(this.trainer.epoch, this.trainer.evaluate(this.train), this.trainer.evaluate(this.test));
  }

  private recordMetrics(epoch: number, train: Metrics, test: Metrics): void {
    this.trainMetrics = train;
    this.testMetrics = test;
    this.curves.add({ epoch, trainLoss: train.loss, testLoss: test.loss, trainAccuracy: train.accuracy, testAccuracy: test.accuracy });
  }

  /** Redraws everything at full resolution (when paused, or after a change). */
  render(): void {
    this.dirty = false;
    noGrad(() => {
      this.renderPlane(MAIN_RESOLUTION);
      this.renderNeurons();
    });
    this.renderNumbers();
    for (const listener of this.afterRender) listener();
  }

  /** Redraws one part while training; the plane at the resolution its time budget allows. */
  private renderPart(part: DrawingPart): void {
    if (part === "plane") {
      noGrad(() => this.renderPlane(this.planeGrids.resolutionWithin(DRAWING_PART_MS)));
      for (const listener of this.afterRender) listener();
    } else if (part === "neurons") noGrad(() => this.renderSomeNeurons());
    else {
      if (!this.remote.running) this.measure(); // else the worker measures
      this.renderNumbers();
    }
  }

  private renderNumbers(): void {
    byId("epoch").textContent = formatNumber(this.trainer.epoch, 4);
    byId("train-loss").textContent = this.trainMetrics.loss.toFixed(3);
    byId("test-loss").textContent = this.testMetrics.loss.toFixed(3);
    byId("train-accuracy").textContent = this.trainMetrics.accuracy.toFixed(3);
    byId("test-accuracy").textContent = this.testMetrics.accuracy.toFixed(3);
    this.curves.draw();
  }

  private renderPlane(resolution: number): void {
    const start = performance.now();
    const { network } = this.trainer;
    const grid = this.planeGrids.at(resolution);
    const { logits, hidden } = network.forwardWithHidden(grid);
    const neuron = this.hovered;
    if (neuron !== null && neuron.column > 0) {
      const values = neuron.column <= hidden.length ? hidden[neuron.column - 1]! : logits;
      this.plane.drawImage(neuronImage(values.toTypedArray(), values.shape[1]!, neuron.index, resolution, this.neutralValue(neuron.column)));
    } else if (neuron !== null) {
      this.plane.drawImage(neuronImage(grid.toTypedArray(), this.state.features.length, neuron.index, resolution));
    } else {
      this.plane.drawImage(boundaryImage(probabilities(logits, this.classes), this.classes, resolution, this.state.discretize));
    }
    this.planeGrids.record(resolution, performance.now() - start);
    this.plane.drawAxes();
    this.plane.drawPoints(this.train.points, this.test.points);
  }

  /** The feature maps of the input column, which change only with the features. */
  private paintInputs(): void {
    const values = this.neuronGrid.toTypedArray();
    this.state.features.forEach((_, f) => this.paintNeuron(0, f, values, this.state.features.length));
  }

  /** Paints the next NEURONS_PER_PART thumbnails; a new pass over the network after the last. */
  private renderSomeNeurons(): void {
    if (this.thumbnails === null) {
      const { logits, hidden } = this.trainer.network.forwardWithHidden(this.neuronGrid);
      this.thumbnails = new ThumbnailPass([...hidden, logits]);
    }
    const done = this.thumbnails.paintNext(NEURONS_PER_PART, (column, index, values, width) => this.paintNeuron(column, index, values, width, this.neutralValue(column)));
    if (done) {
      if (this.schedule.linksDue(performance.now())) this.networkView.updateWeights(this.trainer.network.linears.map((linear) => linear.weight.toTypedArray()), { labels: false });
      this.thumbnails = null;
    }
  }

  private renderNeurons(): void {
    this.thumbnails = null;
    const { network } = this.trainer;
    const { logits, hidden } = network.forwardWithHidden(this.neuronGrid);
    [...hidden, logits].forEach((values, l) => {
      const flat = values.toTypedArray();
      for (let i = 0; i < values.shape[1]!; i++) this.paintNeuron(l + 1, i, flat, values.shape[1]!, this.neutralValue(l + 1));
    });
    this.networkView.updateWeights(network.linears.map((linear) => linear.weight.toTypedArray()));
  }

  /** The output a neuron in `column` has when it is "off": ½ for sigmoid units, else 0. */
  private neutralValue(column: number): number {
    return column <= this.state.layers.length && this.state.activation === "sigmoid" ? 0.5 : 0;
  }

  private paintNeuron(column: number, index: number, values: ArrayLike<number>, stride: number, neutral = 0): void {
    this.networkView.paintNeuron(column, index, neuronImage(values, stride, index, NEURON_RESOLUTION, neutral));
  }
}
