/**
 * The page's model: the state, the data it implies, the trainer, and the animation loop that
 * trains for a slice of each frame and then redraws (through the {@link PageRenderer}).
 */
import { noGrad, tensor } from "nabla";
import { makeDataset, splitTrainTest } from "./datasets.js";
import type { DrawingPart } from "./drawing-schedule.js";
import { PageRenderer } from "./page-renderer.js";
import type { Plane } from "./plane.js";
import { RemoteTraining } from "./remote-training.js";
import { selectBackend } from "./select-backend.js";
import { classCount, decodeState, encodeState, type Point, type State } from "./state.js";
import { labelledSet, Trainer, type LabelledSet, type Metrics } from "./trainer.js";
import { byId } from "./dom.js";
import type { WebGpuProbe } from "./webgpu-probe.js";

/**
 * Milliseconds of training per animation frame while running "fastest": fixed, so the training
 * speed does not depend on how much the picture costs to draw.
 */
const TRAINING_MS = 10;

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
  /**
   * The backend training runs on: "webgpu" (in the worker, at every speed, while this thread
   * draws on `backendName`) when chosen and offered, else `backendName`.
   */
  trainingBackend = "";
  /** The GPU adapter training runs on (the worker's own once it reported it), or "". */
  adapter = "";
  trainMetrics: Metrics = { loss: NaN, accuracy: NaN };
  testMetrics: Metrics = { loss: NaN, accuracy: NaN };
  /** Listeners run after every redraw (the lecture panels). */
  readonly afterRender: (() => void)[] = [];
  /** Listeners run after every state change (the controls). */
  readonly afterChange: ((change: Change) => void)[] = [];
  /** The Web Worker that trains at "fastest" speed while this thread draws. */
  private readonly remote = new RemoteTraining();
  private readonly renderer: PageRenderer;
  private dirty = true;
  private frames: number[] = [];
  /** Training steps taken in each recent frame, for the steps-per-second readout. */
  private stepLog: { time: number; steps: number }[] = [];

  /** `webgpu`: whether this browser offers WebGPU (asked once at start-up). */
  constructor(readonly webgpu: WebGpuProbe = { adapter: null, reason: "not asked" }) {
    this.state = decodeState(location.hash);
    this.renderer = new PageRenderer(
      this,
      () => (this.dirty = true),
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

  /** The decision plane (the controls read clicks on it, the lecture panels draw on it). */
  get plane(): Plane {
    return this.renderer.plane;
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

  private buildData(): void {
    // every tensor is rebuilt below, so they all live on the newly chosen backend
    ({ backendName: this.backendName, trainingBackend: this.trainingBackend, adapter: this.adapter, backendError: this.backendError } = selectBackend(this.state.backend, this.webgpu));
    if (this.trainingBackend === "webgpu") this.remote.retry(); // a worker that failed before may succeed on the GPU now
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
    this.renderer.rebuild();
    this.layoutNetwork();
    this.measure();
  }

  /** Rebuilds the network diagram (after a change of architecture or of the page's size). */
  layoutNetwork(): void {
    this.renderer.layoutNetwork();
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
      if (this.running) this.renderPart(this.renderer.nextPart(time));
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
    let gpu = this.trainingBackend === "webgpu";
    if (gpu && !this.remote.available) {
      // the worker could not train on the GPU (no adapter there, device lost): go on on this thread
      this.backendError = `webgpu failed, training on ${this.backendName}: ${this.remote.failure || "this browser has no Web Workers"}`;
      this.trainingBackend = this.backendName;
      this.adapter = "";
      gpu = false;
      for (const listener of this.afterChange) listener("view");
    }
    const worker = this.remote.available && (gpu || (this.state.speed === 0 && (this.backendName === "wasm" || this.backendName === "js")));
    if (!worker) {
      this.takeBackFromWorker();
      this.trainSlice();
      return;
    }
    // on the GPU a set speed is that many steps per frame, taken in the worker
    const stepsPerSnapshot = gpu ? this.state.speed : 0;
    if (this.remote.running && this.remote.stepsPerSnapshot !== stepsPerSnapshot) this.takeBackFromWorker();
    if (!this.remote.running) this.remote.start(this.trainer, this.train.points, this.test.points, this.trainingBackend, stepsPerSnapshot);
    if (gpu && this.remote.adapter !== "" && this.remote.adapter !== this.adapter) {
      this.adapter = this.remote.adapter; // the adapter the worker's nabla opened
      for (const listener of this.afterChange) listener("view");
    }
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
    this.renderer.curves.add({ epoch, trainLoss: train.loss, testLoss: test.loss, trainAccuracy: train.accuracy, testAccuracy: test.accuracy });
  }

  /** Redraws everything at full resolution (when paused, or after a change). */
  render(): void {
    this.dirty = false;
    this.renderer.renderPicture();
    this.renderer.renderNumbers();
    for (const listener of this.afterRender) listener();
  }

  /** Redraws one part while training; the plane at the resolution its time budget allows. */
  private renderPart(part: DrawingPart): void {
    if (part === "plane") {
      this.renderer.renderPlaneWithinBudget();
      for (const listener of this.afterRender) listener();
    } else if (part === "neurons") this.renderer.renderSomeNeurons();
    else {
      if (!this.remote.running) this.measure(); // else the worker measures
      this.renderer.renderNumbers();
    }
  }
}
