/** Entry point: builds the app and wires every pane to it. */
import "./style.css";
import * as nabla from "nabla";
import { App } from "./app.js";
import { bindBackpropPanel } from "./backprop-panel.js";
import { bindControls } from "./controls.js";
import { byId } from "./dom.js";
import { exportConfig, exportModel, exportOnnxModel, exportPng } from "./export.js";
import { bindJacobianPanel } from "./jacobian-panel.js";
import { bindLecturePanels } from "./lecture-panels.js";
import { probeWebGpu } from "./webgpu-probe.js";

const app = new App(await probeWebGpu());
bindControls(app);
bindLecturePanels(app);
bindBackpropPanel(app);
bindJacobianPanel(app);
byId("export-model").addEventListener("click", () => exportModel(app));
byId("export-config").addEventListener("click", () => exportConfig(app));
byId("export-onnx").addEventListener("click", () => exportOnnxModel(app));
byId("export-png").addEventListener("click", () => exportPng(app));
app.update({}, "view");

/**
 * Handles for the browser tests and the benchmark (the page works without them), and nabla
 * itself, so the browser console can experiment with the library the page runs on.
 */
declare global {
  interface Window {
    playground: App;
    nabla: typeof nabla;
  }
}
window.playground = app;
window.nabla = nabla;
