/** The Jacobian view: for z = Wx, nabla's `jacobian` next to W (they are equal). */
import { jacobian, tensor, type Tensor } from "nabla";
import type { App } from "./app.js";
import { byId, html } from "./dom.js";
import { formatNumber } from "./format.js";

/** Parses "1, 2; 3, 4" into rows of numbers, naming the offending entry if one is not a number. */
export function parseMatrix(text: string, what: string): number[][] {
  const rows = text.split(";").map((row) => row.split(",").map((cell) => cell.trim()).filter((cell) => cell !== ""));
  const values = rows.map((row) => row.map((cell) => {
    const value = Number(cell);
    if (!Number.isFinite(value)) throw new Error(`${what}: "${cell}" is not a number`);
    return value;
  }));
  if (values.length === 0 || values[0]!.length === 0) throw new Error(`${what}: enter numbers, rows separated by ";"`);
  if (values.some((row) => row.length !== values[0]!.length)) throw new Error(`${what}: every row needs ${values[0]!.length} numbers`);
  return values;
}

function matrixBox(title: string, value: Tensor, id: string): HTMLElement {
  const box = html("figure", { class: "matrix-box", id });
  const table = html("table", { class: "matrix" });
  const rows = value.ndim === 1 ? (value.toArray() as number[]).map((v) => [v]) : (value.toArray() as number[][]);
  for (const row of rows) {
    const tr = html("tr");
    tr.append(...row.map((v) => html("td", {}, formatNumber(v))));
    table.append(tr);
  }
  box.append(html("figcaption", {}, title), table);
  return box;
}

/** The trained network's Jacobian at x, which, unlike Wx's, changes from point to point. */
function networkJacobian(app: App, xValues: number[]): HTMLElement {
  const features = app.state.features.length;
  const box = html("div", { class: "matrices", id: "jacobian-network" });
  if (xValues.length !== features) {
    box.append(html("p", { class: "hint" }, `Give x ${features} numbers (the network's inputs: ${app.state.features.join(", ")}) to see the trained network's Jacobian there too.`));
    return box;
  }
  const x = tensor(xValues, { dtype: "float32" });
  const network = app.trainer.network;
  const J = jacobian((input) => network.forward(input.reshape([1, features])).reshape([-1]), x);
  box.append(matrixBox(`the trained network at x: ∂logits/∂x (${J.shape.join("×")}), different at every x`, J, "jacobian-network-result"));
  return box;
}

export function bindJacobianPanel(app: App): void {
  const wInput = byId<HTMLInputElement>("jacobian-w");
  const xInput = byId<HTMLInputElement>("jacobian-x");
  wInput.value = "1, 2; 3, 4; 5, 6";
  xInput.value = "1, 1";
  const show = (): void => {
    try {
      const W = tensor(parseMatrix(wInput.value, "W"), { dtype: "float64" });
      const xValues = parseMatrix(xInput.value.replace(/;/g, ","), "x")[0]!;
      if (xValues.length !== W.shape[1]) throw new Error(`x needs ${W.shape[1]} numbers to multiply W (${W.shape.join("×")}), got ${xValues.length}`);
      const x = tensor(xValues, { dtype: "float64" });
      const z = W.matmul(x);
      const J = jacobian((input) => W.matmul(input), x);
      byId("jacobian-error").textContent = "";
      byId("jacobian").replaceChildren(
        matrixBox(`W (${W.shape.join("×")})`, W, "jacobian-weights"),
        matrixBox("x", x, "jacobian-input"),
        matrixBox("z = Wx", z, "jacobian-output"),
        matrixBox(`jacobian(x ↦ Wx, x): ∂zᵢ/∂xⱼ (${J.shape.join("×")})`, J, "jacobian-result"),
        html("p", { class: "hint" }, "Each row i of the Jacobian is the gradient of zᵢ, found by one backward pass seeded with the i-th unit vector; for a linear map it is W itself, wherever x is."),
        networkJacobian(app, xValues),
      );
    } catch (error) {
      byId("jacobian-error").textContent = (error as Error).message;
    }
  };
  wInput.addEventListener("input", show);
  xInput.addEventListener("input", show);
  byId("jacobian-from-network").addEventListener("click", () => {
    const weight = app.trainer.network.linears[0]!.weight;
    wInput.value = (weight.toArray() as number[][]).map((row) => row.map((v) => +v.toFixed(3)).join(", ")).join("; ");
    xInput.value = Array.from({ length: weight.shape[1]! }, () => "1").join(", ");
    show();
  });
  // the network's part follows the network: recompute whenever the view is (re)entered
  app.afterChange.push(() => {
    if (app.state.view === "jacobian") show();
  });
  show();
}
