/**
 * Downloads: the trained model as safetensors (the `nn.Sequential` state dict, with the
 * config in the file's metadata), the config alone as JSON, and the boundary picture as PNG.
 */
import { io } from "nabla";
import type { App } from "./app.js";
import { outputSize } from "./network.js";

/** What it takes to rebuild the network: sizes, activation, features and classes. */
export interface ModelConfig {
  format: "nabla-mlp";
  /** Layer sizes from the input features to the logits, e.g. [2, 8, 8, 1]. */
  sizes: number[];
  activation: string;
  /** Keys of the `nn.Sequential` the state dict belongs to, in order ("linear"/activation). */
  layers: string[];
  features: string[];
  classes: number;
  loss: "bce-with-logits" | "cross-entropy";
}

export function modelConfig(app: App): ModelConfig {
  const { state } = app;
  const sizes = [state.features.length, ...state.layers, outputSize(app.classes)];
  const layers = sizes.slice(1).flatMap((_, l) => (l + 2 < sizes.length ? ["linear", state.activation] : ["linear"]));
  return {
    format: "nabla-mlp",
    sizes,
    activation: state.activation,
    layers,
    features: [...state.features],
    classes: app.classes,
    loss: app.classes === 2 ? "bce-with-logits" : "cross-entropy",
  };
}

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function exportModel(app: App): void {
  const config = modelConfig(app);
  const bytes = io.encodeSafetensors(app.trainer.network.model.stateDict(), { metadata: { format: "pt", config: JSON.stringify(config) } });
  download("nabla-playground.safetensors", new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
}

export function exportConfig(app: App): void {
  download("nabla-playground.config.json", new Blob([JSON.stringify(modelConfig(app), null, 2)], { type: "application/json" }));
}

export function exportPng(app: App): void {
  app.render();
  app.plane.canvas.toBlob((blob) => {
    if (blob !== null) download("nabla-boundary.png", blob);
  }, "image/png");
}
