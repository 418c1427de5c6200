/** Binds the toolbar, the data pane and the layer buttons to the app's state. */
import type { App, Change } from "./app.js";
import { parseCsv } from "./datasets.js";
import { lectureSetup } from "./lecture-panels.js";
import { byId, html } from "./dom.js";
import { FEATURE_LABELS } from "./features.js";
import { cssColor } from "./plane.js";
import { FEATURE_NAMES, type State } from "./state.js";

type Field = {
  id: string;
  key: keyof State;
  parse: (value: string) => State[keyof State];
  change: Change;
};

const FIELDS: Field[] = [
  { id: "speed", key: "speed", parse: Number, change: "view" },
  { id: "backend", key: "backend", parse: String, change: "data" },
  { id: "lr", key: "learningRate", parse: Number, change: "model" },
  { id: "activation", key: "activation", parse: String, change: "model" },
  { id: "optimizer", key: "optimizer", parse: String, change: "model" },
  { id: "batch", key: "batchSize", parse: (v) => Math.max(1, Math.round(Number(v) || 1)), change: "model" },
  { id: "regularization", key: "regularization", parse: String, change: "model" },
  { id: "regularization-rate", key: "regularizationRate", parse: Number, change: "model" },
  { id: "dataset", key: "data", parse: String, change: "data" },
  { id: "classes", key: "classes", parse: (v) => Math.min(5, Math.max(2, Math.round(Number(v) || 2))), change: "data" },
  { id: "noise", key: "noise", parse: Number, change: "data" },
  { id: "points", key: "points", parse: Number, change: "data" },
  { id: "train-ratio", key: "trainRatio", parse: Number, change: "data" },
  { id: "seed", key: "seed", parse: (v) => Math.max(0, Math.round(Number(v) || 0)), change: "data" },
  { id: "paint-class", key: "paintClass", parse: Number, change: "view" },
];

/** Makes sure a select offers `value` (the URL may hold one that is not in the list). */
function ensureOption(select: HTMLSelectElement, value: string): void {
  if (![...select.options].some((o) => o.value === value)) select.append(html("option", { value }, value));
}

function showState(app: App): void {
  const { state } = app;
  for (const field of FIELDS) {
    const input = byId<HTMLInputElement | HTMLSelectElement>(field.id);
    const value = String(state[field.key]);
    if (input instanceof HTMLSelectElement) ensureOption(input, value);
    if (document.activeElement !== input) input.value = value;
  }
  byId("classes").parentElement!.hidden = state.data !== "kclouds";
  byId("noise-value").textContent = state.noise.toFixed(2);
  byId("points-value").textContent = String(state.points);
  byId("train-ratio-value").textContent = `${Math.round(state.trainRatio * 100)}%`;
  byId<HTMLInputElement>("discretize").checked = state.discretize;
  byId("layer-count").textContent = String(state.layers.length);
  byId("layer-word").textContent = state.layers.length === 1 ? "hidden layer" : "hidden layers";
  byId<HTMLButtonElement>("add-layer").disabled = state.layers.length >= 6;
  byId<HTMLButtonElement>("remove-layer").disabled = state.layers.length === 0;
  byId("run").textContent = app.running ? "❚❚ pause" : "▶ run";
  byId("backend-active").textContent = backendLabel(app);
  byId("problem").textContent = app.classes === 2 ? "2 classes: sigmoid + binary cross-entropy" : `${app.classes} classes: softmax + cross-entropy`;
  const paint = byId<HTMLSelectElement>("paint-class");
  const wanted = state.data === "custom" ? 5 : app.classes;
  if (paint.options.length !== wanted) {
    paint.replaceChildren(...Array.from({ length: wanted }, (_, k) => {
      const option = html("option", { value: String(k) }, `class ${k}`);
      option.style.color = cssColor(k);
      return option;
    }));
  }
  paint.value = String(Math.min(state.paintClass, wanted - 1));
  for (const name of FEATURE_NAMES) byId<HTMLInputElement>(`feature-${name}`).checked = state.features.includes(name);
  for (const button of document.querySelectorAll<HTMLButtonElement>("#views button")) button.classList.toggle("active", button.dataset.view === state.view);
  byId("train-view").hidden = !["train", "logistic", "softmax"].includes(state.view);
  byId("toolbar").hidden = byId("train-view").hidden;
  byId("backprop-view").hidden = state.view !== "backprop";
  byId("jacobian-view").hidden = state.view !== "jacobian";
}

