/**
 * Downloads: the trained model as a nabla model directory's two files — `config.json` and
 * `model.safetensors`, built with the same io functions `io.save` (and so the CLI) uses, so
 * `io.load(dir)` reads them back — the network as ONNX (`io.exportOnnx`), and the boundary
 * picture as PNG.
 */
import { io } from "nabla";
import type { App } from "./app.js";

/** The model's config.json, as `io.save` writes it, with the playground's settings as `training`. */
export function modelConfig(app: App): io.ModelConfig {
  const { state } = app;
  return io.checkModelConfig(
    {
      format: io.MODEL_FORMAT,
      version: io.MODEL_FORMAT_VERSION,
      architecture: io.describeSequential(app.trainer.network.model),
      inputShape: [state.features.length],
      classNames: Array.from({ length: app.classes }, (_, k) => `class ${k}`),
      featureNames: [...state.features],
      // the keys the CLI writes (loss tells it how to read the outputs), then the playground's own
      training: {
        loss: app.classes === 2 ? "bce" : "cross-entropy",
        optimizer: state.optimizer,
        epochs: app.trainer.epoch,
        batchSize: state.batchSize,
        seed: state.seed,
        activation: state.activation,
        layers: [state.features.length, ...state.layers, app.classes === 2 ? 1 : app.classes].join("-"),
        source: "nabla playground",
        features: "computed from the point (x1, x2): x1, x2, x1sq = x1², x2sq = x2², x1x2 = x1·x2, sinx1, sinx2",
        data: state.data,
        learningRate: state.learningRate,
        regularization: state.regularization,
        regularizationRate: state.regularizationRate,
        url: location.href,
      },
    },
    "playground export",
  );
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
  const bytes = io.encodeSafetensors(app.trainer.network.model.stateDict(), { metadata: { format: "pt" } });
  download(io.WEIGHTS_FILE, new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
}

export function exportConfig(app: App): void {
  download(io.CONFIG_FILE, new Blob([`${JSON.stringify(modelConfig(app), null, 2)}\n`], { type: "application/json" }));
}

/** The network as `model.onnx`: rows of the selected features in ("features"), logits out ("logits"). */
export function exportOnnxModel(app: App): void {
  const bytes = io.exportOnnx(app.trainer.network.model, { inputShape: [app.state.features.length], inputNames: ["features"], outputNames: ["logits"] });
  download("model.onnx", new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "application/octet-stream" }));
}

export function exportPng(app: App): void {
  app.render();
  app.plane.canvas.toBlob((blob) => {
    if (blob !== null) download("nabla-boundary.png", blob);
  }, "image/png");
}