/** The backend beside the selector: what trains (the GPU adapter), what draws, or why the choice could not be used. */
function backendLabel(app: App): string {
  if (app.trainingBackend === "webgpu") return `(webgpu: ${app.adapter} — drawing on ${app.backendName})`;
  return app.backendError === "" ? `(${app.backendName})` : `(${app.backendName}: ${app.backendError})`;
}

/** The "webgpu" option: offered where the browser gave an adapter, else disabled with the reason. */
function addWebGpuOption(app: App): void {
  const option = html("option", { value: "webgpu" }, "WebGPU");
  if (app.webgpu.adapter === null) {
    option.disabled = true;
    option.title = `not available: ${app.webgpu.reason}`;
  } else option.title = `trains in a worker on ${app.webgpu.adapter}; the page draws on WASM`;
  byId<HTMLSelectElement>("backend").append(option);
}

function bindFeatures(app: App): void {
  const box = byId("features");
  for (const name of FEATURE_NAMES) {
    const input = html("input", { type: "checkbox", id: `feature-${name}` });
    input.addEventListener("change", () => {
      const features = FEATURE_NAMES.filter((f) => (f === name ? input.checked : app.state.features.includes(f)));
      if (features.length === 0) input.checked = true;
      else app.update({ features }, "model");
    });
    const label = html("label", { class: "inline" });
    label.append(input, ` ${FEATURE_LABELS[name]}`);
    box.append(label);
  }
}

function bindData(app: App): void {
  byId("regenerate").addEventListener("click", () => app.update({ seed: app.state.seed + 1 }, "data"));
  byId("clear-points").addEventListener("click", () => app.update({ extra: [] }, "data"));
  byId("plane").addEventListener("click", (event) => {
    const [x, y] = app.plane.fromEvent(event as MouseEvent);
    app.addPoint({ x, y, label: app.state.paintClass });
  });
  byId<HTMLInputElement>("csv").addEventListener("change", async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (file === undefined) return;
    try {
      const extra = parseCsv(await file.text());
      byId("data-error").textContent = "";
      app.update({ data: "custom", extra }, "data");
    } catch (error) {
      byId("data-error").textContent = (error as Error).message;
    }
  });
}

export function bindControls(app: App): void {
  addWebGpuOption(app);
  bindFeatures(app);
  for (const field of FIELDS) {
    byId(field.id).addEventListener("change", (event) => {
      const value = field.parse((event.target as HTMLInputElement).value);
      app.update({ [field.key]: value }, field.change);
    });
  }
  bindData(app);
  byId("discretize").addEventListener("change", (event) => app.update({ discretize: (event.target as HTMLInputElement).checked }, "view"));
  byId("add-layer").addEventListener("click", () => app.update({ layers: [...app.state.layers, 4].slice(0, 6) }, "model"));
  byId("remove-layer").addEventListener("click", () => app.update({ layers: app.state.layers.slice(0, -1) }, "model"));
  byId("run").addEventListener("click", () => app.setRunning(!app.running));
  byId("step").addEventListener("click", () => app.stepOnce());
  byId("reset").addEventListener("click", () => app.update({}, "model"));
  for (const button of document.querySelectorAll<HTMLButtonElement>("#views button")) {
    button.addEventListener("click", () => {
      const view = button.dataset.view as State["view"];
      const setup = lectureSetup(app, view);
      if (setup === null) {
        app.update({ view }, "view");
        return;
      }
      // a lecture tab shows its lecture at once: its model, training at a speed one can follow
      app.update(setup, "data");
      app.setRunning(true);
    });
  }
  app.afterChange.push(() => showState(app));
  showState(app);
}
